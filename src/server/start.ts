import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import type { GatewayServices } from '../context';
import { createServices, type ServicesOptions } from '../services';
import type { RunningHoopaiSandbox } from '../sandbox/hoopai/index';
import { SANDBOX_LOCATIONS } from '../sandbox/hoopai/locations';
import type { RunningHooprSandbox } from '../sandbox/hoopr/index';
import { createUpstreams, type Upstreams } from '../upstream/index';
import { SharedRedis } from '../upstream/redis/connection';
import { knownSecrets } from '../logger';
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
  overrides: { services?: Pick<ServicesOptions, 'clock' | 'catalogCache'> } = {},
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
  // The shared mode: one connection for the whole gateway; it reconnects by itself.
  const shared = config.redis ? new SharedRedis({ ...config.redis, logger }) : undefined;
  const redisPassword = config.redis ? new URL(config.redis.url).password : '';
  if (redisPassword) knownSecrets.add(decodeURIComponent(redisPassword));
  const upstreams = createUpstreams(upstreamOptionsFrom(config, { hoopr: hooprUrl, hoopai: hoopaiUrl }, logger, shared));
  const stopSandboxes = () => Promise.allSettled([sandboxes.hoopr?.close(), sandboxes.hoopai?.close()]);
  try {
    await upstreams.ready();
  } catch (error) {
    await Promise.allSettled([upstreams.close(), shared?.close(), stopSandboxes()]);
    throw error;
  }
  const services = createServices(upstreams, {
    catalogMode: config.hoopr.sandbox || config.hoopr.clientSecret.startsWith('hpr_test_') ? 'test' : 'live',
    locationNames: config.hoopai.sandbox ? Object.fromEntries(SANDBOX_LOCATIONS.map((l) => [l.id, l.name])) : {},
    caches: config.caches,
    shared,
    logger,
    ...overrides.services,
  });
  const yoga = createGateway({
    services,
    oauth: upstreams.hoopaiOAuth,
    sandboxLocationIds: config.hoopai.sandbox ? SANDBOX_LOCATIONS.map((l) => l.id) : undefined,
    callers: config.auth,
    readiness: [originReachable('hoopr', hooprUrl), originReachable('hoopai', hoopaiUrl)],
    logger: yogaLogger(logger),
    structuredLogger: logger,
    compiledQueries: config.compiledQueries,
    compileAfterRuns: config.compileAfterRuns,
    limits: config.limits,
    cors: config.cors,
    trustedDocuments: config.trustedDocuments,
  });
  if (config.trustedDocuments) {
    const { path, documents, only } = config.trustedDocuments;
    logger.info({ path, documents: documents.size, only }, 'trusted documents loaded');
  }

  const server = createServer(yoga);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await Promise.allSettled([upstreams.close(), shared?.close(), stopSandboxes()]);
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
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await services.events.close();
      await upstreams.close();
      await shared?.close();
      await stopSandboxes();
    },
  };
}
