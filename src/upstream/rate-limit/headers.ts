import type { IncomingHttpHeaders } from 'node:http';

/** What HoopAI reports about a location's budget on every response (all optional). */
export interface RateLimitReport {
  /** `X-RateLimit-Max`: requests allowed per interval. */
  max?: number;
  /** `X-RateLimit-Remaining`: requests left in the current interval. */
  remaining?: number;
  /** `X-RateLimit-Interval-Milliseconds`: the interval's length. */
  intervalMs?: number;
  /** `X-RateLimit-Limit-Daily`. */
  dailyLimit?: number;
  /** `X-RateLimit-Daily-Remaining`. */
  dailyRemaining?: number;
}

export function readRateLimitHeaders(headers: IncomingHttpHeaders | undefined): RateLimitReport {
  if (!headers) return {};
  const number = (name: string): number | undefined => {
    const raw = headers[name];
    const text = Array.isArray(raw) ? raw[0] : raw;
    if (text === undefined || text.trim() === '') return undefined;
    const value = Number(text);
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  return {
    max: number('x-ratelimit-max'),
    remaining: number('x-ratelimit-remaining'),
    intervalMs: number('x-ratelimit-interval-milliseconds'),
    dailyLimit: number('x-ratelimit-limit-daily'),
    dailyRemaining: number('x-ratelimit-daily-remaining'),
  };
}

/** `Retry-After` in seconds, as ms; undefined when absent or not a number of seconds. */
export function readRetryAfterMs(headers: IncomingHttpHeaders | undefined): number | undefined {
  const raw = headers?.['retry-after'];
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text.trim() === '') return undefined;
  const seconds = Number(text);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
