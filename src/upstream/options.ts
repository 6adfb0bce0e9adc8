import type { Logger } from 'pino';
import type { SecretRegistry } from '../logger';
import type { BreakerTuning } from './http/breaker';
import type { HttpTuning } from './http/dispatcher';
import type { RetryTuning } from './http/retry';
import type { HoopaiVersions } from './hoopai/client';
import type { HoopaiLocationConfig } from './hoopai/location-tokens';
import type { HoopaiOAuthSettings } from './hoopai/oauth-installer';
import type { UpstreamObserver } from './observability';
import type { RateLimitTuning } from './rate-limit/location-limiter';
import type { SharedRedis } from './redis/connection';
import type { TokenStore } from './tokens/token-store';

/**
 * Everything the upstream layer needs, passed explicitly (this layer never reads the
 * environment). Durations are milliseconds; every optional field has the default named.
 */
export interface UpstreamsOptions {
  /** Structured logger; each upstream logs through a child `{upstream}`. Default: `logger` from src/logger.ts. */
  logger?: Logger;
  /**
   * Registry of secret values scrubbed from log lines and error messages. Must be the one
   * the logger scrubs with. Default: `knownSecrets` (the default logger's).
   */
  secrets?: SecretRegistry;
  /** Told of every request, retry, rate-limit wait, token request and breaker change (metrics, traces). Default: `NO_OBSERVER`. */
  observer?: UpstreamObserver;
  /** Deadline of a call whose caller passes none (map REQUEST_TIMEOUT_MS here). Default 15000. */
  defaultTimeoutMs?: number;
  /** Pools and timeouts, applied to both upstreams. Defaults in `DEFAULT_HTTP_TUNING`. */
  http?: Partial<HttpTuning>;
  /** Retries of idempotent calls. Default: at most 2 retries, 100 ms … 2 s jittered backoff. */
  retry?: Partial<RetryTuning>;
  /** One circuit per upstream. Default: opens after 5 consecutive faults, probes after 10 s. */
  breaker?: Partial<BreakerTuning>;
  hoopr: HooprOptions;
  hoopai: HoopaiOptions;
  /**
   * The shared mode: instances of one gateway share tokens and rate limits through this
   * Redis. Absent: both live in the process (one instance).
   */
  shared?: SharedRedis;
  /**
   * Seals every token the shared mode keeps in Redis (TOKEN_STORE_KEY, 32 bytes). In shared
   * mode without it, the Hoopr token stays in each instance (never stored in clear), and
   * OAuth locations cannot start.
   */
  tokenStoreKey?: Buffer;
  /** Shared mode: how long a token lock outlives a holder that died, ms. Default 5000. */
  tokenLockTtlMs?: number;
}

export interface HooprOptions {
  /** `HOOPR_BASE_URL`, or the sandbox's URL. */
  baseUrl: string;
  clientId: string;
  /** `hpr_test_…` / `hpr_live_…`. */
  clientSecret: string;
  /** Stop using a token this long before it expires. Default 60000. */
  refreshAheadMs?: number;
}

export interface HoopaiOptions {
  /** `HOOPAI_BASE_URL`, or the sandbox's URL. */
  baseUrl: string;
  /** The locations the gateway serves and how it authenticates for each (private key or OAuth). */
  locations: readonly HoopaiLocationConfig[];
  /** `Version` header per endpoint family. Default `2021-07-28` for each. */
  versions?: Partial<HoopaiVersions>;
  /** The marketplace app; required when any location uses OAuth. */
  oauth?: HoopaiOAuthSettings;
  /**
   * Where OAuth pairs are kept: a store, or the embedded encrypted file store
   * (`{path: TOKEN_STORE_PATH, key: TOKEN_STORE_KEY as 32 bytes}`). Required with a key
   * for OAuth, except in sandbox mode, where pairs may stay in memory.
   */
  tokenStore?: TokenStore | { path: string; key?: Buffer };
  /** True when `baseUrl` is the built-in sandbox. Default false. */
  sandbox?: boolean;
  /** Per-location budget. Default 100 per 10 s and 200000 per day, queue of 500 waiters. */
  rateLimit?: Partial<RateLimitTuning>;
  /** Refresh OAuth tokens this long before they expire. Default 300000 (5 min of a 24 h token). */
  refreshAheadMs?: number;
}
