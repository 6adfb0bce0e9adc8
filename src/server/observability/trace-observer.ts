import { defaultTextMapSetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { NO_OBSERVER, type UpstreamObserver, type UpstreamRequestObservation } from '../../upstream/index';
import { currentObservation } from './request-observation';
import { SpanAttribute } from './span-attributes';
import type { Tracing } from './tracing';

/**
 * A client span per HTTP request to an upstream (every attempt), the child of the operation
 * it serves, whose trace context travels on as `traceparent`. Calls made outside any traced
 * request (none today) start traces of their own. Retries and rate-limit waits are events
 * on the operation's span.
 */
export function traceObserver(tracing: Tracing): UpstreamObserver {
  return {
    ...NO_OBSERVER,
    requestStarted({ upstream, route, method, attempt }): UpstreamRequestObservation {
      const parent = currentObservation()?.span;
      const span = tracing.tracer.startSpan(
        route,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [SpanAttribute.HTTP_METHOD]: method,
            [SpanAttribute.URL_TEMPLATE]: route.slice(route.indexOf(' ') + 1),
            [SpanAttribute.UPSTREAM]: upstream,
            [SpanAttribute.ROUTE]: route,
            [SpanAttribute.ATTEMPT]: attempt,
            [SpanAttribute.RETRY]: attempt > 0,
            ...(attempt > 0 ? { [SpanAttribute.RESEND_COUNT]: attempt } : {}),
          },
        },
        parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
      );
      const headers: Record<string, string> = {};
      tracing.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
      return {
        headers,
        finished(status, error) {
          if (status !== undefined) span.setAttribute(SpanAttribute.HTTP_STATUS, status);
          const failure = error === undefined ? undefined : ((error as { code?: unknown }).code ?? (error as Error).name ?? 'error');
          if (failure !== undefined || (status !== undefined && status >= 500)) {
            span.setAttribute(SpanAttribute.ERROR_TYPE, String(failure ?? status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },
    retryScheduled(upstream, route, code, delayMs) {
      currentObservation()?.span?.addEvent('upstream retry scheduled', { [SpanAttribute.UPSTREAM]: upstream, [SpanAttribute.ROUTE]: route, code, delayMs: Math.round(delayMs) });
    },
    rateLimited(upstream, wait) {
      currentObservation()?.span?.addEvent('rate limit wait', { [SpanAttribute.UPSTREAM]: upstream, outcome: wait.outcome, waitedMs: wait.waitedMs });
    },
  };
}
