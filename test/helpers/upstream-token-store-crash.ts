import { FileTokenStore } from '../../src/upstream/tokens/file-store';
import type { StoredTokens } from '../../src/upstream/tokens/token-store';

/**
 * Child process for the token store crash test: writes `tokens` under `key` and kills
 * itself with SIGKILL (no cleanup, no finally blocks) just before write step `killAt`.
 * Usage: upstream-token-store-crash.ts <path> <base64 key> <store key> <killAt> <tokens JSON>
 */
const [path, key, storeKey, killAt, tokensJson] = process.argv.slice(2) as [string, string, string, string, string];
const store = new FileTokenStore({
  path,
  key: Buffer.from(key, 'base64'),
  beforeWriteStep: (step) => {
    if (step === killAt) process.kill(process.pid, 'SIGKILL');
  },
});
const current = await store.get(storeKey);
await store.compareAndSet(storeKey, current?.version, JSON.parse(tokensJson) as StoredTokens);
