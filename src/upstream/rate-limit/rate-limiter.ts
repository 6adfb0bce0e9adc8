import type { IncomingHttpHeaders } from 'node:http';
import type { CallScope } from '../http/call-scope';

/** A started request's hold on its location's budget. Settle it exactly once. */
export interface RateLimitPermit {
  /**
   * The upstream answered (or may have received the request): the request counts, and the
   * answer's headers recalibrate the budget. For a 429, returns how long to back off.
   */
  answered(headers: IncomingHttpHeaders | undefined, status: number | undefined): number | undefined;
  /** The request never reached the upstream: give the slot back. */
  unused(): void;
}

/**
 * A budget per location in front of HoopAI: in this process (`LocationRateLimiter`), or for
 * the whole fleet in Redis (`SharedLocationRateLimiter`). A caller over the budget waits for
 * a slot; one that cannot get it before its deadline fails with RATE_LIMITED.
 */
export interface RateLimiter {
  acquire(locationId: string, scope: CallScope): Promise<RateLimitPermit>;
  /** Refuses every waiting caller; used when the gateway shuts down. */
  close(): void;
}
