import type { Plugin } from 'graphql-yoga';
import type { GatewayObservability } from '../observability/gateway-observability';
import { codeLabel } from '../observability/outcomes';
import { currentObservation, type RequestObservation } from '../observability/request-observation';

export const METRICS_PATH = '/metrics';

/** Routes that are label values of their own; any other path is `other` (paths are the client's text). */
const KNOWN_ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/health', METRICS_PATH, '/oauth/install', '/oauth/callback', '/webhooks/hoopai']);

/**
 * Counts every request (and those in flight), and every GraphQL request by operation,
 * outcome, caller and cost, once its response is ready; serves `/metrics` on the gateway's
 * port when the configuration says so (METRICS_ON_GATEWAY_PORT). Reads what useAccessLog
 * observed: it must come after that plugin.
 */
export function useMetrics(observability: GatewayObservability): Plugin {
  const { metrics } = observability;
  return {
    instrumentation: {
      async request(_payload, wrapped) {
        metrics.httpInFlight.inc();
        try {
          await wrapped();
        } finally {
          metrics.httpInFlight.dec();
        }
      },
    },
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!observability.metricsOnGatewayPort || url.pathname !== METRICS_PATH) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const { body, contentType } = await metrics.text();
      endResponse(new fetchAPI.Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } }));
    },
    onResponse({ response }) {
      const observation = currentObservation();
      if (!observation) return;
      metrics.httpRequests.inc({ route: KNOWN_ROUTES.has(observation.path) ? observation.path : 'other', status: String(response.status) });
      if (observation.graphql) countOperation(observability, observation);
    },
  };
}

function countOperation({ metrics, operationLabels, callerLabels }: GatewayObservability, observation: RequestObservation): void {
  const operation = operationLabels.labelFor(observation.operationName, { parsed: observation.operationType !== undefined, ran: observation.executed });
  const type = observation.operationType ?? 'unknown';
  const outcome = observation.outcome ?? 'error';
  metrics.operations.inc({ operation, type, outcome });
  metrics.operationDuration.observe({ operation, type, outcome }, observation.elapsedMs() / 1000);
  for (const code of observation.errorCodes) metrics.errors.inc({ code: codeLabel(code) });
  const [firstCode] = observation.errorCodes;
  if (outcome.startsWith('refused_') && firstCode !== undefined) metrics.refusals.inc({ code: codeLabel(firstCode) });
  if (observation.cost) metrics.estimatedCalls.observe({ operation }, observation.cost.estimatedCalls);
  const caller = callerLabels.labelFor(observation.caller);
  metrics.callerOperations.inc({ caller, outcome });
  const calls = observation.calls?.();
  if (!calls) return;
  metrics.madeCalls.observe({ operation }, calls.calls.hoopr + calls.calls.hoopai);
  const sends = calls.calls.hoopr + calls.calls.hoopai + calls.repeats.hoopr + calls.repeats.hoopai;
  if (sends > 0) metrics.callerUpstreamCalls.inc({ caller }, sends);
}
