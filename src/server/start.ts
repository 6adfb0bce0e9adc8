import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import type { GatewayServices } from '../context';
import { createServices, type ServicesOptions } from '../services';
import type { RunningHoopaiSandbox } from '../sandbox/hoopai/index';
import { SANDBOX_LOCATIONS } from '../sandbox/hoopai/locations';
import type { RunningHooprSandbox } from '../sandbox/hoopr/index';
import { followAppInstalls } from '../upstream/hoopai/follow-app-installs';
import { createUpstreams, type Upstreams, type UpstreamsOptions } from '../upstream/index';
import { SharedRedis } from '../upstream/redis/connection';
import { knownSecrets } from '../logger';
import { Drain } from './drain';
import { createObservability, type GatewayObservability } from './observability/gateway-observability';
import { type MetricsServer, startMetricsServer } from './observability/metrics-server';
import { upstreamOptionsFrom } from './upstream-options';
import { upstreamReadiness } from './upstream-readiness';
import { ResponseCache } from './response-cache/index';
import { createGateway, type Gateway } from './yoga';
import { yogaLogger } from './yoga-logger';
import { createHoopaiWebhooks, type HoopaiWebhooks } from './webhooks/index';

export interface RunningGateway {
  url: string;
  graphqlUrl: string;
  yoga: Gateway;
  server: Server;
  sandboxes: { hoopr?: RunningHooprSandbox; hoopai?: RunningHoopaiSandbox };
  upstreams: Upstreams;
  /** What every request shares: the catalog and CRM behind their caches, and the stores. */
  services: GatewayServices;
  /** `POST /webhooks/hoopai`: the receiver and its queue. */
  webhooks: HoopaiWebhooks;
  /** Metrics and traces; `metricsUrl` is set when `/metrics` has a listener of its own (METRICS_PORT). */
  observability: GatewayObservability;
  metricsUrl?: string;
  /** Answers of catalog-only queries, per instance; undefined when RESPONSE_CACHE_MB is 0/off. */
  responseCache?: ResponseCache;
  /** Began when shutdown began: /readyz is 503 from then on. */
  drain: Drain;
  /** HTTP requests being answered now (event streams included). */
  inFlight(): number;
  /**
   * Shuts down: /readyz turns 503, the listener closes, every answer says `Connection: close`,
   * idle connections close, event streams end with a reason, requests in flight finish until
   * `drainMs` (default `config.shutdownDrainMs`) and are cut after it; then the upstream pools
   * and sandboxes stop. Calling it again returns the same shutdown.
   */
  close(drainMs?: number): Promise<void>;
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
    /** What a test sets on the services: a clock it moves, the catalog cache's lifetimes. */
    services?: Pick<ServicesOptions, 'clock' | 'catalogCache'>;
    /** Breaker and retry tuning beyond the defaults (tests shorten the cool-down). */
    upstreams?: Pick<UpstreamsOptions, 'breaker' | 'retry'>;
    /** Spans go to this exporter, as each ends, whatever the configuration says (tests). */
    spanExporter?: SpanExporter;
  } = {},
): Promise<RunningGateway> {
  const sandboxes: RunningGateway['sandboxes'] = {};
  try {
    // A sandbox already running elsewhere (`*_SANDBOX_URL`, e.g. `npm run cluster`) is used as it is.
    if (config.hoopr.sandbox && !config.hoopr.sandboxUrl) {
      const { startHooprSandbox } = await import('../sandbox/hoopr/index');
      sandboxes.hoopr = await startHooprSandbox({ port: config.hoopr.sandboxPort, host: '127.0.0.1' });
    }
    if (config.hoopai.sandbox && !config.hoopai.sandboxUrl) {
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

  const hooprUrl = config.hoopr.sandbox ? (config.hoopr.sandboxUrl ?? sandboxes.hoopr!.url) : config.hoopr.baseUrl;
  const hoopaiUrl = config.hoopai.sandbox ? (config.hoopai.sandboxUrl ?? sandboxes.hoopai!.url) : config.hoopai.baseUrl;
  const sandboxLocationIds = config.hoopai.sandbox ? SANDBOX_LOCATIONS.map((l) => l.id) : undefined;
  const observability = await createObservability(config.observability, {
    logger,
    trustedDocuments: config.trustedDocuments?.documents.values(),
    callers: config.auth,
    sandboxLocationIds,
    spanExporter: overrides.spanExporter,
  });
  const observer = observability.upstreamObserver;
  // The shared mode: one connection for the whole gateway; it reconnects by itself.
  const shared = config.redis ? new SharedRedis({ ...config.redis, logger }) : undefined;
  const redisPassword = config.redis ? new URL(config.redis.url).password : '';
  if (redisPassword) knownSecrets.add(decodeURIComponent(redisPassword));
  const upstreams = createUpstreams({
    ...upstreamOptionsFrom(config, { hoopr: hooprUrl, hoopai: hoopaiUrl }, logger, shared),
    observer,
    ...overrides.upstreams,
  });
  const stopSandboxes = () => Promise.allSettled([sandboxes.hoopr?.close(), sandboxes.hoopai?.close()]);
  try {
    await upstreams.ready();
  } catch (error) {
    await Promise.allSettled([upstreams.close(), shared?.close(), stopSandboxes(), observability.shutdown()]);
    throw error;
  }
  const services = createServices(upstreams, {
    catalogMode: config.hoopr.sandbox || config.hoopr.clientSecret.startsWith('hpr_test_') ? 'test' : 'live',
    caches: config.caches,
    subscriptionBufferEvents: config.limits.subscriptionBufferEvents,
    onSubscriptionEnded: (reason) => observability.metrics.subscriptionsEnded.inc({ reason }),
    idempotency: config.idempotency,
    shared,
    logger,
    observer,
    ...overrides.services,
  });
  const stopFollowingInstalls = upstreams.hoopaiInstalls && followAppInstalls(upstreams.hoopaiInstalls, services.events, logger);
  let webhooks: HoopaiWebhooks;
  try {
    webhooks = await createHoopaiWebhooks({
      config: config.webhooks,
      // In sandbox mode the sandbox signs with keys of its own, served on its control plane.
      sandboxUrl: config.hoopai.sandbox ? hoopaiUrl : undefined,
      services,
      installs: upstreams.hoopaiInstalls,
      shared,
      onDelivery: (type, outcome) => observability.metrics.webhookDeliveries.inc({ type, outcome }),
      logger,
    });
  } catch (error) {
    stopFollowingInstalls?.();
    await Promise.allSettled([upstreams.close(), services.events.close(), shared?.close(), stopSandboxes(), observability.shutdown()]);
    throw error;
  }
  observability.metrics.observeSubscriptions(() => services.subscriptions.snapshot());
  const drain = new Drain();
  // Per instance, also in shared mode: a hit saves the upstream calls; sharing it through
  // Redis would cost a round trip of the whole answer for what a miss costs the instance once.
  const responseCache =
    config.caches.responseCacheBytes > 0
      ? new ResponseCache({ maxBytes: config.caches.responseCacheBytes, ttlMs: config.caches.responseCacheTtlMs, clock: overrides.services?.clock, observer })
      : undefined;
  const yoga = createGateway({
    services,
    oauth: upstreams.hoopaiOAuth,
    sandboxLocationIds,
    callers: config.auth,
    readiness: upstreams.health.map(upstreamReadiness),
    drain,
    logger: yogaLogger(logger),
    structuredLogger: logger,
    compiledQueries: config.compiledQueries,
    compileAfterRuns: config.compileAfterRuns,
    limits: config.limits,
    cors: config.cors,
    trustedDocuments: config.trustedDocuments,
    observability,
    webhooks: webhooks.receiver,
    responseCache,
  });
  if (config.trustedDocuments) {
    const { path, documents, only } = config.trustedDocuments;
    logger.info({ path, documents: documents.size, only }, 'trusted documents loaded');
  }

  const server = createServer(yoga);
  let inFlight = 0;
  server.on('request', (_request, response: ServerResponse) => {
    inFlight += 1;
    response.once('close', () => (inFlight -= 1));
  });
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
    await Promise.allSettled([upstreams.close(), shared?.close(), stopSandboxes(), observability.shutdown()]);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;
  // `npm start`: the sandbox this process runs delivers its webhooks here unless told otherwise.
  if (sandboxes.hoopai && config.hoopai.sandbox && !config.hoopai.webhookUrl) {
    // Over loopback: a gateway bound to every interface is reachable there too.
    const reachable = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
    sandboxes.hoopai.setWebhookUrl(`http://${reachable}:${port}/webhooks/hoopai`);
  }
  let shutdown: Promise<void> | undefined;

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    yoga,
    server,
    sandboxes,
    upstreams,
    services,
    webhooks,
    observability,
    metricsUrl: metricsServer?.url,
    responseCache,
    drain,
    inFlight: () => inFlight,
    close(drainMs = config.shutdownDrainMs) {
      shutdown ??= (async () => {
        drain.begin();
        const drainStarted = Date.now();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Node ends a connection after an answer saying `Connection: close`; the idle ones are
        // closed now and again while draining (one may have been between two requests).
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 250);
        let cut = 0;
        const deadline = setTimeout(() => {
          cut = inFlight;
          server.closeAllConnections();
        }, drainMs);
        await closed;
        clearInterval(sweep);
        clearTimeout(deadline);
        if (cut > 0) logger.warn({ cut, drainMs }, 'shutdown: the drain deadline passed; requests still in flight were cut');
        // Upstream calls still running now serve no request (a token refresh, a call of a cut
        // request): the pools wait for them only as long as the drain has left.
        const left = Math.max(0, drainStarted + drainMs - Date.now());
        await Promise.race([upstreams.close(), new Promise((resolve) => setTimeout(resolve, left).unref())]);
        await metricsServer?.close();
        // Deliveries already acknowledged are processed before their events' channel closes.
        await webhooks.close();
        stopFollowingInstalls?.();
        await services.events.close();
        await shared?.close();
        await stopSandboxes();
        // Last: the spans of the requests that just finished are sent.
        await observability.shutdown();
      })();
      return shutdown;
    },
  };
}
