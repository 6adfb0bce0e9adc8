import type { Logger } from 'pino';
import type { UpstreamObserver } from '../observability';
import type { SharedRedis } from '../redis/connection';
import { FleetPresence } from './fleet-presence';
import { DEFAULT_RATE_LIMIT_TUNING, LocationRateLimiter, type RateLimitTuning } from './location-limiter';
import type { RateLimiter } from './rate-limiter';
import { SharedLocationRateLimiter } from './shared-limiter';

export type { RateLimiter, RateLimitPermit } from './rate-limiter';
export { DEFAULT_RATE_LIMIT_TUNING, type RateLimitTuning } from './location-limiter';

/** HoopAI's per-location limiter: for the whole fleet through Redis in shared mode, else in this process. */
export function createLocationRateLimiter(
  tuning: Partial<RateLimitTuning> | undefined,
  shared: SharedRedis | undefined,
  logger: Logger,
  observer: UpstreamObserver,
): RateLimiter {
  const full = { ...DEFAULT_RATE_LIMIT_TUNING, ...tuning };
  if (!shared) return new LocationRateLimiter(full, logger, observer);
  return new SharedLocationRateLimiter({ tuning: full, redis: shared, presence: new FleetPresence(shared, 2_000, logger), logger, observer });
}
