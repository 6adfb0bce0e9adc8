import type { CallMeter } from './call-meter';
import { UpstreamTimeoutError, upstreamLabel, type UpstreamName } from './errors';

/** What every upstream call accepts from its caller. */
export interface CallOptions {
  /** Cancels the call (and its upstream requests), e.g. the GraphQL request's signal. */
  signal?: AbortSignal;
  /** Epoch ms after which the call gives up with UPSTREAM_TIMEOUT; retries and queueing stay within it. */
  deadline?: number;
  /** Told of every request the call sends (the GraphQL request's call budget); may refuse one. */
  meter?: CallMeter;
}

/**
 * One logical call's cancellation and deadline. `signal` fires when the caller cancels or
 * the deadline passes; `abortError()` tells the two apart: a cancelled caller gets its own
 * abort reason back (nobody is waiting for an answer), a passed deadline is a timeout.
 *
 * One controller, one timer and one listener on the caller's signal, all released by
 * `dispose()` when the call is over (AbortSignal.timeout + AbortSignal.any did the same
 * with weak references and finalizers: measurable on an inbox that makes 26 calls).
 */
export class CallScope {
  readonly signal: AbortSignal;
  readonly deadline: number;
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #meter: CallMeter | undefined;
  #sends = 0;
  #attempts = 0;
  #abortedBy: 'caller' | 'deadline' | undefined;

  constructor(
    readonly upstream: UpstreamName,
    options: CallOptions,
    defaultTimeoutMs: number,
  ) {
    this.deadline = options.deadline ?? Date.now() + defaultTimeoutMs;
    this.signal = this.#controller.signal;
    this.#meter = options.meter;
    this.#callerSignal = options.signal;
    if (this.#callerSignal?.aborted) {
      this.#onCallerAbort();
      return;
    }
    this.#callerSignal?.addEventListener('abort', this.#onCallerAbort, { once: true });
    this.#timer = setTimeout(this.#onDeadline, Math.max(0, this.deadline - Date.now()));
    this.#timer.unref?.();
  }

  /** The call is over: stop watching the deadline and the caller's signal. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }

  readonly #onCallerAbort = (): void => this.#abort('caller', this.#callerSignal!.reason);

  readonly #onDeadline = (): void =>
    this.#abort('deadline', new DOMException('The operation was aborted due to timeout', 'TimeoutError'));

  /** The first of the two to fire wins; the other is then stopped. */
  #abort(by: 'caller' | 'deadline', reason: unknown): void {
    if (this.signal.aborted) return;
    this.#abortedBy = by;
    this.dispose();
    this.#controller.abort(reason);
  }

  /**
   * Called before each credentialed request of this call is sent: the first is the call
   * itself, any later one a repeat (retry, or resend after a token renewal). The meter may
   * refuse it by throwing.
   */
  recordSend(): void {
    this.#meter?.beforeSend(this.upstream, this.#sends++ === 0 ? 'first' : 'repeat');
  }

  /** Numbers every HTTP request this call sends, credentialed or not: 0 for the first, 1 for its first repeat, … */
  nextAttempt(): number {
    return this.#attempts++;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /** Whether the caller (not the deadline) aborted the scope. */
  get cancelledByCaller(): boolean {
    return this.#abortedBy === 'caller';
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

/** Runs `work` in `scope` and disposes of the scope however the work ends. */
export async function inScope<T>(scope: CallScope, work: (scope: CallScope) => Promise<T>): Promise<T> {
  try {
    return await work(scope);
  } finally {
    scope.dispose();
  }
}
