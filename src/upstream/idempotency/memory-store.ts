import { LRUCache } from 'lru-cache';
import { NO_OBSERVER, reportEvictions, type UpstreamObserver } from '../observability';
import { IDEMPOTENCY_KEY_TTL_MS, type ClaimResult, type IdempotencyRecord, type IdempotencyScope, type IdempotencyStore, type PendingRecord } from './records';

export interface MemoryIdempotencyStoreOptions {
  /** Most keys remembered (default 50,000); the oldest go first beyond it. */
  maxEntries?: number;
  ttlMs?: number;
  clock?: () => number;
  /** Told of every key evicted. */
  observer?: UpstreamObserver;
}

/**
 * Idempotency records in this process (one instance, no Redis). Records are copied in and
 * out as JSON, so a replay answers exactly what the Redis store would.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records: LRUCache<string, string>;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const clock = options.clock ?? Date.now;
    this.#records = new LRUCache<string, string>({
      max: options.maxEntries ?? 50_000,
      ttl: options.ttlMs ?? IDEMPOTENCY_KEY_TTL_MS,
      perf: { now: () => clock() },
      ttlResolution: 0,
      dispose: reportEvictions(options.observer ?? NO_OBSERVER, 'idempotency'),
    });
  }

  async claim(scope: IdempotencyScope, record: PendingRecord): Promise<ClaimResult> {
    const key = keyOf(scope);
    const existing = this.#records.get(key);
    if (existing !== undefined) return { claimed: false, existing: JSON.parse(existing) as IdempotencyRecord };
    this.#records.set(key, JSON.stringify(record));
    return { claimed: true };
  }

  async replace(scope: IdempotencyScope, attempt: string, next: IdempotencyRecord): Promise<boolean> {
    const key = keyOf(scope);
    if (!this.#holds(key, attempt)) return false;
    // Keeps the key's expiry, as Redis's KEEPTTL does: 24 h from the first claim.
    this.#records.set(key, JSON.stringify(next), { ttl: this.#records.getRemainingTTL(key) });
    return true;
  }

  async release(scope: IdempotencyScope, attempt: string): Promise<void> {
    const key = keyOf(scope);
    if (this.#holds(key, attempt)) this.#records.delete(key);
  }

  #holds(key: string, attempt: string): boolean {
    const current = this.#records.get(key);
    return current !== undefined && (JSON.parse(current) as IdempotencyRecord).attempt === attempt;
  }
}

function keyOf(scope: IdempotencyScope): string {
  return [scope.locationId, scope.caller, scope.mutation, scope.key].join('\u0000');
}
