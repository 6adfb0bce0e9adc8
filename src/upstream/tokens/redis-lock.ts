import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SharedRedis } from '../redis/connection';
import { TokenStoreUnavailableError } from './redis-sealed-records';

/** Extends the lock only while its value is still this holder's. */
const RENEW_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** Deletes the lock only while its value is still this holder's (never another holder's lock). */
const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface LockScripts {
  tokenLockRenew(key: string, owner: string, ttlMs: string): Promise<number>;
  tokenLockRelease(key: string, owner: string): Promise<number>;
}

export interface RedisLockOptions {
  /**
   * How long a lock outlives its holder: a holder renews it every third of this while it
   * works, so a killed holder blocks the others for at most this long. Default 5000.
   */
  ttlMs?: number;
  logger?: Logger;
}

/** A held lock; `release()` never throws (an unreleased lock expires by itself). */
export interface LockLease {
  release(): Promise<void>;
}

/**
 * Fleet-wide mutual exclusion for token requests: `SET key owner NX PX ttl`, renewed by its
 * holder while it works and released only by its holder. The lock alone cannot fence a
 * holder that stalls past its expiry (a long GC pause): the writes it guards are
 * compare-and-set on the pair's version, so such a holder can never overwrite a newer pair.
 */
export class RedisLock {
  readonly #redis: SharedRedis;
  readonly #ttlMs: number;
  readonly #logger: Logger | undefined;
  readonly #scripts: LockScripts;
  /** This process's id in lock values; with a random part per acquisition. */
  readonly #instance = `${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(redis: SharedRedis, options: RedisLockOptions = {}) {
    this.#redis = redis;
    this.#ttlMs = options.ttlMs ?? 5_000;
    this.#logger = options.logger;
    const client = redis.client;
    if (!('tokenLockRenew' in client)) {
      client.defineCommand('tokenLockRenew', { numberOfKeys: 1, lua: RENEW_IF_OWNER });
      client.defineCommand('tokenLockRelease', { numberOfKeys: 1, lua: RELEASE_IF_OWNER });
    }
    this.#scripts = client as unknown as LockScripts;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** The Redis key of the lock of `name` (which carries the tenant). */
  redisKey(name: string): string {
    return this.#redis.key('tokens-lock', name);
  }

  /** A holder's identity in lock values: this process, and a random part for one run of work. */
  newOwner(): string {
    return `${this.#instance}-${randomBytes(6).toString('hex')}`;
  }

  /**
   * Takes the lock of `name` for `owner` if it is free, or already `owner`'s (a SET whose
   * answer timed out may have taken it); undefined when another holder has it. Throws
   * TokenStoreUnavailableError without Redis.
   */
  async tryAcquire(name: string, owner = this.newOwner()): Promise<LockLease | undefined> {
    const key = this.redisKey(name);
    let taken: boolean;
    try {
      taken = (await this.#redis.client.set(key, owner, 'PX', this.#ttlMs, 'NX')) === 'OK' || (await this.#redis.client.get(key)) === owner;
    } catch (error) {
      throw new TokenStoreUnavailableError(`cannot take token lock ${key}: Redis ${(error as Error).message}`, { cause: error });
    }
    if (!taken) return undefined;

    const ttl = String(this.#ttlMs);
    const renewal = setInterval(() => {
      this.#scripts.tokenLockRenew(key, owner, ttl).then(
        (renewed) => {
          if (renewed === 0) this.#logger?.warn({ lock: key }, 'token lock expired while held; writes stay fenced by version');
        },
        () => undefined, // Redis unreachable: the lock expires; the guarded write is fenced by version anyway.
      );
    }, Math.max(50, Math.floor(this.#ttlMs / 3)));
    renewal.unref();
    return {
      release: async () => {
        clearInterval(renewal);
        await this.#scripts.tokenLockRelease(key, owner).catch(() => undefined);
      },
    };
  }
}
