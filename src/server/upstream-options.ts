import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { knownSecrets } from '../logger';
import { SANDBOX_LOCATIONS, privateIntegrationKey } from '../sandbox/hoopai/locations';
import { HOOPR_SANDBOX_CREDENTIALS } from '../sandbox/hoopr/credentials';
import type { HoopaiLocationConfig, UpstreamsOptions } from '../upstream/index';
import type { SharedRedis } from '../upstream/redis/connection';

/**
 * Maps the validated configuration (plus the URLs of any running sandbox) onto the upstream
 * layer's options. The only place that knows both vocabularies.
 */
export function upstreamOptionsFrom(
  config: GatewayConfig,
  urls: { hoopr: string; hoopai: string },
  logger: Logger,
  shared?: SharedRedis,
): UpstreamsOptions {
  const { hoopai } = config;
  const rateLimit = { perWindow: hoopai.rateLimitPer10s, daily: hoopai.rateLimitDaily };
  const common = {
    logger,
    shared,
    tokenStoreKey: config.tokenStoreKey,
    secrets: knownSecrets,
    defaultTimeoutMs: config.requestTimeoutMs,
    hoopr: config.hoopr.sandbox
      ? { baseUrl: urls.hoopr, ...HOOPR_SANDBOX_CREDENTIALS }
      : { baseUrl: urls.hoopr, clientId: config.hoopr.clientId, clientSecret: config.hoopr.clientSecret },
  };
  if (hoopai.sandbox) {
    return {
      ...common,
      hoopai: {
        baseUrl: urls.hoopai,
        sandbox: true,
        versions: hoopai.versions,
        rateLimit,
        locations: SANDBOX_LOCATIONS.map((l) => ({
          locationId: l.id,
          auth: { kind: 'private-key', key: privateIntegrationKey(l.id) },
        })),
      },
    };
  }
  const locations: HoopaiLocationConfig[] = [
    ...Object.entries(hoopai.privateKeys).map(([locationId, key]) => ({
      locationId,
      auth: { kind: 'private-key' as const, key },
    })),
    ...(hoopai.oauth?.locationIds ?? []).map((locationId) => ({
      locationId,
      auth: { kind: 'oauth' as const, companyId: hoopai.oauth?.companies[locationId] },
    })),
  ];
  return {
    ...common,
    hoopai: {
      baseUrl: urls.hoopai,
      versions: hoopai.versions,
      rateLimit,
      locations,
      oauth: hoopai.oauth,
      tokenStore: hoopai.tokenStore,
    },
  };
}
