import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import type { GatewayServices } from '../context';
import { createServices, type ServicesOptions } from '../services';
import type { RunningHoopaiSandbox } from '../sandbox/hoopai/index';
import { SANDBOX_LOCATIONS } from '../sandbox/hoopai/locations';
import type { RunningHooprSandbox } from '../sandbox/hoopr/index';
import { createUpstreams, type Upstreams } from '../upstream/index';
import { createObservability, type GatewayObservability } from './observability/gateway-observability';
import { type MetricsServer, startMetricsServer } from './observability/metrics-server';
import { originReachable } from './reachability';
import { upstreamOptionsFrom } from './upstream-options';
import { createGateway, type Gateway } from './yoga';
import { yogaLogger } from './yoga-logger';

export interface RunningGateway {
  url: string;
  graphqlUrl: string;
  yoga: Gateway;
  server: Server;
  sandboxes: { hoopr?: RunningHooprSandbox; hoopai?: RunningHoopaiSandbox };
  upstreams: Upstreams;
  /** What every request shares: the catalog and CRM behind their caches, and the stores. */
  services: GatewayServices;
  /** Metrics and traces; `metricsUrl` is set when `/metrics` has a listener of its own (METRICS_PORT). */
  observability: GatewayObservability;
  metricsUrl?: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then stops the sandboxes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the sandboxes the config asks for, then the gateway on `config.host:config.port`.
 * The sandboxes (and their seed data) are imported only when used: a gateway in front of
 * the real upstreams never loads them.
 */
export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  overrides: {
    services?: Pick<ServicesOptions, 'clock' | 'catalogCache'>;
    /** Spans go to this exporter, as each ends, whatever the configuration says (tests). */
    spanExporter?: SpanExporter;
  } = {},
): Promise<RunningGateway> {
  const sandboxes: RunningGateway['sandboxes'] = {};
  try {
    if (config.hoopr.sandbox) {
      const { startHooprSandbox } = await import('../sandbox/hoopr/index');
      sandboxes.hoopr = await startHooprSandbox({ port: config.hoopr.sandboxPort, host: '127.0.0.1' });
    }
    if (config.hoopai.sandbox) {
      const { startHoopaiSandbox } = await import('../sandbox/hoopai/index');
      sandboxes.hoopai = await startHoopaiSandbox({
        port: config.hoopai.sandboxPort,
        host: '127.0.0.1',
        webhookUrl: config.hoopai.webhookUrl,
      });
    }
  } catch (error) {
    await Promise.allSettled([sandboxes.hoopr?.close(), sandboxes.hoopai?.close()]);
    throw error;
  }

  const hooprUrl = config.hoopr.sandbox ? sandboxes.hoopr!.url : config.hoopr.baseUrl;
  const hoopaiUrl = config.hoopai.sandbox ? sandboxes.hoopai!.url : config.hoopai.baseUrl;
  const sandboxLocationIds = config.hoopai.sandbox ? SANDBOX_LOCATIONS.map((l) => l.id) : undefined;
  const observability = await createObservability(config.observability, {
    logger,
    trustedDocuments: config.trustedDocuments?.documents.values(),
    callers: config.auth,
    sandboxLocationIds,
    spanExporter: overrides.spanExporter,
  });
  const observer = observability.upstreamObserver;
  const upstreams = createUpstreams({ ...upstreamOptionsFrom(config, { hoopr: hooprUrl, hoopai: hoopaiUrl }, logger), observer });
  const stopSandboxes = () => Promise.allSettled([sandboxes.hoopr?.close(), sandboxes.hoopai?.close()]);
  try {
    await upstreams.ready();
  } catch (error) {
    await Promise.allSettled([upstreams.close(), stopSandboxes(), observability.shutdown()]);
    throw error;
  }
  const services = createServices(upstreams, {
    catalogMode: config.hoopr.sandbox || config.hoopr.clientSecret.startsWith('hpr_test_') ? 'test' : 'live',
    locationNames: config.hoopai.sandbox ? Object.fromEntries(SANDBOX_LOCATIONS.map((l) => [l.id, l.name])) : {},
    caches: config.caches,
    observer,
    ...overrides.services,
  });
  const yoga = createGateway({
    services,
    oauth: upstreams.hoopaiOAuth,
    sandboxLocationIds,
    callers: config.auth,
    readiness: [originReachable('hoopr', hooprUrl), originReachable('hoopai', hoopaiUrl)],
    logger: yogaLogger(logger),
    structuredLogger: logger,
    compiledQueries: config.compiledQueries,
    compileAfterRuns: config.compileAfterRuns,
    limits: config.limits,
    cors: config.cors,
    trustedDocuments: config.trustedDocuments,
    observability,
  });
  if (config.trustedDocuments) {
    const { path, documents, only } = config.trustedDocuments;
    logger.info({ path, documents: documents.size, only }, 'trusted documents loaded');
  }

  const server = createServer(yoga);
  let metricsServer: MetricsServer | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port: metricsPort, host: metricsHost } = config.observability.metrics;
    if (metricsPort !== undefined) {
      metricsServer = await startMetricsServer(observability.metrics, { port: metricsPort, host: metricsHost });
      logger.info({ url: metricsServer.url }, 'metrics served');
    }
  } catch (error) {
    server.close();
    await Promise.allSettled([upstreams.close(), stopSandboxes(), observability.shutdown()]);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    yoga,
    server,
    sandboxes,
    upstreams,
    services,
    observability,
    metricsUrl: metricsServer?.url,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await metricsServer?.close();
      await upstreams.close();
      await stopSandboxes();
      // Last: the spans of the requests that just finished are sent.
      await observability.shutdown();
    },
  };
}
