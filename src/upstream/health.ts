import { inScope, type CallScope } from './http/call-scope';
import type { UpstreamName } from './http/errors';
import type { UpstreamHttp } from './http/upstream-http';

/** One upstream as readiness sees it. */
export interface UpstreamHealthView {
  upstream: UpstreamName;
  /** False while calls to this upstream fail whoever makes them: its circuit is open, or no token can be had. */
  ready: boolean;
  /** Why not ready, in words an operator can act on (no secrets). */
  reasons: string[];
  /** Tenants (HoopAI locations) without a token while others still work: reported, not a reason to leave the pool. */
  failingLocations?: Record<string, string>;
}

export interface UpstreamHealthParts {
  http: UpstreamHttp;
  /** Why no token can be had for any call (a single client credential), or undefined. */
  tokensUnavailable?: () => string | undefined;
  /** Per-tenant token failures (OAuth locations), and how many tenants there are in all. */
  failingLocations?: () => ReadonlyMap<string, string>;
  locationCount?: number;
  /** Asks for the failing tokens again (single-flight inside the providers). */
  retryTokens?: (scope: CallScope) => Promise<unknown>;
  /** The least time between two recovery attempts, ms (the breaker's cool-down). */
  retryEveryMs: number;
}

/**
 * Readiness of one upstream from what the gateway already knows: its circuit breaker and its
 * token providers. Reading it sends nothing, so a slow upstream cannot flip it; only faults
 * (which open the circuit) and failed token requests can.
 */
export class UpstreamHealth {
  private recovering: Promise<unknown> | undefined;
  private lastTokenRetry = 0;

  constructor(private readonly parts: UpstreamHealthParts) {}

  get upstream(): UpstreamName {
    return this.parts.http.upstream;
  }

  /** Read-only. */
  view(): UpstreamHealthView {
    const reasons: string[] = [];
    const circuit = this.parts.http.circuit();
    if (circuit.state !== 'closed') {
      const since = circuit.openedAt ? ` since ${new Date(circuit.openedAt).toISOString()}` : '';
      const last = circuit.lastFault ? ` (last: ${circuit.lastFault})` : '';
      reasons.push(
        circuit.state === 'half-open'
          ? `circuit half-open${since}: one probe decides${last}`
          : `circuit open${since} after consecutive upstream faults${last}; calls fail fast until a probe succeeds`,
      );
    }
    const tokens = this.parts.tokensUnavailable?.();
    if (tokens) reasons.push(`no access token can be obtained: ${tokens}`);
    const failing = this.parts.failingLocations?.();
    if (failing && failing.size > 0 && failing.size >= (this.parts.locationCount ?? Number.POSITIVE_INFINITY)) {
      reasons.push(`no location can obtain an access token (${failing.size} of ${failing.size})`);
    }
    const view: UpstreamHealthView = { upstream: this.upstream, ready: reasons.length === 0, reasons };
    if (failing && failing.size > 0) view.failingLocations = Object.fromEntries(failing);
    return view;
  }

  /**
   * Sends what ends a problem when no caller would: a replica that left the load balancer
   * gets no traffic, so nothing else would ever probe its open circuit or ask for its token
   * again. At most one attempt in flight; token requests at most once per cool-down.
   */
  recover(): void {
    if (this.recovering) return;
    const attempt = this.recoveryAttempt();
    if (!attempt) return;
    this.recovering = attempt.catch(() => undefined).finally(() => (this.recovering = undefined));
  }

  private recoveryAttempt(): Promise<unknown> | undefined {
    if (this.parts.http.circuit().probeDue) return this.parts.http.probe();
    const { retryTokens } = this.parts;
    const tokensFailing = this.parts.tokensUnavailable?.() !== undefined || (this.parts.failingLocations?.().size ?? 0) > 0;
    if (!retryTokens || !tokensFailing || Date.now() - this.lastTokenRetry < this.parts.retryEveryMs) return undefined;
    this.lastTokenRetry = Date.now();
    return inScope(this.parts.http.scope(), retryTokens);
  }
}
