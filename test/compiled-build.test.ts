import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPILED_GATEWAY } from '../bench/processes';
import { graphql } from './helpers/gateway';
import { repoRoot, startGatewayProcess, stopAll } from './helpers/gateway-process';

// Inside the repository, so the compiled files resolve node_modules as dist/ does.
const outDir = join(repoRoot, '.tmp', `dist-${process.pid}`);

afterAll(() => {
  stopAll();
  rmSync(outDir, { recursive: true, force: true });
});

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('the compiled build (npm run build, npm run start:prod)', () => {
  it('builds to plain ESM JavaScript with source maps and full import paths', () => {
    const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
    execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: repoRoot, stdio: 'pipe' });
    execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: repoRoot, stdio: 'pipe' });

    const emitted = files(outDir);
    expect(emitted).toContain(join(outDir, 'server', 'main.js'));
    expect(emitted).toContain(join(outDir, 'server', 'main.js.map'));
    expect(emitted.some((file) => file.endsWith('.test.js'))).toBe(false);
    const start = readFileSync(join(outDir, 'server', 'start.js'), 'utf8');
    // The sandboxes stay lazily imported, by a path plain node resolves.
    expect(start).toContain("await import('../sandbox/hoopr/index.js')");
    for (const file of emitted.filter((name) => name.endsWith('.js'))) {
      const source = readFileSync(file, 'utf8');
      const relative = [...source.matchAll(/(?:from |import\()'(\.{1,2}\/[^']*)'/g)].map((match) => match[1]!);
      expect(relative.filter((specifier) => !specifier.endsWith('.js')), file).toEqual([]);
      expect(source, file).not.toMatch(/from 'tsx|import\('tsx/);
    }
  }, 120_000);

  // start:prod's flags, and the README's heap settings for hosts short of memory ("Memory"):
  // node refuses to start on a flag it does not know.
  const lowMemoryFlags = [
    ['--enable-source-maps', '--max-old-space-size=768'],
    ['--enable-source-maps', '--max-semi-space-size=8', '--heap-growing-percent=50'],
  ];
  it('the README gives the low-memory commands with exactly these flags', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const flags of lowMemoryFlags) expect(readme).toContain(`node ${flags.join(' ')} dist/server/main.js`);
  });

  it.each([
    ['start:prod', COMPILED_GATEWAY.nodeArgs],
    ...lowMemoryFlags.map((flags) => [flags.slice(1).join(' '), flags] as [string, string[]]),
  ])('runs on plain node with the flags of %s in sandbox mode: answers a query, then drains and exits 0 on SIGTERM', async (_name, nodeArgs) => {
    const gateway = await startGatewayProcess(process.execPath, [...nodeArgs, join(outDir, 'server', 'main.js')], {
      env: { NODE_OPTIONS: '' },
    });
    const { status, body } = await graphql(gateway.graphqlUrl, '{ viewer { name } tracks(first: 2) { edges { node { name } } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ viewer: { name: 'sandbox developer' }, tracks: { edges: [expect.anything(), expect.anything()] } });
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }, 60_000);
});
