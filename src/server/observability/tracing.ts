import type { TextMapPropagator, Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { TracingConfig } from './observability-config';

/** A started tracing SDK: where spans are made, how trace context crosses HTTP, and how it stops. */
export interface Tracing {
  tracer: Tracer;
  /** W3C trace context (`traceparent`, `tracestate`): read from requests, written onto upstream calls. */
  propagator: TextMapPropagator;
  /** Sends what is still buffered. */
  flush(): Promise<void>;
  /** Sends what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry trace SDK for `config`, or not at all: without a config nothing is
 * loaded (the SDK and the exporters are imported here, on demand), so a gateway that does
 * not trace pays nothing. `exporter` replaces the configured one and exports each span as it
 * ends (tests use an in-memory exporter). Nothing is registered globally: the tracer and
 * the propagator are handed to whoever needs them, so two gateways in one process (as in
 * the tests) never share one.
 */
export async function startTracing(
  config: TracingConfig | undefined,
  logger: Logger,
  exporter?: SpanExporter,
): Promise<Tracing | undefined> {
  if (!config && !exporter) return undefined;
  const [{ BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor }, { W3CTraceContextPropagator }, { defaultResource, resourceFromAttributes }] =
    await Promise.all([import('@opentelemetry/sdk-trace-base'), import('@opentelemetry/core'), import('@opentelemetry/resources')]);
  const service = {
    ...config?.resourceAttributes,
    'service.name': config?.serviceName ?? 'hoop-gateway',
  };
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(new ReportingExporter(await configuredExporter(config!), logger));
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes(service)),
    spanProcessors: [processor],
  });
  if (config) logger.info({ exporter: config.exporter, ...(config.exporter === 'otlp' ? { url: config.url, protocol: config.protocol } : {}) }, 'tracing on');
  return {
    tracer: provider.getTracer('hoop-gateway'),
    propagator: new W3CTraceContextPropagator(),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

async function configuredExporter(config: TracingConfig): Promise<SpanExporter> {
  if (config.exporter === 'console') return new (await import('@opentelemetry/sdk-trace-base')).ConsoleSpanExporter();
  if (config.protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: config.url });
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({ url: config.url });
}

/**
 * The exporter, telling the log when exports start failing (the collector is down: spans
 * are being dropped) and when they work again: one line per change, not one per batch.
 */
class ReportingExporter implements SpanExporter {
  #failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
  ) {}

  export(...[spans, done]: Parameters<SpanExporter['export']>): void {
    this.inner.export(spans, (result) => {
      // ExportResultCode.SUCCESS is 0.
      const failed = result.code !== 0;
      if (failed && !this.#failing) this.logger.warn({ err: result.error }, 'trace export failing: spans are dropped until the collector answers');
      if (!failed && this.#failing) this.logger.info('trace export working again');
      this.#failing = failed;
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
