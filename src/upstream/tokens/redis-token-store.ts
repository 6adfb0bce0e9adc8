import type { SharedRedis } from '../redis/connection';
import { RedisSealedRecords } from './redis-sealed-records';
import type { StoredTokens, TokenRecord, TokenStore } from './token-store';

/**
 * The OAuth pairs of every instance, in Redis (shared mode): one sealed hash per store key,
 * `<prefix>tokens:hoopai/location/<locationId>` (or `…/company/<companyId>`), so the key
 * names its tenant. Compare-and-set on the version is atomic in Redis (a Lua script), so of
 * two instances that read the same pair only one can write its successor.
 *
 * Fails with TokenStoreUnavailableError while Redis cannot be used; a wrong key fails with
 * TokenStoreError, as the file store does.
 */
export class RedisTokenStore implements TokenStore {
  readonly #records: RedisSealedRecords<StoredTokens>;

  constructor(redis: SharedRedis, key: Buffer) {
    this.#records = new RedisSealedRecords<StoredTokens>(redis, key, 'tokens');
  }

  /** The Redis key holding `key`'s pair (for tests and operators). */
  redisKey(key: string): string {
    return this.#records.redisKey(key);
  }

  async get(key: string): Promise<TokenRecord | undefined> {
    const record = await this.#records.get(key);
    return record && { tokens: record.value, version: record.version };
  }

  async compareAndSet(key: string, expectedVersion: number | undefined, tokens: StoredTokens): Promise<TokenRecord | undefined> {
    const written = await this.#records.compareAndSet(key, expectedVersion, tokens);
    return written && { tokens, version: written.version };
  }

  restoreIfAbsent(key: string, record: TokenRecord): Promise<boolean> {
    return this.#records.restoreIfAbsent(key, { value: record.tokens, version: record.version });
  }
}
