import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { problemsOf } from './helpers/config-problems';

/** TRUSTED_DOCUMENTS_PATH / TRUSTED_DOCUMENTS_ONLY, and the API key exemption, as start-up sees them. */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VIEWER = 'query Viewer { viewer { name } }';
const hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let files = 0;
function manifestFile(content: unknown): string {
  const path = join(dir, `manifest-${++files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('trusted documents settings', () => {
  it('are off unless a manifest is configured', () => {
    expect(loadConfig({}).trustedDocuments).toBeUndefined();
  });

  it('load the manifest, with ids in canonical form (bare hex too, as plain sha256 codegen writes)', () => {
    const other = 'query Other { viewer { scopes } }';
    const path = manifestFile({ [`sha256:${hex(VIEWER)}`]: VIEWER, [hex(other).toUpperCase()]: other });
    const config = loadConfig({ TRUSTED_DOCUMENTS_PATH: path, TRUSTED_DOCUMENTS_ONLY: 'on' }).trustedDocuments!;
    expect(config.only).toBe(true);
    expect([...config.documents]).toEqual([
      [`sha256:${hex(VIEWER)}`, VIEWER],
      [`sha256:${hex(other)}`, other],
    ]);
    expect(loadConfig({ TRUSTED_DOCUMENTS_PATH: path }).trustedDocuments?.only).toBe(false);
  });

  it('stop start-up naming the variable when the manifest is missing, unreadable or malformed', () => {
    const missing = join(dir, 'missing.json');
    expect(problemsOf({ TRUSTED_DOCUMENTS_PATH: missing })).toEqual([`TRUSTED_DOCUMENTS_PATH: ${missing} cannot be read (ENOENT)`]);
    expect(problemsOf({ TRUSTED_DOCUMENTS_PATH: dir })).toEqual([`TRUSTED_DOCUMENTS_PATH: ${dir} cannot be read (EISDIR)`]);
    const notJson = manifestFile('{"sha256:');
    expect(problemsOf({ TRUSTED_DOCUMENTS_PATH: notJson })).toEqual([`TRUSTED_DOCUMENTS_PATH: ${notJson} is not JSON`]);
    for (const content of [[VIEWER], { [`sha256:${hex(VIEWER)}`]: 1 }, 'null']) {
      const [problem] = problemsOf({ TRUSTED_DOCUMENTS_PATH: manifestFile(content) });
      expect(problem).toMatch(/^TRUSTED_DOCUMENTS_PATH: .* is not a JSON object mapping document ids to document text/);
    }
    const empty = manifestFile({});
    expect(problemsOf({ TRUSTED_DOCUMENTS_PATH: empty })).toEqual([`TRUSTED_DOCUMENTS_PATH: ${empty} holds no documents`]);
  });

  it('refuse a manifest whose ids are not the SHA-256 of their text', () => {
    const sha1 = createHash('sha1').update(VIEWER).digest('hex');
    const wrongHash = `sha256:${hex('something else')}`;
    const [problem] = problemsOf({ TRUSTED_DOCUMENTS_PATH: manifestFile({ [sha1]: VIEWER, [wrongHash]: VIEWER }) });
    expect(problem).toContain(`"${sha1}" is not a sha256 document id`);
    expect(problem).toContain(`"${wrongHash}" is not the SHA-256 of its document text`);
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`id-${i}`, VIEWER]));
    expect(problemsOf({ TRUSTED_DOCUMENTS_PATH: manifestFile(many) })[0]).toMatch(/; and 3 more$/);
  });

  it('refuse only-mode without a manifest, and a switch that is not on or off', () => {
    expect(problemsOf({ TRUSTED_DOCUMENTS_ONLY: 'on' })).toEqual([
      'TRUSTED_DOCUMENTS_ONLY: on, but TRUSTED_DOCUMENTS_PATH is not set (the manifest of the documents to accept)',
    ]);
    expect(problemsOf({ TRUSTED_DOCUMENTS_ONLY: 'yes' })).toEqual(['TRUSTED_DOCUMENTS_ONLY: expected on or off']);
  });

  it('read the freeFormQueries exemption of an API key, a boolean', () => {
    const entry = { name: 'explorer', sha256: hex('k'), scopes: ['catalog:read'], freeFormQueries: true };
    expect(loadConfig({ API_KEYS: JSON.stringify([entry]) }).auth.apiKeys[0]?.freeFormQueries).toBe(true);
    expect(problemsOf({ API_KEYS: JSON.stringify([{ ...entry, freeFormQueries: 'yes' }]) })).toEqual([
      'API_KEYS: entry 1 field freeFormQueries: expected true or false',
    ]);
  });

  it('npm start prints the problem and exits 1, with no stack trace', () => {
    const missing = join(dir, 'not-deployed.json');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', HOOPR_SANDBOX_PORT: '0', HOOPAI_SANDBOX_PORT: '0', TRUSTED_DOCUMENTS_PATH: missing, TRUSTED_DOCUMENTS_ONLY: 'on' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`TRUSTED_DOCUMENTS_PATH: ${missing} cannot be read (ENOENT)`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
