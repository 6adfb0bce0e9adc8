import { RateLimitedError, upstreamLabel, type UpstreamName } from '../http/errors';
import type { RateLimitRefusal, UpstreamObserver } from '../observability';

/**
 * The error a caller the rate limit turns away gets, reported to the observer with how
 * long it had waited since `waitingSince`. `startAt`: when a retry could pass (unknown: one
 * interval from now).
 */
export function rateLimitRefusal(
  observer: UpstreamObserver,
  upstream: UpstreamName,
  key: string,
  refusal: { reason: RateLimitRefusal; startAt: number | undefined; waitingSince: number; windowMs: number },
): RateLimitedError {
  const { reason, startAt, waitingSince, windowMs } = refusal;
  observer.rateLimited(upstream, { outcome: 'refused', reason, waitedMs: Date.now() - waitingSince });
  const retryAfterMs = Math.max(0, Math.ceil((startAt ?? Date.now() + windowMs) - Date.now()));
  const whose = upstream === 'hoopai' ? `location ${key}` : 'this client';
  return new RateLimitedError(`${upstreamLabel(upstream)} rate limit for ${whose}: ${reason.replaceAll('_', ' ')}`, { upstream }, retryAfterMs);
}
