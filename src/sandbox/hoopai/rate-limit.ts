import type { Caller } from './world';

/**
 * The HoopAI sandbox's request budgets (FACTS.md, "Rate limits"): a burst budget per
 * 10 s interval and a daily budget, per location — per company for agency tokens.
 *
 * Burst window: a sliding log. A request is accepted only while fewer than `max` requests
 * were accepted in the `intervalMs` before it, so NO interval-long window ever holds more
 * than `max` accepted requests — the strictest reading of "100 per 10 s", and the one a
 * client pacing itself from the headers must survive. (rate-limiter-flexible's memory
 * limiter counts fixed windows, which let up to 2 × max through across a boundary; that
 * is why this is a small hand-written log.) Rejected requests are not logged, so a client
 * hammering past the limit does not extend its own ban.
 *
 * Daily budget: a counter per bucket per UTC day; only accepted requests count.
 */

export const BURST_INTERVAL_MS = 10_000;
export const DEFAULT_BURST_MAX = 100;
export const DAILY_LIMIT = 200_000;
const DAY_MS = 86_400_000;

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests allowed per interval (`X-RateLimit-Max`). */
  max: number;
  /** Left in the interval ending now, after this request (`X-RateLimit-Remaining`). */
  remaining: number;
  intervalMs: number;
  dailyLimit: number;
  /** Left today, after this request (`X-RateLimit-Daily-Remaining`). */
  dailyRemaining: number;
}

export interface RateLimiterOptions {
  intervalMs?: number;
  dailyLimit?: number;
  /** Epoch ms; tests pass a fake clock to check the window arithmetic exactly. */
  now?: () => number;
}

/** Timestamps of accepted requests, oldest first; a queue that drops from the front. */
class AcceptedLog {
  private times: number[] = [];
  private head = 0;

  /** Forgets every entry at or before `cutoff`, then answers how many remain. */
  countAfter(cutoff: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  push(time: number): void {
    this.times.push(time);
  }
}

interface Bucket {
  log: AcceptedLog;
  day: number;
  usedToday: number;
}

export class SlidingWindowRateLimiter {
  readonly intervalMs: number;
  readonly dailyLimit: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions = {}) {
    this.intervalMs = options.intervalMs ?? BURST_INTERVAL_MS;
    this.dailyLimit = options.dailyLimit ?? DAILY_LIMIT;
    this.now = options.now ?? Date.now;
  }

  /** Takes one request from `bucket`'s budget if both budgets allow it. */
  take(bucketKey: string, max: number): RateLimitDecision {
    const now = this.now();
    const bucket = this.bucket(bucketKey, now);
    const inWindow = bucket.log.countAfter(now - this.intervalMs);
    const allowed = inWindow < max && bucket.usedToday < this.dailyLimit;
    if (allowed) {
      bucket.log.push(now);
      bucket.usedToday++;
    }
    const used = inWindow + (allowed ? 1 : 0);
    return {
      allowed,
      max,
      remaining: Math.max(0, max - used),
      intervalMs: this.intervalMs,
      dailyLimit: this.dailyLimit,
      dailyRemaining: Math.max(0, this.dailyLimit - bucket.usedToday),
    };
  }

  /** Every budget back to full (the control plane's reset: counters go back to zero). */
  reset(): void {
    this.buckets.clear();
  }

  private bucket(key: string, now: number): Bucket {
    const day = Math.floor(now / DAY_MS);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { log: new AcceptedLog(), day, usedToday: 0 };
      this.buckets.set(key, bucket);
    }
    if (bucket.day !== day) {
      bucket.day = day;
      bucket.usedToday = 0;
    }
    return bucket;
  }
}

/**
 * The budget a caller spends, which is also the key its requests are counted under in
 * `stats.byLocation`: the location for private keys and location tokens, the company id
 * for agency tokens.
 */
export function budgetKeyOf(caller: Caller): string {
  return caller.locationId ?? caller.companyId;
}

/** The five headers HoopAI sends on every authenticated response, 429s included. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit-Daily': String(decision.dailyLimit),
    'X-RateLimit-Daily-Remaining': String(decision.dailyRemaining),
    'X-RateLimit-Interval-Milliseconds': String(decision.intervalMs),
    'X-RateLimit-Max': String(decision.max),
    'X-RateLimit-Remaining': String(decision.remaining),
  };
}
