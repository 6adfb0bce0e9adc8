import type { SharedRedis } from '../redis/connection';
import { assertKey, seal, unseal } from './sealed-box';
import { TokenStoreError } from './token-store';

/** Redis could not be used (down, slow, refusing): the caller decides what to do without it. */
export class TokenStoreUnavailableError extends TokenStoreError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenStoreUnavailableError';
  }
}

export interface SealedRecord<T> {
  value: T;
  /** Increases by one on every write of the key; the fencing token of every writer. */
  version: number;
}

/**
 * Compare-and-set on the version, atomically in Redis: the write happens only if the key is
 * still at the version the writer read (`''`: absent). A writer that read an older pair —
 * a refresh holder whose lock expired while another instance wrote — can never overwrite a
 * newer one. Returns the new version, or -1 when another writer got there first.
 */
const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'version')
if ARGV[1] == '' then
  if current then return -1 end
elseif current ~= ARGV[1] then
  return -1
end
local nextVersion = (tonumber(current) or 0) + 1
redis.call('HSET', KEYS[1], 'version', nextVersion, 'sealed', ARGV[2])
return nextVersion
`;

/** Writes a record back with its own version only where the key is absent (Redis lost its data). Returns 1 if written. */
const RESTORE_IF_ABSENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'sealed', ARGV[2])
return 1
`;

/** The scripts, as ioredis runs them (EVALSHA, loading the script when Redis does not know it yet). */
interface TokenScripts {
  tokenCompareAndSet(key: string, expectedVersion: string, sealed: string): Promise<number>;
  tokenRestoreIfAbsent(key: string, version: string, sealed: string): Promise<number>;
}

/**
 * JSON values in Redis, each sealed with AES-256-GCM under the token store key (the file
 * store's sealed box and `TOKEN_STORE_KEY`): Redis, its backups and its replicas hold no
 * usable token. One hash per key, `{version, sealed}`; the version stays in clear so a Lua
 * script can compare and set without the key.
 */
export class RedisSealedRecords<T> {
  readonly #redis: SharedRedis;
  readonly #key: Buffer;
  readonly #namespace: string;
  readonly #scripts: TokenScripts;

  constructor(redis: SharedRedis, key: Buffer, namespace: string) {
    assertKey(key);
    this.#redis = redis;
    this.#key = key;
    this.#namespace = namespace;
    const client = redis.client;
    if (!('tokenCompareAndSet' in client)) {
      client.defineCommand('tokenCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
      client.defineCommand('tokenRestoreIfAbsent', { numberOfKeys: 1, lua: RESTORE_IF_ABSENT });
    }
    this.#scripts = client as unknown as TokenScripts;
  }

  /** The Redis key of `name`: the gateway's prefix, the namespace, then the name (which carries the tenant). */
  redisKey(name: string): string {
    return this.#redis.key(this.#namespace, name);
  }

  async get(name: string): Promise<SealedRecord<T> | undefined> {
    const key = this.redisKey(name);
    const stored = await this.#command('read', key, () => this.#redis.client.hmget(key, 'version', 'sealed'));
    const [version, sealed] = stored;
    if (version == null || sealed == null) return undefined;
    return { value: JSON.parse(unseal(sealed, this.#key, `token store entry ${key}`)) as T, version: Number(version) };
  }

  /** The version of `name` without opening it (undefined: absent), e.g. to replace a value sealed under another key. */
  async version(name: string): Promise<number | undefined> {
    const key = this.redisKey(name);
    const version = await this.#command('read', key, () => this.#redis.client.hget(key, 'version'));
    return version == null ? undefined : Number(version);
  }

  /** Writes `value` if `name` is still at `expectedVersion` (undefined: absent); undefined when another writer got there first. */
  async compareAndSet(name: string, expectedVersion: number | undefined, value: T): Promise<SealedRecord<T> | undefined> {
    const key = this.redisKey(name);
    const sealed = seal(JSON.stringify(value), this.#key);
    const expected = expectedVersion === undefined ? '' : String(expectedVersion);
    const version = await this.#command('write', key, () => this.#scripts.tokenCompareAndSet(key, expected, sealed));
    return version < 0 ? undefined : { value, version };
  }

  /** Puts back a record this instance still holds, where Redis has none (it restarted without its data). */
  async restoreIfAbsent(name: string, record: SealedRecord<T>): Promise<boolean> {
    const key = this.redisKey(name);
    const sealed = seal(JSON.stringify(record.value), this.#key);
    return (await this.#command('write', key, () => this.#scripts.tokenRestoreIfAbsent(key, String(record.version), sealed))) === 1;
  }

  async #command<R>(what: 'read' | 'write', key: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (error) {
      throw new TokenStoreUnavailableError(`cannot ${what} token store entry ${key}: Redis ${(error as Error).message}`, { cause: error });
    }
  }
}
