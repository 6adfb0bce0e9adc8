import type { RateLimiter } from '../rate-limit/rate-limiter';
import type { TokenProvider } from '../tokens/token-provider';
import { type CallOptions, type CallScope, inScope } from './call-scope';
import { RateLimitedError, UnauthenticatedError, UpstreamTimeoutError, UpstreamUnavailableError, upstreamLabel } from './errors';
import type { HttpResponse } from './exchange';
import { withRetries } from './retry';
import { traceIdOf } from './upstream-body';
import type { UpstreamHttp } from './upstream-http';
import type { UpstreamRequest } from './upstream-request';

/** Without rate-limit headers to go by, a 429 is retried after this long (plus jitter). */
const DEFAULT_429_BACKOFF_MS = 1_000;

/**
 * A credentialed call: token → (per-location rate limit) → breaker → HTTP, with retries
 * for what may be retried. A 401 renews the token once per call — across retries too — and
 * sends again; a second 401 is UNAUTHENTICATED, never another renewal. A 401 the upstream
 * says no renewal can cure (`renewalCannotCure`, e.g. a scope the token was never granted)
 * is handed back as it is, without spending a renewal.
 */
export class AuthorizedCaller {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly tokens: TokenProvider,
    private readonly limiter?: RateLimiter,
    private readonly renewalCannotCure: (response: HttpResponse) => boolean = () => false,
  ) {}

  /** Returns any answer below 500 other than 429 and a curable 401; the client reads its status and body. */
  async call(key: string, request: UpstreamRequest, options: CallOptions): Promise<HttpResponse> {
    let renewed = false;
    return inScope(this.http.scope(options), (scope) =>
      withRetries(
        async () => {
          const token = await this.tokens.token(key, scope);
          const response = await this.sendCounted(key, request, scope, token);
          if (response.status !== 401 || this.renewalCannotCure(response)) return response;
          if (renewed) throw this.unauthenticated(key, request, response);
          renewed = true;
          const fresh = await this.tokens.renew(key, token, scope);
          const retried = await this.sendCounted(key, request, scope, fresh);
          if (retried.status === 401 && !this.renewalCannotCure(retried)) throw this.unauthenticated(key, request, retried);
          return retried;
        },
        {
          idempotent: request.idempotent,
          scope,
          tuning: this.http.retryTuning,
          logger: this.http.logger,
          observer: this.http.observer,
          route: request.route,
        },
      ),
    );
  }

  /** One send, holding a rate-limit slot for the location while it is in flight. */
  private async sendCounted(key: string, request: UpstreamRequest, scope: CallScope, token: string): Promise<HttpResponse> {
    // Before the rate-limit slot: a send the caller's budget refuses must not hold one.
    scope.recordSend();
    const permit = await this.limiter?.acquire(key, scope);
    let response: HttpResponse;
    try {
      response = await this.http.send(request, scope, `Bearer ${token}`);
    } catch (error) {
      const transport = error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError ? error : undefined;
      if (transport?.neverSent) permit?.unused();
      else permit?.answered(transport?.responseHeaders, transport?.status);
      throw error;
    }
    const backoffMs = permit?.answered(response.headers, response.status);
    if (response.status === 429) {
      const retryAfterMs = backoffMs ?? retryAfterHeaderMs(response) ?? Math.round(DEFAULT_429_BACKOFF_MS * (1 + 0.2 * Math.random()));
      throw new RateLimitedError(
        `${upstreamLabel(this.http.upstream)} ${request.route}: rate limited by the upstream`,
        { upstream: this.http.upstream, status: 429, traceId: traceIdOf(response) },
        retryAfterMs,
      );
    }
    return response;
  }

  private unauthenticated(key: string, request: UpstreamRequest, response: HttpResponse): UnauthenticatedError {
    const whose = key ? ` for location ${key}` : '';
    return new UnauthenticatedError(
      `${upstreamLabel(this.http.upstream)} ${request.route}: credentials${whose} rejected even after renewal`,
      { upstream: this.http.upstream, status: 401, traceId: traceIdOf(response) },
    );
  }
}

function retryAfterHeaderMs(response: HttpResponse): number | undefined {
  const raw = response.headers['retry-after'];
  const seconds = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
