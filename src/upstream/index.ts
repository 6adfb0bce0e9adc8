import type { Logger } from 'pino';
import { knownSecrets, logger as defaultLogger, type SecretRegistry } from '../logger';
import { AuthorizedCaller } from './http/authorized-caller';
import { DEFAULT_BREAKER_TUNING, UpstreamBreaker } from './http/breaker';
import { createDispatcher, DEFAULT_HTTP_TUNING, parseBaseUrl, type HttpTuning } from './http/dispatcher';
import type { UpstreamName } from './http/errors';
import { DEFAULT_RETRY_TUNING } from './http/retry';
import { UpstreamHttp } from './http/upstream-http';
import { DEFAULT_HOOPAI_VERSIONS, HoopaiClient } from './hoopai/client';
import { UpstreamHealth } from './health';
import { HoopaiAppInstalls } from './hoopai/app-installs';
import { LocationTokens } from './hoopai/location-tokens';
import { HoopaiOAuthApi } from './hoopai/oauth-api';
import { HoopaiOAuthInstaller } from './hoopai/oauth-installer';
import { isScopeRefusal } from './hoopai/refusals';
import { HooprClient } from './hoopr/client';
import { HooprTokenSource } from './hoopr/token-source';
import { NO_OBSERVER } from './observability';
import type { HoopaiOptions, UpstreamsOptions } from './options';
import { createRateLimiters } from './rate-limit/index';
import type { SharedRedis } from './redis/connection';
import { ClientCredentialsProvider, type SharedClientToken, type SharedTokenValue } from './tokens/client-credentials-provider';
import { FleetTokenGate } from './tokens/fleet-token-gate';
import { FileTokenStore } from './tokens/file-store';
import { MemoryTokenStore } from './tokens/memory-store';
import { OAuthTokenProvider, type OAuthLocation } from './tokens/oauth-provider';
import { RedisLock } from './tokens/redis-lock';
import { RedisSealedRecords, TokenStoreUnavailableError } from './tokens/redis-sealed-records';
import { RedisTokenStore } from './tokens/redis-token-store';
import { tokenKeys, type TokenStore } from './tokens/token-store';

export type { UpstreamsOptions, HooprOptions, HoopaiOptions } from './options';
export type { UpstreamHealth, UpstreamHealthView } from './health';
export * from './http/errors';
export type { CallOptions } from './http/call-scope';
export { RequestCallMeter, type CallMeter, type MeteredCalls } from './http/call-meter';
export type { HooprClient } from './hoopr/client';
export type * from './hoopr/types';
export type { HoopaiClient, HoopaiVersions } from './hoopai/client';
export type * from './hoopai/types';
export type { HoopaiLocationAuth, HoopaiLocationConfig } from './hoopai/location-tokens';
export type { AppInstallNotice, HoopaiAppInstalls } from './hoopai/app-installs';
export { InstallRefusedError, type HoopaiOAuthInstaller, type HoopaiOAuthSettings, type InstallResult } from './hoopai/oauth-installer';
export * from './observability';
export { FileTokenStore } from './tokens/file-store';
export { MemoryTokenStore } from './tokens/memory-store';
export { RedisTokenStore } from './tokens/redis-token-store';
export { TokenStoreError, type StoredTokens, type TokenRecord, type TokenStore } from './tokens/token-store';

export interface Upstreams {
  hoopr: HooprClient;
  hoopai: HoopaiClient;
  /** Present when a location uses OAuth: what the `/oauth/install` and `/oauth/callback` routes need. */
  hoopaiOAuth?: HoopaiOAuthInstaller;
  /** Present when a location uses OAuth: what the app's install and uninstall webhooks change in the token store. */
  hoopaiInstalls?: HoopaiAppInstalls;
  /** Each upstream's circuit and tokens, for readiness (reading them sends nothing). */
  health: readonly UpstreamHealth[];
  /** Resolves once the token store was read: a wrong key or unreadable file fails here, at start-up. */
  ready(): Promise<void>;
  /** Refuses waiting callers and closes the pools (in-flight requests finish). */
  close(): Promise<void>;
}

/** Thrown at start-up for options that cannot work (e.g. OAuth without an encryption key). */
export class UpstreamConfigError extends Error {}

/** The composition root of the upstream layer: both clients with their transport, tokens, limits and store. */
export function createUpstreams(options: UpstreamsOptions): Upstreams {
  const logger = options.logger ?? defaultLogger;
  const secrets = options.secrets ?? knownSecrets;
  const observer = options.observer ?? NO_OBSERVER;
  const tuning: HttpTuning = { ...DEFAULT_HTTP_TUNING, ...options.http };
  const transport = (upstream: UpstreamName, baseUrl: string) => {
    const base = parseBaseUrl(baseUrl);
    const child = logger.child({ upstream });
    const dispatcher = createDispatcher(base.origin, tuning);
    const http = new UpstreamHttp(upstream, {
      base,
      dispatcher,
      breaker: new UpstreamBreaker(upstream, { ...DEFAULT_BREAKER_TUNING, ...options.breaker }, child, observer),
      tuning,
      retry: { ...DEFAULT_RETRY_TUNING, ...options.retry },
      defaultTimeoutMs: options.defaultTimeoutMs ?? 15_000,
      logger: child,
      secrets,
      observer,
    });
    return { http, dispatcher };
  };

  const fleet = fleetTokensFor(options, logger);
  const hooprTransport = transport('hoopr', options.hoopr.baseUrl);
  const hooprSource = new HooprTokenSource(hooprTransport.http, options.hoopr);
  const hooprShared: SharedClientToken | undefined = fleet && {
    records: new RedisSealedRecords<SharedTokenValue>(fleet.redis, fleet.key, 'tokens'),
    gate: fleet.gate,
    name: `hoopr/client/${options.hoopr.clientId}`,
  };
  const hooprTokens = new ClientCredentialsProvider({
    issue: (scope) => hooprSource.issue(scope),
    newScope: () => hooprTransport.http.scope(),
    refreshAheadMs: options.hoopr.refreshAheadMs ?? 60_000,
    secrets,
    logger: hooprTransport.http.logger,
    observer,
    shared: hooprShared,
  });
  // Shared mode: one budget per HoopAI location and one for the Hoopr client, for the whole fleet, in Redis
  // (README, "Rate limits across instances"); otherwise HoopAI's budgets live in this process.
  const limiters = createRateLimiters({ hoopai: options.hoopai.rateLimit, hooprClientId: options.hoopr.clientId, shared: options.shared, logger, observer });
  const hoopr = new HooprClient(hooprTransport.http, new AuthorizedCaller(hooprTransport.http, hooprTokens, limiters.hoopr), hooprTokens, hooprSource);

  const hoopaiTransport = transport('hoopai', options.hoopai.baseUrl);
  const hoopaiOptions = options.hoopai;
  const versions = { ...DEFAULT_HOOPAI_VERSIONS, ...hoopaiOptions.versions };
  for (const location of hoopaiOptions.locations) {
    if (location.auth.kind === 'private-key') secrets.add(location.auth.key);
  }
  const oauthLocations: OAuthLocation[] = hoopaiOptions.locations.flatMap((location) =>
    location.auth.kind === 'oauth' ? [{ locationId: location.locationId, companyId: location.auth.companyId }] : [],
  );
  const store = oauthLocations.length > 0 ? tokenStoreFor(hoopaiOptions, fleet) : undefined;
  let hoopaiOAuth: HoopaiOAuthInstaller | undefined;
  let hoopaiInstalls: HoopaiAppInstalls | undefined;
  let oauthProvider: OAuthTokenProvider | undefined;
  if (store && hoopaiOptions.oauth) {
    secrets.add(hoopaiOptions.oauth.clientSecret);
    const api = new HoopaiOAuthApi(hoopaiTransport.http, hoopaiOptions.oauth, versions.oauth);
    oauthProvider = new OAuthTokenProvider({
      grants: api,
      store,
      locations: oauthLocations,
      refreshAheadMs: hoopaiOptions.refreshAheadMs ?? 300_000,
      installUrl: (locationId) => hoopaiOAuth?.installUrl(locationId),
      newScope: () => hoopaiTransport.http.scope(),
      secrets,
      logger: hoopaiTransport.http.logger,
      observer,
      gate: store instanceof RedisTokenStore ? fleet?.gate : undefined,
    });
    hoopaiOAuth = new HoopaiOAuthInstaller(hoopaiTransport.http, api, oauthProvider, hoopaiOptions.oauth, oauthLocations);
    hoopaiInstalls = new HoopaiAppInstalls(store, oauthProvider, oauthLocations, hoopaiTransport.http.logger);
  }
  const hoopai = new HoopaiClient(
    new AuthorizedCaller(hoopaiTransport.http, new LocationTokens(hoopaiOptions.locations, oauthProvider), limiters.hoopai, isScopeRefusal),
    versions,
    secrets,
    (locationId) => (hoopaiOAuth?.isOAuthLocation(locationId) ? hoopaiOAuth.installUrl(locationId) : undefined),
  );

  const breakerCooldownMs = { ...DEFAULT_BREAKER_TUNING, ...options.breaker }.cooldownMs;
  const health = [
    new UpstreamHealth({
      http: hooprTransport.http,
      tokensUnavailable: () => hooprTokens.unavailable(),
      retryTokens: (scope) => hooprTokens.token('', scope),
      retryEveryMs: breakerCooldownMs,
    }),
    new UpstreamHealth({
      http: hoopaiTransport.http,
      failingLocations: oauthProvider && (() => oauthProvider.failingLocations()),
      locationCount: hoopaiOptions.locations.length,
      retryTokens: oauthProvider && ((scope) => Promise.allSettled([...oauthProvider.failingLocations().keys()].map((id) => oauthProvider.token(id, scope)))),
      retryEveryMs: breakerCooldownMs,
    }),
  ];

  return {
    hoopr,
    hoopai,
    hoopaiOAuth,
    hoopaiInstalls,
    health,
    async ready() {
      if (store instanceof FileTokenStore) await store.verify();
      if (fleet) await fleet.redis.ready().catch((error: Error) => logger.warn({ err: { message: error.message } }, 'Redis is not answering yet: tokens wait for it'));
      if (store instanceof RedisTokenStore) {
        for (const { locationId } of oauthLocations) await readableOrUnreachable(() => store.get(tokenKeys.location(locationId)));
      }
    },
    async close() {
      limiters.close();
      await Promise.all([hooprTransport.dispatcher.close(), hoopaiTransport.dispatcher.close()]);
    },
  };
}

interface FleetTokens {
  redis: SharedRedis;
  key: Buffer;
  gate: FleetTokenGate;
}

/** Shared mode with a key to seal tokens: one lock and one store of tokens for the fleet. */
function fleetTokensFor(options: UpstreamsOptions, logger: Logger): FleetTokens | undefined {
  const redis = options.shared;
  if (!redis) return undefined;
  if (!options.tokenStoreKey) {
    logger.warn('shared mode without TOKEN_STORE_KEY: tokens are not shared (each instance requests its own Hoopr token); set it to share them');
    return undefined;
  }
  const lock = new RedisLock(redis, { ttlMs: options.tokenLockTtlMs, logger });
  // A waiter gives up after a dead holder's lock expired plus one upstream call's deadline.
  const gate = new FleetTokenGate(lock, { maxWaitMs: lock.ttlMs + (options.defaultTimeoutMs ?? 15_000), connected: () => redis.connected });
  return { redis, key: options.tokenStoreKey, gate };
}

/** A TOKEN_STORE_KEY that cannot open the stored OAuth pairs stops start-up, as with the file; Redis being down does not (tokens then wait for it). */
async function readableOrUnreachable(read: () => Promise<unknown>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (!(error instanceof TokenStoreUnavailableError)) throw error;
  }
}

/** OAuth needs somewhere durable and encrypted for its pairs, except against the sandbox; in shared mode, Redis. */
function tokenStoreFor(options: HoopaiOptions, fleet: FleetTokens | undefined): TokenStore {
  if (!options.oauth) throw new UpstreamConfigError('HoopAI locations use OAuth, but no OAuth app (clientId, clientSecret, redirectUri) is configured');
  const configured = options.tokenStore;
  if (configured && 'compareAndSet' in configured) return configured;
  if (fleet) return new RedisTokenStore(fleet.redis, fleet.key);
  if (configured?.key) return new FileTokenStore({ path: configured.path, key: configured.key });
  if (options.sandbox) return new MemoryTokenStore();
  throw new UpstreamConfigError('HoopAI OAuth needs an encrypted token store: configure a 32-byte token store key (refusing to keep OAuth tokens in plaintext)');
}
