import type { Logger } from 'pino';
import { upstreamLabel, type UpstreamName } from '../http/errors';
import { readRateLimitHeaders, readRetryAfterMs } from './headers';
import type { RateLimitPermit } from './rate-limiter';
import type { SharedWindow } from './shared-window';

export interface SharedPermitOptions {
  window: SharedWindow;
  upstream: UpstreamName;
  /** The location (HoopAI) or client (Hoopr) whose budget the slot is from. */
  key: string;
  /** The slot's member in the shared log. */
  member: string;
  /** The interval in force, for the back-off after a 429 that names none. */
  windowMs: () => number;
  logger: Logger;
  /** Redis has recorded the answer (or failed to): waiting callers may ask again. */
  settled: () => void;
}

/**
 * A slot of the fleet's budget, held by one request. Its answer is recorded in Redis in the
 * background (the caller does not wait for it); an answer Redis did not record keeps its
 * slot until the lease ends: fewer slots for a while, never more.
 */
export function sharedPermit(options: SharedPermitOptions): RateLimitPermit {
  const { window, upstream, key, member, logger } = options;
  let settled = false;
  const settle = () => {
    if (settled) throw new Error('rate-limit permit settled twice');
    settled = true;
  };
  const afterwards = (recorded: Promise<unknown>) =>
    recorded
      .catch((error: unknown) => logger.debug({ err: error, key }, 'rate limits: an answer was not recorded in Redis'))
      .finally(options.settled);
  return {
    answered: (headers, status) => {
      settle();
      const report = readRateLimitHeaders(headers);
      let backoffMs: number | undefined;
      if (status === 429) {
        // HoopAI documents no Retry-After: one interval, plus jitter so the fleet does not return at once.
        backoffMs = readRetryAfterMs(headers) ?? Math.round((report.intervalMs || options.windowMs()) * (1 + 0.2 * Math.random()));
        logger.warn({ key, backoffMs }, `${upstreamLabel(upstream)} answered 429; the fleet backs off`);
      }
      void afterwards(window.answered(key, member, report, backoffMs));
      return backoffMs;
    },
    unused: () => {
      settle();
      void afterwards(window.release(key, member));
    },
  };
}
