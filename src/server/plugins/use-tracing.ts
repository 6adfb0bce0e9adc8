import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type TextMapGetter } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { currentObservation } from '../observability/request-observation';
import { SpanAttribute } from '../observability/span-attributes';
import type { Tracing } from '../observability/tracing';

const headersGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/**
 * A server span per GraphQL request, the child of the trace the request's `traceparent`
 * names (a new trace without one), named and described once the answer is ready: operation
 * type and name, outcome, error codes and cost. The upstream calls it makes are its
 * children (traceObserver). Reads what useAccessLog observed: it must come after that plugin.
 */
export function useTracing(tracing: Tracing, graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url }) {
      if (url.pathname !== graphqlEndpoint || request.method === 'OPTIONS') return;
      const observation = currentObservation();
      if (!observation) return;
      const parent = tracing.propagator.extract(ROOT_CONTEXT, request.headers, headersGetter);
      observation.span = tracing.tracer.startSpan(
        'GraphQL Operation',
        {
          kind: SpanKind.SERVER,
          attributes: {
            [SpanAttribute.HTTP_METHOD]: request.method,
            [SpanAttribute.HTTP_ROUTE]: graphqlEndpoint,
            [SpanAttribute.REQUEST_ID]: observation.requestId,
          },
        },
        parent,
      );
      // The names OpenTelemetry's log correlation uses (`traceId` is the upstreams' own trace id in our lines).
      const { traceId, spanId } = observation.span.spanContext();
      observation.addLogFields({ trace_id: traceId, span_id: spanId });
    },
    onResponse({ response }) {
      const observation = currentObservation();
      const span = observation?.span;
      if (!observation || !span) return;
      const { operationType: type, operationName: name } = observation;
      // OpenTelemetry's GraphQL conventions: "{type} {name}", or the type alone.
      if (type) span.updateName(name ? `${type} ${name}` : type);
      span.setAttributes({
        [SpanAttribute.HTTP_STATUS]: response.status,
        [SpanAttribute.OUTCOME]: observation.outcome ?? 'error',
        [SpanAttribute.ERROR_CODES]: [...observation.errorCodes],
        ...(type ? { [SpanAttribute.OPERATION_TYPE]: type } : {}),
        ...(name ? { [SpanAttribute.OPERATION_NAME]: name } : {}),
        ...(observation.caller ? { [SpanAttribute.CALLER]: observation.caller } : {}),
      });
      if (observation.cost) {
        span.setAttributes({
          [SpanAttribute.ESTIMATED_CALLS]: observation.cost.estimatedCalls,
          [SpanAttribute.CALLS]: observation.cost.calls,
          [SpanAttribute.RETRIES]: observation.cost.retries,
        });
      }
      if (observation.outcome === 'error' || response.status >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: [...observation.errorCodes].join(' ') || undefined });
      }
      span.end();
    },
  };
}
