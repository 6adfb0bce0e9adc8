import { LRUCache } from 'lru-cache';
import { NO_OBSERVER, reportEvictions, type UpstreamObserver } from '../observability';

export interface IdempotencyStoreOptions {
  /** Most keys remembered (default 50,000); the oldest go first beyond it. */
  maxEntries?: number;
  /** How long a key's first result is replayed (default 24 h). */
  ttlMs?: number;
  clock?: () => number;
  /** Told of every key looked up (a hit replays a result) and every key evicted. */
  observer?: UpstreamObserver;
}

export interface IdempotencyOutcome<T> {
  value: T;
  /** True when `value` is the first call's result, handed back without doing the work again. */
  replayed: boolean;
}

/** The key was used before for a different request: replaying it would answer another question. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This idempotency key was already used for a different request; use a new key for a new request.');
    this.name = 'IdempotencyKeyReusedError';
  }
}

interface Entry {
  fingerprint: string;
  result: Promise<unknown>;
}

/**
 * Remembers the first successful result of each idempotency key for 24 h, so a client that
 * retries a write (after a timeout, a crash, a lost answer) gets the first result instead
 * of a second write. A retry that arrives while the first attempt is still running waits
 * for it. A failed attempt is forgotten, so the same key may try again — unless
 * `keepFailure` says its outcome is unknown (the write may have happened): then retries
 * get that same failure, and never a second write.
 *
 * Keys are scoped by the caller of `run` (tenant, caller, mutation), and each holds the
 * fingerprint of its request: the same key with other input is refused, not replayed.
 * The store lives in this process: behind several gateway instances a retry must reach the
 * same instance (or the store must move to shared storage).
 */
export class IdempotencyStore {
  readonly #entries: LRUCache<string, Entry>;
  readonly #observer: UpstreamObserver;

  constructor(options: IdempotencyStoreOptions = {}) {
    const clock = options.clock ?? Date.now;
    this.#observer = options.observer ?? NO_OBSERVER;
    this.#entries = new LRUCache<string, Entry>({
      max: options.maxEntries ?? 50_000,
      ttl: options.ttlMs ?? 24 * 60 * 60_000,
      perf: { now: () => clock() },
      ttlResolution: 0,
      dispose: reportEvictions(this.#observer, 'idempotency'),
    });
  }

  async run<T>(
    scopedKey: string,
    fingerprint: string,
    work: () => Promise<T>,
    keepFailure: (error: unknown) => boolean = () => false,
  ): Promise<IdempotencyOutcome<T>> {
    const existing = this.#entries.get(scopedKey);
    this.#observer.cacheLookup('idempotency', existing !== undefined);
    if (existing) {
      if (existing.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
      return { value: (await existing.result) as T, replayed: true };
    }
    const result = work();
    const entry: Entry = { fingerprint, result };
    this.#entries.set(scopedKey, entry);
    try {
      return { value: await result, replayed: false };
    } catch (error) {
      if (!keepFailure(error) && this.#entries.get(scopedKey) === entry) this.#entries.delete(scopedKey);
      throw error;
    }
  }
}
