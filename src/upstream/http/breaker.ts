import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import { NO_OBSERVER, type UpstreamObserver } from '../observability';
import { CircuitOpenError, UpstreamTimeoutError, UpstreamUnavailableError, type UpstreamName } from './errors';

export interface BreakerTuning {
  /** Consecutive upstream faults (5xx, resets, upstream timeouts) that open the circuit. Default 5. */
  failureThreshold: number;
  /** How long an open circuit fails calls fast before one probe may pass, ms. Default 10000. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER_TUNING: BreakerTuning = { failureThreshold: 5, cooldownMs: 10_000 };

/** What readiness reads: whether calls fail fast now, since when, and the fault that opened the circuit. */
export interface CircuitView {
  state: 'closed' | 'open' | 'half-open';
  /** Epoch ms the circuit last opened (open and half-open only). */
  openedAt?: number;
  /** The message of the fault that opened it: our own text, naming the upstream and route, never a secret. */
  lastFault?: string;
  /** True when the cool-down has passed: the next call through the breaker is its probe. */
  probeDue: boolean;
}

/** Only the upstream's own faults count; 4xx, 429 and our own deadlines say nothing about its health. */
function isUpstreamFault(error: unknown): boolean {
  return (error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError) && error.upstreamFault;
}

/**
 * One circuit per upstream (cockatiel). Open: calls fail at once with CircuitOpenError
 * (UPSTREAM_UNAVAILABLE) without touching the network. After the cool-down one call
 * probes; its success closes the circuit, its failure re-opens it.
 */
export class UpstreamBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private opened: { at: number; fault?: string } | undefined;

  constructor(
    private readonly upstream: UpstreamName,
    private readonly tuning: BreakerTuning,
    logger: Logger,
    observer: UpstreamObserver = NO_OBSERVER,
  ) {
    this.policy = circuitBreaker(handleWhen(isUpstreamFault), {
      halfOpenAfter: tuning.cooldownMs,
      breaker: new ConsecutiveBreaker(tuning.failureThreshold),
    });
    observer.breakerChanged(upstream, 'closed');
    this.policy.onBreak((reason) => {
      this.opened = { at: Date.now(), fault: 'error' in reason && reason.error instanceof Error ? reason.error.message : undefined };
      logger.warn('circuit opened: failing calls fast');
      observer.breakerChanged(upstream, 'open');
    });
    this.policy.onHalfOpen(() => {
      logger.info('circuit half-open: probing');
      observer.breakerChanged(upstream, 'half_open');
    });
    this.policy.onReset(() => {
      this.opened = undefined;
      logger.info('circuit closed');
      observer.breakerChanged(upstream, 'closed');
    });
  }

  /** Read-only: the circuit as readiness reports it. */
  view(): CircuitView {
    const state = this.policy.state === CircuitState.Closed ? 'closed' : this.policy.state === CircuitState.HalfOpen ? 'half-open' : 'open';
    if (state === 'closed' || !this.opened) return { state: 'closed', probeDue: false };
    const probeDue = state === 'open' && Date.now() - this.opened.at >= this.tuning.cooldownMs;
    return { state, openedAt: this.opened.at, lastFault: this.opened.fault, probeDue };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(work);
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new CircuitOpenError(this.upstream);
      throw error;
    }
  }
}
