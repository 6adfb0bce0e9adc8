import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphql } from './helpers/gateway';
import { NEEDS_REDIS, redisAnswers, TEST_REDIS_URL } from './helpers/redis';

const redisUp = await redisAnswers();
const repoRoot = resolve(import.meta.dirname, '..');

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/** `count` consecutive free ports on loopback. */
async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

describe.skipIf(!redisUp)(`npm run cluster ${NEEDS_REDIS}`, () => {
  it('starts the sandboxes once and INSTANCES gateways on consecutive ports, and stops them all on SIGINT', async () => {
    const port = await freePorts(2);
    const [hooprPort, hoopaiPort] = [await freePorts(1), await freePorts(1)];
    const cluster = spawn(process.execPath, ['--import', 'tsx', 'src/server/cluster.ts'], {
      cwd: repoRoot,
      env: { ...process.env, INSTANCES: '2', PORT: String(port), HOOPR_SANDBOX_PORT: String(hooprPort), HOOPAI_SANDBOX_PORT: String(hoopaiPort), REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const banner = await new Promise<string>((done, fail) => {
        let output = '';
        const timer = setTimeout(() => fail(new Error(`no banner within 90 s: ${output}`)), 90_000);
        cluster.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Ctrl-C stops them all')) {
            clearTimeout(timer);
            done(output);
          }
        });
      });
      expect(banner).toContain(`http://127.0.0.1:${port}/graphql`);
      expect(banner).toContain(`http://127.0.0.1:${port + 1}/graphql`);
      for (const instance of [port, port + 1]) {
        const { status, body } = await graphql<any>(`http://127.0.0.1:${instance}/graphql`, '{ viewer { name } tracks(first: 1) { totalCount } }');
        expect(status).toBe(200);
        expect(body.data).toEqual({ viewer: { name: 'sandbox developer' }, tracks: { totalCount: expect.any(Number) } });
      }
      // One pair of sandboxes behind both instances.
      const stats = (await (await fetch(`http://127.0.0.1:${hooprPort}/__sandbox/stats`)).json()) as { requests: Record<string, number> };
      expect(stats.requests['GET /v1/tracks']).toBe(2);
    } finally {
      const exit = new Promise<number | null>((done) => cluster.once('exit', (code) => done(code)));
      cluster.kill('SIGINT');
      expect(await exit).toBe(0);
    }
    for (const stopped of [port, port + 1, hooprPort, hoopaiPort]) expect(await portFree(stopped)).toBe(true);
  });
});
