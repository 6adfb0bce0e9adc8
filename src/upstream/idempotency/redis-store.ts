import { createHash } from 'node:crypto';
import type { SharedRedis } from '../redis/connection';
import { IDEMPOTENCY_KEY_TTL_MS, type ClaimResult, type IdempotencyRecord, type IdempotencyScope, type IdempotencyStore, type PendingRecord } from './records';

/** Replaces (ARGV[2] set) or deletes (ARGV[2] empty) the record only while attempt ARGV[1] holds it. */
const HELD_BY_ATTEMPT = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if cjson.decode(current).attempt ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') end
return 1
`;

/**
 * Idempotency records in Redis (shared mode), so a retry reaching any instance finds the
 * first attempt's record. The claim is one `SET NX PX` (24 h); every later change is a
 * compare-and-set on the attempt id, in one script. The key is
 * `<prefix>idempotency:<locationId>:<sha256 of caller, mutation and key>`: the tenant in
 * clear (a Redis Cluster hash tag later), the caller's key never stored as such.
 *
 * Errors are not caught here: Redis down rejects at once (no offline queue), and the
 * caller fails closed.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  #connectedOnce: boolean;

  constructor(
    private readonly redis: SharedRedis,
    private readonly options: { ttlMs?: number; firstConnectionWaitMs?: number } = {},
  ) {
    this.#connectedOnce = redis.connected;
    redis.client.once('ready', () => (this.#connectedOnce = true));
  }

  async claim(scope: IdempotencyScope, record: PendingRecord): Promise<ClaimResult> {
    // A gateway that has just started may get a keyed write before its first connection is
    // up: wait for it briefly instead of refusing. Later outages fail at once.
    if (!this.#connectedOnce) await this.redis.ready(this.options.firstConnectionWaitMs ?? 2_000).catch(() => undefined);
    const key = this.#keyOf(scope);
    const ttlMs = this.options.ttlMs ?? IDEMPOTENCY_KEY_TTL_MS;
    for (;;) {
      const set = await this.redis.client.set(key, JSON.stringify(record), 'PX', ttlMs, 'NX');
      if (set === 'OK') return { claimed: true };
      const existing = await this.redis.client.get(key);
      // Expired between the two commands: claim again.
      if (existing !== null) return { claimed: false, existing: JSON.parse(existing) as IdempotencyRecord };
    }
  }

  async replace(scope: IdempotencyScope, attempt: string, next: IdempotencyRecord): Promise<boolean> {
    return (await this.redis.client.eval(HELD_BY_ATTEMPT, 1, this.#keyOf(scope), attempt, JSON.stringify(next))) === 1;
  }

  async release(scope: IdempotencyScope, attempt: string): Promise<void> {
    await this.redis.client.eval(HELD_BY_ATTEMPT, 1, this.#keyOf(scope), attempt, '');
  }

  #keyOf(scope: IdempotencyScope): string {
    const owner = createHash('sha256').update([scope.caller, scope.mutation, scope.key].join('\u0000')).digest('hex');
    return this.redis.key('idempotency', scope.locationId, owner);
  }
}
