import { CallBudgetExceededError, type UpstreamName } from './errors';

/** Whether a send is a call's first request, or a repeat of it (a retry, or a resend after a token renewal). */
export type SendAttempt = 'first' | 'repeat';

/**
 * Watches the upstream requests made on behalf of one caller's request (one GraphQL
 * request): told before every credentialed HTTP request is sent, before it takes a
 * rate-limit slot. Throwing refuses the send; the call then fails with that error and
 * nothing leaves. Token grants and refreshes are shared by every caller and are not told.
 */
export interface CallMeter {
  beforeSend(upstream: UpstreamName, attempt: SendAttempt): void;
}

export interface MeteredCalls {
  /** Calls made (first sends), by upstream. */
  calls: Record<UpstreamName, number>;
  /** Repeats (retries, resends after a token renewal), by upstream: not part of the estimate. */
  repeats: Record<UpstreamName, number>;
}

/**
 * The meter of one GraphQL request: counts its upstream requests and refuses any send past
 * `maxSends` (firsts and repeats together), so that no request spends more of an upstream's
 * shared budget than the gateway allows one request, whatever its cost estimate said.
 */
export class RequestCallMeter implements CallMeter {
  readonly #counts: MeteredCalls = { calls: { hoopr: 0, hoopai: 0 }, repeats: { hoopr: 0, hoopai: 0 } };
  #sends = 0;
  #closed = false;

  constructor(private readonly maxSends: number) {}

  beforeSend(upstream: UpstreamName, attempt: SendAttempt): void {
    if (this.#closed) throw new RequestAnsweredError();
    if (this.#sends >= this.maxSends) throw new CallBudgetExceededError(this.maxSends, { upstream });
    this.#sends += 1;
    if (attempt === 'first') this.#counts.calls[upstream] += 1;
    else this.#counts.repeats[upstream] += 1;
  }

  /** The request has been answered: every later send is refused. */
  close(): void {
    this.#closed = true;
  }

  /** Upstream requests sent so far, firsts and repeats. */
  get sends(): number {
    return this.#sends;
  }

  snapshot(): MeteredCalls {
    return { calls: { ...this.#counts.calls }, repeats: { ...this.#counts.repeats } };
  }
}

/** A send for a request whose answer is already complete: nobody would read what it brings. */
export class RequestAnsweredError extends Error {
  constructor() {
    super('The request has been answered; its remaining upstream work is dropped.');
    this.name = 'RequestAnsweredError';
  }
}
