import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { CallScope } from '../http/call-scope';
import type { RateLimitedError } from '../http/errors';
import { NO_OBSERVER, type RateLimitRefusal, type UpstreamObserver } from '../observability';
import { readRateLimitHeaders } from './headers';
import { rateLimitRefusal } from './refusal';
import type { RateLimitPermit, RateLimiter } from './rate-limiter';
import { WindowBucket } from './window-bucket';

export interface RateLimitTuning {
  /** Requests per location per interval. Default 100 (HoopAI's burst limit). */
  perWindow: number;
  /** Interval, ms, until the upstream reports its own. Default 10000. */
  windowMs: number;
  /** Requests per location per day. Default 200000. */
  daily: number;
  /** Callers that may wait per location; more fail at once with RATE_LIMITED. Default 500. */
  maxQueue: number;
}

export const DEFAULT_RATE_LIMIT_TUNING: RateLimitTuning = { perWindow: 100, windowMs: 10_000, daily: 200_000, maxQueue: 500 };

export type { RateLimitPermit } from './rate-limiter';

interface Waiter {
  scope: CallScope;
  /** Epoch ms when it joined the queue. */
  queuedAt: number;
  grant(): void;
  refuse(error: unknown): void;
}

interface Location {
  bucket: WindowBucket;
  queue: Waiter[];
  timer?: NodeJS.Timeout;
}

/**
 * Per-location limiter in front of HoopAI, so the gateway never causes a 429 itself.
 * Callers over the budget wait in a bounded FIFO queue; one whose deadline cannot be met
 * fails at once with RATE_LIMITED and the time after which a retry could pass. The
 * interval budget is `WindowBucket`; the daily budget is rate-limiter-flexible's memory
 * limiter (a fixed 24 h window is fine at that scale), corrected from
 * `X-RateLimit-Daily-Remaining`.
 */
export class LocationRateLimiter implements RateLimiter {
  private readonly locations = new Map<string, Location>();
  private readonly daily: RateLimiterMemory;

  constructor(
    private readonly tuning: RateLimitTuning,
    private readonly logger: Logger,
    private readonly observer: UpstreamObserver = NO_OBSERVER,
    /**
     * The part of every budget this process may spend, 0 < share ≤ 1: 1 alone; a fraction
     * when it stands in for the fleet's shared budget while Redis is down.
     */
    private readonly share: () => number = () => 1,
  ) {
    this.daily = new RateLimiterMemory({ points: Math.max(1, Math.floor(tuning.daily * share())), duration: 86_400 });
  }

  async acquire(locationId: string, scope: CallScope): Promise<RateLimitPermit> {
    const location = this.location(locationId);
    const { bucket, queue } = location;
    const now = Date.now();
    if (queue.length === 0 && bucket.free(now) > 0) {
      bucket.take();
    } else {
      if (queue.length >= this.tuning.maxQueue) throw this.refusal(locationId, bucket.slotTime(queue.length, now), 'queue_full', now);
      const start = bucket.slotTime(queue.length, now);
      if (start !== undefined && start > scope.deadline) throw this.refusal(locationId, start, 'over_budget', now);
      await this.wait(locationId, location, scope);
    }
    await this.chargeDaily(locationId, location);
    return this.permit(locationId, location);
  }

  /** Refuses every waiting caller; used when the gateway shuts down. */
  close(): void {
    for (const [locationId, location] of this.locations) {
      clearTimeout(location.timer);
      for (const waiter of location.queue.splice(0)) waiter.refuse(this.refusal(locationId, undefined, 'shutting_down', waiter.queuedAt));
    }
  }

  private location(locationId: string): Location {
    let location = this.locations.get(locationId);
    if (!location) {
      const { perWindow, windowMs } = this.tuning;
      const limit = Math.max(1, Math.floor(perWindow * this.share()));
      location = { bucket: new WindowBucket(perWindow, limit, windowMs, this.share), queue: [] };
      this.locations.set(locationId, location);
    }
    return location;
  }

  private wait(locationId: string, location: Location, scope: CallScope): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = location.queue.indexOf(waiter);
        if (index >= 0) location.queue.splice(index, 1);
        if (scope.cancelledByCaller) {
          this.observer.rateLimited('hoopai', { outcome: 'cancelled', waitedMs: Date.now() - waiter.queuedAt });
          reject(scope.abortError());
        } else {
          reject(this.refusal(locationId, location.bucket.slotTime(0, Date.now()), 'deadline', waiter.queuedAt));
        }
      };
      const waiter: Waiter = {
        scope,
        queuedAt: Date.now(),
        grant: () => {
          scope.signal.removeEventListener('abort', onAbort);
          this.observer.rateLimited('hoopai', { outcome: 'granted', waitedMs: Date.now() - waiter.queuedAt });
          resolve();
        },
        refuse: (error) => {
          scope.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      scope.signal.addEventListener('abort', onAbort, { once: true });
      location.queue.push(waiter);
      this.drain(locationId, location);
    });
  }

  /** Starts waiters that fit, turns away those that cannot make their deadline, and re-arms the timer. */
  private drain(locationId: string, location: Location): void {
    const { bucket, queue } = location;
    clearTimeout(location.timer);
    location.timer = undefined;
    const now = Date.now();
    while (queue.length > 0 && bucket.free(now) > 0) {
      bucket.take();
      queue.shift()!.grant();
    }
    for (let position = 0; position < queue.length; ) {
      const start = bucket.slotTime(position, now);
      if (start !== undefined && start > queue[position]!.scope.deadline) {
        const waiter = queue.splice(position, 1)[0]!;
        waiter.refuse(this.refusal(locationId, start, 'over_budget', waiter.queuedAt));
      } else {
        position++;
      }
    }
    const next = queue.length > 0 ? bucket.nextChange(now) : undefined;
    if (next !== undefined) location.timer = setTimeout(() => this.drain(locationId, location), Math.max(1, next - now));
  }

  private async chargeDaily(locationId: string, location: Location): Promise<void> {
    try {
      await this.daily.consume(locationId);
    } catch (rejection) {
      location.bucket.release();
      this.drain(locationId, location);
      if (rejection instanceof RateLimiterRes) {
        throw this.refusal(locationId, Date.now() + rejection.msBeforeNext, 'daily_budget_spent', Date.now());
      }
      throw rejection;
    }
  }

  private permit(locationId: string, location: Location): RateLimitPermit {
    let settled = false;
    const settle = () => {
      if (settled) throw new Error('rate-limit permit settled twice');
      settled = true;
    };
    return {
      answered: (headers, status) => {
        settle();
        const now = Date.now();
        const report = readRateLimitHeaders(headers);
        location.bucket.answered(now, report);
        if (report.dailyRemaining !== undefined) this.correctDaily(locationId, report.dailyRemaining);
        let backoffMs: number | undefined;
        if (status === 429) {
          // No Retry-After is documented: wait one interval, plus jitter so instances do not return together.
          backoffMs = Math.round(location.bucket.windowMs * (1 + 0.2 * Math.random()));
          location.bucket.block(now, backoffMs);
          this.logger.warn({ locationId, backoffMs }, 'HoopAI answered 429; backing off');
        }
        this.drain(locationId, location);
        return backoffMs;
      },
      unused: () => {
        settle();
        location.bucket.release();
        void this.daily.reward(locationId, 1);
        this.drain(locationId, location);
      },
    };
  }

  private correctDaily(locationId: string, reportedRemaining: number): void {
    this.daily
      .get(locationId)
      .then((state) => {
        const believedRemaining = this.tuning.daily - (state?.consumedPoints ?? 0);
        if (reportedRemaining < believedRemaining) return this.daily.penalty(locationId, believedRemaining - reportedRemaining);
        return undefined;
      })
      .catch((error: unknown) => this.logger.error({ err: error, locationId }, 'daily budget correction failed'));
  }

  /** The error a refused caller gets; the refusal is reported with how long the caller had waited since `waitingSince`. */
  private refusal(locationId: string, startAt: number | undefined, reason: RateLimitRefusal, waitingSince: number): RateLimitedError {
    return rateLimitRefusal(this.observer, 'hoopai', locationId, { reason, startAt, waitingSince, windowMs: this.tuning.windowMs });
  }
}
