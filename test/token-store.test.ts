import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_STEPS, type WriteStep } from '../src/upstream/tokens/atomic-write';
import { FileTokenStore } from '../src/upstream/tokens/file-store';
import { MemoryTokenStore } from '../src/upstream/tokens/memory-store';
import { TokenStoreError, type StoredTokens, type TokenStore } from '../src/upstream/tokens/token-store';

const CRASH_HELPER = resolve(import.meta.dirname, 'helpers/upstream-token-store-crash.ts');
const KEY = 'hoopai/location/ve9EPM428h8vShlRW1KT';

function pair(label: string): StoredTokens {
  return {
    accessToken: `access-${label}-${randomBytes(8).toString('hex')}`,
    refreshToken: `refresh-${label}-${randomBytes(8).toString('hex')}`,
    obtainedAt: 1_700_000_000_000,
    expiresAt: 1_700_086_399_000,
    userType: 'Location',
    locationId: 've9EPM428h8vShlRW1KT',
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'token-store-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function storeAt(name: string, key = randomBytes(32)): { store: FileTokenStore; path: string; key: Buffer } {
  const path = join(dir, name, 'tokens.enc');
  return { store: new FileTokenStore({ path, key }), path, key };
}

describe.each<[string, () => TokenStore]>([
  ['FileTokenStore', () => storeAt(`cas-${randomBytes(4).toString('hex')}`).store],
  ['MemoryTokenStore', () => new MemoryTokenStore()],
])('%s compare-and-set', (_name, makeStore) => {
  it('writes only over the expected version and tells the loser', async () => {
    const store = makeStore();
    expect(await store.get(KEY)).toBeUndefined();
    const first = pair('first');
    const created = await store.compareAndSet(KEY, undefined, first);
    expect(created).toEqual({ tokens: first, version: 1 });
    expect(await store.compareAndSet(KEY, undefined, pair('late-create'))).toBeUndefined();
    const second = pair('second');
    expect(await store.compareAndSet(KEY, 1, second)).toEqual({ tokens: second, version: 2 });
    expect(await store.compareAndSet(KEY, 1, pair('stale-writer'))).toBeUndefined();
    expect(await store.get(KEY)).toEqual({ tokens: second, version: 2 });
  });
});

describe('FileTokenStore on disk', () => {
  it('keeps the file encrypted and readable by its owner only', async () => {
    const { store, path } = storeAt('at-rest');
    const tokens = pair('at-rest');
    await store.compareAndSet(KEY, undefined, tokens);
    const raw = await readFile(path, 'utf8');
    expect(raw).not.toContain(tokens.accessToken);
    expect(raw).not.toContain(tokens.refreshToken!);
    expect(raw).not.toContain('ve9EPM428h8vShlRW1KT');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readdir(join(dir, 'at-rest'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('reports a wrong key as a clear error, without the key or the tokens', async () => {
    const { store, path, key } = storeAt('wrong-key');
    const tokens = pair('wrong-key');
    await store.compareAndSet(KEY, undefined, tokens);
    const other = new FileTokenStore({ path, key: randomBytes(32) });
    const failure = await other.verify().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenStoreError);
    expect((failure as Error).message).toMatch(/cannot be decrypted: wrong token store key/);
    expect((failure as Error).message).not.toContain(key.toString('base64'));
    expect((failure as Error).message).not.toContain(tokens.accessToken);
    await expect(other.get(KEY)).rejects.toThrow(TokenStoreError);
  });

  it('refuses a key of the wrong size and a file that is not a token store', async () => {
    expect(() => new FileTokenStore({ path: join(dir, 'x'), key: randomBytes(16) })).toThrow(/must be 32 bytes/);
    const path = join(dir, 'not-a-store.enc');
    await writeFile(path, 'plain text, not ours');
    await expect(new FileTokenStore({ path, key: randomBytes(32) }).verify()).rejects.toThrow(/not a token store file/);
  });

  it('notices a tampered file', async () => {
    const { store, path, key } = storeAt('tampered');
    await store.compareAndSet(KEY, undefined, pair('tampered'));
    const envelope = JSON.parse(await readFile(path, 'utf8')) as { data: string };
    const data = Buffer.from(envelope.data, 'base64');
    data[0] = data[0]! ^ 0xff;
    await writeFile(path, JSON.stringify({ ...envelope, data: data.toString('base64') }));
    await expect(new FileTokenStore({ path, key }).get(KEY)).rejects.toThrow(/cannot be decrypted/);
  });
});

describe('FileTokenStore interrupted mid-write', () => {
  it.each(WRITE_STEPS)('a write that throws before "%s" leaves the old pair, and the store keeps working', async (failAt) => {
    const { store: seeded, path, key } = storeAt(`throw-${failAt}`);
    const old = pair('old');
    await seeded.compareAndSet(KEY, undefined, old);
    let armed = true;
    const failing = new FileTokenStore({
      path,
      key,
      beforeWriteStep: (step) => {
        if (armed && step === failAt) {
          armed = false;
          throw new Error(`interrupted before ${step}`);
        }
      },
    });
    await expect(failing.compareAndSet(KEY, 1, pair('new'))).rejects.toThrow(`interrupted before ${failAt}`);
    const after = await new FileTokenStore({ path, key }).get(KEY);
    // Once the rename happened the new pair is in place even though the directory sync was interrupted.
    if (failAt === 'sync-dir') expect(after?.version).toBe(2);
    else expect(after).toEqual({ tokens: old, version: 1 });
    const next = pair('next');
    expect(await failing.compareAndSet(KEY, after!.version, next)).toEqual({ tokens: next, version: after!.version + 1 });
  });

  it.each([...WRITE_STEPS, 'never'] as const)(
    'a process killed (SIGKILL) before "%s" leaves the old or the new pair readable',
    async (killAt: WriteStep | 'never') => {
      const { store, path, key } = storeAt(`kill-${killAt}`);
      const old = pair('old');
      const next = pair('new');
      await store.compareAndSet(KEY, undefined, old);

      const exit = await runCrashHelper([path, key.toString('base64'), KEY, killAt, JSON.stringify(next)]);
      expect(exit.signal).toBe(killAt === 'never' ? null : 'SIGKILL');

      const survivor = await new FileTokenStore({ path, key }).get(KEY);
      const renamed = killAt === 'sync-dir' || killAt === 'never';
      expect(survivor).toEqual(renamed ? { tokens: next, version: 2 } : { tokens: old, version: 1 });
      // The kill really hit mid-write: an abandoned temporary file stays behind, and is ignored.
      const abandoned = (await readdir(dirname(path))).filter((name) => name.endsWith('.tmp'));
      expect(abandoned).toHaveLength(renamed || killAt === 'open-temp' ? 0 : 1);
    },
  );
});

function runCrashHelper(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CRASH_HELPER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise({ code, signal, stderr }));
  });
}
