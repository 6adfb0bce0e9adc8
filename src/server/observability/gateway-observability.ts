import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { AuthConfig } from '../../auth/auth-config';
import type { UpstreamObserver } from '../../upstream/index';
import { CallerLabels } from './caller-labels';
import { compositeObserver } from './composite-observer';
import { GatewayMetrics } from './gateway-metrics';
import { metricsObserver } from './metrics-observer';
import type { ObservabilityConfig } from './observability-config';
import { OperationLabels, operationNamesOf } from './operation-labels';
import { traceObserver } from './trace-observer';
import { type Tracing, startTracing } from './tracing';

/** The gateway's metrics and traces, built once at start-up and handed to the upstreams, the services and the server. */
export interface GatewayObservability {
  metrics: GatewayMetrics;
  operationLabels: OperationLabels;
  callerLabels: CallerLabels;
  /** Present when traces are exported. */
  tracing?: Tracing;
  /** What the upstream layer and the caches report to (createUpstreams, createServices). */
  upstreamObserver: UpstreamObserver;
  /** `/metrics` is served on the gateway's own port too. */
  metricsOnGatewayPort: boolean;
  /** Sends the spans still buffered and stops tracing. */
  shutdown(): Promise<void>;
}

export interface ObservabilityContext {
  logger: Logger;
  /** Their operation names are always label values of their own. */
  trustedDocuments?: Iterable<string>;
  callers?: AuthConfig;
  sandboxLocationIds?: readonly string[];
  /** Replaces the configured exporter and turns tracing on (tests). */
  spanExporter?: SpanExporter;
}

/** The composition of metrics and traces from the configuration: the one place that knows prom-client and OpenTelemetry together. */
export async function createObservability(config: ObservabilityConfig, context: ObservabilityContext): Promise<GatewayObservability> {
  const metrics = new GatewayMetrics();
  const tracing = await startTracing(config.tracing, context.logger, context.spanExporter);
  const observers = [metricsObserver(metrics), ...(tracing ? [traceObserver(tracing)] : [])];
  return {
    metrics,
    operationLabels: new OperationLabels(config.metrics.maxOperationNames, operationNamesOf(context.trustedDocuments ?? [])),
    callerLabels: new CallerLabels(context.callers, context.sandboxLocationIds),
    tracing,
    upstreamObserver: compositeObserver(observers),
    metricsOnGatewayPort: config.metrics.onGatewayPort,
    shutdown: async () => {
      await tracing?.shutdown();
    },
  };
}
