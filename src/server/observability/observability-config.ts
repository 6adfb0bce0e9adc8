import { z } from 'zod';

/**
 * Metrics and traces, from the environment (validated with the rest of the config).
 *
 * Metrics (`/metrics`, Prometheus text) need no caller credential, and they name callers
 * (configured API keys), operations and upstream routes, and show error rates and breaker
 * states: nothing secret, but nothing for the public internet either. So they are served:
 * - on a listener of their own, `METRICS_PORT` (default 9464, the port OpenTelemetry's
 *   Prometheus exporter uses) on `METRICS_HOST` (default: the gateway's host), outside
 *   sandbox mode; `METRICS_PORT=off` turns that listener off;
 * - on the gateway's own port only when `METRICS_ON_GATEWAY_PORT=on`, which is the default
 *   in full sandbox mode on loopback alone (a developer's laptop, where nothing else reaches
 *   the port, `curl localhost:4000/metrics` should just work and no second port is opened).
 * `METRICS_MAX_OPERATION_NAMES` bounds the operation names that become label values.
 *
 * Traces are exported over OTLP when the standard OpenTelemetry variables ask for it, and
 * not at all otherwise (no SDK is started, nothing is recorded):
 * - on when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set,
 *   or `OTEL_TRACES_EXPORTER` is `otlp` (then the default endpoint, localhost:4318) or
 *   `console` (spans written to stdout, for debugging);
 * - off when `OTEL_TRACES_EXPORTER=none` or `OTEL_SDK_DISABLED=true`, whatever else is set;
 * - `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL`: `http/protobuf` (the default) or `http/json`;
 *   `grpc` is not supported;
 * - `OTEL_SERVICE_NAME` (default `hoop-gateway`) and `OTEL_RESOURCE_ATTRIBUTES` name the
 *   service; headers, timeout and compression (`OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`, …),
 *   sampling (`OTEL_TRACES_SAMPLER`, default: parent-based, always on) and batching
 *   (`OTEL_BSP_*`) are read by the OpenTelemetry SDK itself, as its documentation says.
 */

export interface MetricsConfig {
  /** The listener of its own; undefined: none. */
  port?: number;
  /** Where that listener binds. */
  host: string;
  /** `/metrics` on the gateway's port too. */
  onGatewayPort: boolean;
  /** Operation names (beyond those of trusted documents) that become label values; later ones count as `other`. */
  maxOperationNames: number;
}

export type TracingConfig =
  | { exporter: 'otlp'; protocol: 'http/protobuf' | 'http/json'; url: string; serviceName: string; resourceAttributes: Record<string, string> }
  | { exporter: 'console'; serviceName: string; resourceAttributes: Record<string, string> };

export interface ObservabilityConfig {
  metrics: MetricsConfig;
  /** Undefined: tracing is off (no SDK). */
  tracing?: TracingConfig;
}

export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_MAX_OPERATION_NAMES = 100;
const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;

const portOrOff = z
  .string()
  .trim()
  .refine((value) => value === 'off' || (/^\d{1,5}$/.test(value) && Number(value) <= 65535), 'a port from 0 to 65535, or off')
  .transform((value) => (value === 'off' ? ('off' as const) : Number(value)));
const url = z.string().url('an absolute URL');
const protocol = z.enum(PROTOCOLS, { message: `one of ${PROTOCOLS.join(', ')}` });

export const observabilityEnvShape = {
  METRICS_PORT: portOrOff.optional(),
  METRICS_HOST: z.string().trim().min(1).optional(),
  METRICS_ON_GATEWAY_PORT: z.enum(['on', 'off'], { message: 'on or off' }).optional(),
  METRICS_MAX_OPERATION_NAMES: z.coerce.number().int('a whole number').min(0, 'zero or more').default(DEFAULT_MAX_OPERATION_NAMES),
  OTEL_SDK_DISABLED: z.enum(['true', 'false'], { message: 'true or false' }).optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none'], { message: 'otlp, console or none' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol.optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
};

type ObservabilityEnv = z.infer<z.ZodObject<typeof observabilityEnvShape>>;

/** `sandbox`: both upstreams run on their sandboxes; `host`: where the gateway listens. */
export function buildObservabilityConfig(env: ObservabilityEnv, problems: string[], context: { sandbox: boolean; host: string }): ObservabilityConfig {
  const onGatewayPort = env.METRICS_ON_GATEWAY_PORT === undefined ? context.sandbox && isLoopback(context.host) : env.METRICS_ON_GATEWAY_PORT === 'on';
  const ownPort = env.METRICS_PORT ?? (onGatewayPort ? 'off' : DEFAULT_METRICS_PORT);
  return {
    metrics: {
      port: ownPort === 'off' ? undefined : ownPort,
      host: env.METRICS_HOST ?? context.host,
      onGatewayPort,
      maxOperationNames: env.METRICS_MAX_OPERATION_NAMES,
    },
    tracing: buildTracingConfig(env, problems),
  };
}

function buildTracingConfig(env: ObservabilityEnv, problems: string[]): TracingConfig | undefined {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const endpointSet = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined || env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
  if (env.OTEL_TRACES_EXPORTER === undefined && !endpointSet) return undefined;
  const resourceAttributes = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES, problems);
  // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES (SDK specification).
  const service = { serviceName: env.OTEL_SERVICE_NAME ?? resourceAttributes['service.name'] ?? 'hoop-gateway', resourceAttributes };
  if (env.OTEL_TRACES_EXPORTER === 'console') return { exporter: 'console', ...service };
  const chosen = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (chosen === 'grpc') {
    const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    problems.push(`${name}: grpc is not supported; use http/protobuf (the collector's port 4318) or http/json`);
    return undefined;
  }
  // The signal-specific endpoint is used as it is; the general one gets the traces path (OTLP exporter specification).
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '');
  return { exporter: 'otlp', protocol: chosen, url: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${base}/v1/traces`, ...service };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** `key=value,key=value`, values percent-encoded (W3C Baggage octets), as the specification writes them. */
function parseResourceAttributes(raw: string | undefined, problems: string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',').filter((entry) => entry.trim() !== '')) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at).trim() : '';
    if (!key) {
      problems.push(`OTEL_RESOURCE_ATTRIBUTES: "${pair.slice(0, 40)}" is not key=value`);
      continue;
    }
    try {
      attributes[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      problems.push(`OTEL_RESOURCE_ATTRIBUTES: the value of ${key} is not percent-encoded text`);
    }
  }
  return attributes;
}
