import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { SecretRegistry } from '../../logger';
import type { UpstreamObserver } from '../observability';
import type { CircuitView, UpstreamBreaker } from './breaker';
import { CallScope, inScope, type CallOptions } from './call-scope';
import type { HttpTuning, UpstreamBase } from './dispatcher';
import { exchange, type HttpResponse } from './exchange';
import { UpstreamTimeoutError, UpstreamUnavailableError, upstreamLabel, type UpstreamName } from './errors';
import { withRetries, type RetryTuning } from './retry';
import { toHttpRequest, type UpstreamRequest } from './upstream-request';
import { traceIdOf } from './upstream-body';

export interface UpstreamHttpDeps {
  base: UpstreamBase;
  dispatcher: Dispatcher;
  breaker: UpstreamBreaker;
  tuning: HttpTuning;
  retry: RetryTuning;
  /** Deadline of a call whose caller set none, ms. */
  defaultTimeoutMs: number;
  logger: Logger;
  secrets: SecretRegistry;
  /** Told of every request sent and every retry (metrics, traces). */
  observer: UpstreamObserver;
}

/**
 * The transport of one upstream: its pool, its circuit breaker and its retry policy.
 * It knows nothing of credentials; `AuthorizedCaller` and the token providers build on it.
 */
export class UpstreamHttp {
  readonly logger: Logger;

  constructor(
    readonly upstream: UpstreamName,
    private readonly deps: UpstreamHttpDeps,
  ) {
    this.logger = deps.logger;
  }

  get secrets(): SecretRegistry {
    return this.deps.secrets;
  }

  get retryTuning(): RetryTuning {
    return this.deps.retry;
  }

  /** Read-only: this upstream's circuit, for readiness. */
  circuit(): CircuitView {
    return this.deps.breaker.view();
  }

  /**
   * The breaker's half-open probe when no caller sends one (a replica out of the load
   * balancer gets no traffic): `GET /` with no credentials and no rate-limit slot. Any answer
   * below 500 closes the circuit; a 5xx or a transport fault opens it for another cool-down.
   */
  async probe(): Promise<void> {
    await inScope(this.scope(), (scope) => this.send({ method: 'GET', route: 'GET / (readiness probe)', path: '/', idempotent: true }, scope));
  }

  get observer(): UpstreamObserver {
    return this.deps.observer;
  }

  scope(options: CallOptions = {}): CallScope {
    return new CallScope(this.upstream, options, this.deps.defaultTimeoutMs);
  }

  /**
   * One exchange through the circuit breaker. 5xx answers and transport faults are thrown
   * (and count against the circuit); every other status is returned for the caller to read.
   */
  async send(request: UpstreamRequest, scope: CallScope, authorization?: string): Promise<HttpResponse> {
    const started = performance.now();
    const observed = this.deps.observer.requestStarted({
      upstream: this.upstream,
      route: request.route,
      method: request.method,
      attempt: scope.nextAttempt(),
    });
    const httpRequest = toHttpRequest(request, this.deps.base.pathPrefix, authorization, observed.headers);
    this.logger.trace({ route: request.route, headers: httpRequest.headers }, 'upstream request');
    try {
      const response = await this.deps.breaker.run(async () => {
        const answer = await exchange(this.deps.dispatcher, httpRequest, scope, {
          upstream: this.upstream,
          route: request.route,
          maxResponseBytes: this.deps.tuning.maxResponseBytes,
        });
        if (answer.status >= 500) throw this.serverError(request, answer);
        return answer;
      });
      this.logger.debug(
        { route: request.route, status: response.status, ms: elapsed(started), traceId: traceIdOf(response) },
        'upstream answered',
      );
      observed.finished(response.status);
      return response;
    } catch (error) {
      observed.finished((error as { status?: number }).status, error);
      // A cancelled call is the caller's choice, not a fault: one short line, no stack.
      if (scope.cancelledByCaller) this.logger.debug({ route: request.route, ms: elapsed(started) }, 'upstream call cancelled');
      else this.logger.debug({ route: request.route, ms: elapsed(started), err: error }, 'upstream call failed');
      throw error;
    }
  }

  /** `send` with the retry policy, for calls that bring their own credentials (token endpoints). */
  sendWithRetries(request: UpstreamRequest, scope: CallScope, authorization?: string): Promise<HttpResponse> {
    return withRetries(() => this.send(request, scope, authorization), {
      idempotent: request.idempotent,
      scope,
      tuning: this.deps.retry,
      logger: this.logger,
      observer: this.deps.observer,
      route: request.route,
    });
  }

  private serverError(request: UpstreamRequest, answer: HttpResponse): Error {
    const details = {
      upstream: this.upstream,
      status: answer.status,
      traceId: traceIdOf(answer),
      upstreamFault: true,
      responseHeaders: answer.headers,
    };
    const label = `${upstreamLabel(this.upstream)} ${request.route}`;
    return answer.status === 504
      ? new UpstreamTimeoutError(`${label}: upstream gateway timeout (504)`, details)
      : new UpstreamUnavailableError(`${label}: upstream error ${answer.status}`, details);
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
