import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import type { Logger } from 'pino';
import type { UpstreamObserver } from '../observability';
import type { CallScope } from './call-scope';
import { CircuitOpenError, RateLimitedError, UpstreamTimeoutError, UpstreamUnavailableError } from './errors';

export interface RetryTuning {
  /** Retries after the first attempt. Default 2. */
  maxRetries: number;
  /** First backoff delay, ms; later ones grow exponentially with decorrelated jitter. Default 100. */
  initialDelayMs: number;
  /** Longest backoff delay, ms. Default 2000. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_TUNING: RetryTuning = { maxRetries: 2, initialDelayMs: 100, maxDelayMs: 2_000 };

/**
 * Whether a failed attempt may be sent again, and the least time to wait first.
 * - Idempotent calls (GETs, searches): connection errors, upstream timeouts, 5xx, and 429
 *   (after the interval the upstream asked for).
 * - Writes: only when the request provably never left (the connection was never made);
 *   a write that may have reached the upstream is never repeated.
 * - Never: an open circuit, our own deadline, 4xx.
 */
function retryDelayFloor(error: unknown, idempotent: boolean): number | undefined {
  if (error instanceof CircuitOpenError) return undefined;
  if (error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError) {
    if (error.neverSent) return 0;
    return idempotent && error.upstreamFault ? 0 : undefined;
  }
  if (error instanceof RateLimitedError && idempotent) return error.retryAfterMs;
  return undefined;
}

/**
 * Runs `attempt` until it succeeds, the error is not retryable, retries run out, or the
 * next try could not start before the call's deadline (then the last real error is
 * thrown, not a timeout). The delays come from cockatiel's exponential backoff with
 * decorrelated jitter; the loop itself is ours because every retry must pass through the
 * rate limiter and the circuit breaker again, stop at the call's deadline and wake up
 * when the caller cancels — cockatiel's retry policy sleeps without a way to be woken.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  context: { idempotent: boolean; scope: CallScope; tuning: RetryTuning; logger: Logger; observer: UpstreamObserver; route: string },
): Promise<T> {
  const { scope, tuning } = context;
  const schedule = new ExponentialBackoff({ initialDelay: tuning.initialDelayMs, maxDelay: tuning.maxDelayMs });
  let backoff: IBackoff<unknown> | undefined;
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      const floor = retryDelayFloor(error, context.idempotent);
      if (floor === undefined || attemptNumber >= tuning.maxRetries || scope.signal.aborted) throw error;
      backoff = backoff ? backoff.next(undefined) : schedule.next();
      const delay = Math.max(floor, backoff.duration);
      if (delay >= scope.remainingMs()) throw error;
      const code = (error as { code?: string }).code ?? 'UNKNOWN';
      context.logger.debug({ route: context.route, attempt: attemptNumber + 1, delayMs: Math.round(delay), code }, 'retrying upstream call');
      context.observer.retryScheduled(scope.upstream, context.route, code, delay);
      await scope.sleep(delay);
    }
  }
}
