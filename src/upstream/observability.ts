import type { UpstreamName } from './http/errors';

/**
 * What the upstream layer and the caches report as they work, for the server to turn into
 * metrics and traces. This layer only reports: it never imports a metrics or tracing
 * library, and nothing it does depends on the answer. Calls are made on hot paths (every
 * cache lookup, every send): implementations must be cheap and must never throw.
 */
export interface UpstreamObserver {
  /**
   * One HTTP request to an upstream is about to be sent (every attempt: retries and resends
   * after a token renewal too). The request carries the headers the answer gives (trace
   * context); `finished` is told once how it ended.
   */
  requestStarted(request: ObservedRequest): UpstreamRequestObservation;
  /** A failed attempt will be sent again after `delayMs`; `code` is the failure's stable code. */
  retryScheduled(upstream: UpstreamName, route: string, code: string, delayMs: number): void;
  /** A call waited for a slot of the per-location rate limit, or was refused one (a call that finds a free slot is not told). */
  rateLimited(upstream: UpstreamName, wait: RateLimitWait): void;
  /** A token endpoint was asked for a token, and how that went. */
  tokenRequested(upstream: UpstreamName, kind: TokenRequestKind, outcome: TokenRequestOutcome): void;
  /** The upstream's circuit breaker is now in `state` (also told once, `closed`, at start). */
  breakerChanged(upstream: UpstreamName, state: BreakerState): void;
  /** A lookup that the cache answered (`hit`), or that had to go upstream or do the work. */
  cacheLookup(cache: CacheName, hit: boolean): void;
  /** An entry left the cache before anyone removed it: to make room, or because it expired. */
  cacheEvicted(cache: CacheName, reason: EvictionReason): void;
  /** A write with an idempotency key ended, and how (one per request, however long it waited). */
  idempotentWrite(mutation: string, outcome: IdempotentWriteOutcome): void;
}

export interface ObservedRequest {
  upstream: UpstreamName;
  /** The route pattern, `GET /contacts/:contactId`: never a raw path (no ids, no secrets). */
  route: string;
  method: string;
  /** 0 for a call's first send, 1 for its first repeat, … */
  attempt: number;
}

export interface UpstreamRequestObservation {
  /** Headers to send with the request (e.g. `traceparent`); may be empty. */
  readonly headers: Readonly<Record<string, string>>;
  /** The upstream's status when it answered; `error` when the send failed (5xx answers fail too). */
  finished(status: number | undefined, error?: unknown): void;
}

/** `cancelled`: the caller gave up while it waited (not the limiter's doing). */
export type RateLimitWait =
  | { outcome: 'granted' | 'cancelled'; waitedMs: number }
  | { outcome: 'refused'; waitedMs: number; reason: RateLimitRefusal };

export type RateLimitRefusal = 'queue_full' | 'over_budget' | 'deadline' | 'daily_budget_spent' | 'shutting_down';

/** `grant`: a client-credentials token; `refresh`: an OAuth refresh; `mint`: a location token from an agency's. */
export type TokenRequestKind = 'grant' | 'refresh' | 'mint';
/** `reauth_required`: the refresh token is dead; an admin must install the app again. */
export type TokenRequestOutcome = 'ok' | 'failed' | 'reauth_required';

export type BreakerState = 'closed' | 'open' | 'half_open';

/** The caches whose lookups are reported (the server's own document cache reports through the same observer). */
export type CacheName = 'catalog' | 'crm' | 'idempotency' | 'documents' | 'response';

export type EvictionReason = 'capacity' | 'expired';

/**
 * `written`: this request wrote (first attempt, or a retry after the settle time);
 * `replayed`: the stored answer; `reconciled`: a lost attempt's write, found upstream;
 * `in_progress`: told to retry later (in flight or settling); `unavailable`: the store is
 * unreachable, nothing written; `key_reused`: other input under the key; `outcome_unknown`:
 * the write may have happened; `failed`: it failed and wrote nothing.
 */
export type IdempotentWriteOutcome = 'written' | 'replayed' | 'reconciled' | 'in_progress' | 'unavailable' | 'key_reused' | 'outcome_unknown' | 'failed';

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const UNOBSERVED_REQUEST: UpstreamRequestObservation = { headers: NO_HEADERS, finished: () => undefined };

/** The default: nothing is reported anywhere, at no cost. */
export const NO_OBSERVER: UpstreamObserver = {
  requestStarted: () => UNOBSERVED_REQUEST,
  retryScheduled: () => undefined,
  rateLimited: () => undefined,
  tokenRequested: () => undefined,
  breakerChanged: () => undefined,
  cacheLookup: () => undefined,
  cacheEvicted: () => undefined,
  idempotentWrite: () => undefined,
};

/**
 * The `dispose` option of an lru-cache that reports evictions: entries pushed out to make
 * room, and expired entries found on access. Deletions and replacements are not evictions.
 */
export function reportEvictions(observer: UpstreamObserver, cache: CacheName): (value: unknown, key: unknown, reason: string) => void {
  return (_value, _key, reason) => {
    if (reason === 'evict') observer.cacheEvicted(cache, 'capacity');
    else if (reason === 'expire') observer.cacheEvicted(cache, 'expired');
  };
}
