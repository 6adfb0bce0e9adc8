import { UpstreamTimeoutError, upstreamLabel, type UpstreamName } from './errors';

/** What every upstream call accepts from its caller. */
export interface CallOptions {
  /** Cancels the call (and its upstream requests), e.g. the GraphQL request's signal. */
  signal?: AbortSignal;
  /** Epoch ms after which the call gives up with UPSTREAM_TIMEOUT; retries and queueing stay within it. */
  deadline?: number;
}

/**
 * One logical call's cancellation and deadline. `signal` fires when the caller cancels or
 * the deadline passes; `abortError()` tells the two apart: a cancelled caller gets its own
 * abort reason back (nobody is waiting for an answer), a passed deadline is a timeout.
 */
export class CallScope {
  readonly signal: AbortSignal;
  readonly deadline: number;
  private readonly deadlineSignal: AbortSignal;

  constructor(
    readonly upstream: UpstreamName,
    options: CallOptions,
    defaultTimeoutMs: number,
  ) {
    this.deadline = options.deadline ?? Date.now() + defaultTimeoutMs;
    this.deadlineSignal = AbortSignal.timeout(Math.max(0, this.deadline - Date.now()));
    this.signal = options.signal ? AbortSignal.any([options.signal, this.deadlineSignal]) : this.deadlineSignal;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /**
   * Whether the caller (not the deadline) aborted the scope. Read from the combined
   * signal's reason: some servers' request signals do not report `aborted` themselves.
   */
  get cancelledByCaller(): boolean {
    return this.signal.aborted && !(this.deadlineSignal.aborted && this.signal.reason === this.deadlineSignal.reason);
  }

  abortError(): unknown {
    if (this.cancelledByCaller) return this.signal.reason;
    return new UpstreamTimeoutError(`${upstreamLabel(this.upstream)} call did not finish within its deadline`, {
      upstream: this.upstream,
      upstreamFault: false,
    });
  }

  throwIfAborted(): void {
    if (this.signal.aborted) throw this.abortError();
  }

  /** Resolves after `ms`, or rejects with `abortError()` as soon as the scope is aborted. */
  sleep(ms: number): Promise<void> {
    return this.race(
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      }),
    );
  }

  /**
   * Waits for `shared` (work other callers may also wait for) without cancelling it: if this
   * scope aborts, only this caller stops waiting.
   */
  race<T>(shared: Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(this.abortError());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.abortError());
      this.signal.addEventListener('abort', onAbort, { once: true });
      shared.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
