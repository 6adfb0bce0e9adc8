import type { Logger } from 'pino';
import type { UpstreamObserver } from '../observability';
import type { SharedRedis } from '../redis/connection';
import { FleetPresence } from './fleet-presence';
import { DEFAULT_RATE_LIMIT_TUNING, LocationRateLimiter, type RateLimitTuning } from './location-limiter';
import type { RateLimitPermit, RateLimiter } from './rate-limiter';
import { SharedLocationRateLimiter } from './shared-limiter';

export type { RateLimiter, RateLimitPermit } from './rate-limiter';
export { DEFAULT_RATE_LIMIT_TUNING, type RateLimitTuning } from './location-limiter';

/**
 * Hoopr documents no limit and no rate-limit headers, only that a 429 may come: its fleet
 * budget starts unbounded, follows any `X-RateLimit-*` headers it does send, and a 429 (its
 * `Retry-After`, else one interval) pauses every instance's calls for that client at once.
 */
const HOOPR_TUNING: RateLimitTuning = { perWindow: 1_000_000, windowMs: 10_000, daily: 1_000_000_000, maxQueue: 500 };

export interface RateLimiters {
  /** One budget per HoopAI location. */
  hoopai: RateLimiter;
  /** Shared mode only: one budget for the Hoopr client, whatever the key a call passes. */
  hoopr?: RateLimiter;
  /** Refuses every waiting caller and leaves the fleet. */
  close(): void;
}

export interface RateLimitersOptions {
  hoopai?: Partial<RateLimitTuning>;
  hooprClientId: string;
  /** The shared mode: budgets for the whole fleet. Absent: HoopAI's in this process, Hoopr unlimited (as before). */
  shared?: SharedRedis;
  /** Each upstream's limiter logs through a child `{upstream}`. */
  logger: Logger;
  observer: UpstreamObserver;
}

export function createRateLimiters(options: RateLimitersOptions): RateLimiters {
  const { shared, observer } = options;
  const logger = { hoopai: options.logger.child({ upstream: 'hoopai' }), hoopr: options.logger.child({ upstream: 'hoopr' }) };
  const hoopaiTuning = { ...DEFAULT_RATE_LIMIT_TUNING, ...options.hoopai };
  if (!shared) {
    const hoopai = new LocationRateLimiter(hoopaiTuning, logger.hoopai, observer);
    return { hoopai, close: () => hoopai.close() };
  }
  const presence = new FleetPresence(shared, 2_000, logger.hoopai);
  presence.start();
  const hoopai = new SharedLocationRateLimiter({
    tuning: hoopaiTuning,
    redis: shared,
    presence,
    logger: logger.hoopai,
    observer,
    // While Redis is down: this instance's share of each location's budget (budget / instances last counted).
    fallback: () => new LocationRateLimiter(hoopaiTuning, logger.hoopai, observer, () => 1 / Math.max(1, presence.instances)),
  });
  const hooprFleet = new SharedLocationRateLimiter({
    upstream: 'hoopr',
    tuning: HOOPR_TUNING,
    redis: shared,
    presence,
    logger: logger.hoopr,
    observer,
    // While Redis is down Hoopr calls are not limited, as with one instance.
    fallback: () => UNLIMITED,
  });
  const clientId = options.hooprClientId;
  const hoopr: RateLimiter = { acquire: (_key, scope) => hooprFleet.acquire(clientId, scope), close: () => hooprFleet.close() };
  return {
    hoopai,
    hoopr,
    close() {
      hoopai.close();
      hoopr.close();
      presence.stop();
    },
  };
}

const NO_HOLD: RateLimitPermit = { answered: () => undefined, unused: () => undefined };
const UNLIMITED: RateLimiter = { acquire: async () => NO_HOLD, close: () => undefined };
