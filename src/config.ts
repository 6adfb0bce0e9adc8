import { z } from 'zod';
import { type AuthConfig, authEnvShape, buildAuthConfig } from './auth/auth-config';
import { buildCacheSettings, type CacheSettings, cacheSettingsEnvShape } from './cache-settings';
import { buildIdempotencySettings, type IdempotencySettings, idempotencyEnvShape } from './idempotency-config';
import { buildRedisConfig, type RedisConfig, redisEnvShape } from './redis-config';
import { buildRequestLimits, type RequestLimits, requestLimitsEnvShape } from './request-limits';
import { buildCorsConfig, type CorsConfig, corsEnvShape } from './server/cors-config';
import { buildObservabilityConfig, type ObservabilityConfig, observabilityEnvShape } from './server/observability/observability-config';
import { buildTrustedDocumentsConfig, type TrustedDocumentsConfig, trustedDocumentsEnvShape } from './server/trusted-documents-config';
import { buildWebhookConfig, type WebhookConfig, webhookEnvShape } from './server/webhooks/webhook-config';

/**
 * Every setting of the gateway comes from the environment and is validated here, once, at
 * start-up. A bad or missing value is a ConfigError that names the variable and what it
 * expects; `main.ts` prints it and exits without a stack trace.
 *
 * An upstream whose base URL is not set runs on the built-in sandbox ("sandbox mode").
 */

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface HoopaiOAuthAppConfig {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string[];
  /** Consent page of the (white-label) marketplace. */
  consentUrl: string;
}

export interface GatewayConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
  /** Deadline for one GraphQL request's upstream work, in ms (the same as `limits.requestTimeoutMs`). */
  requestTimeoutMs: number;
  /** What one request may spend: deadline, upstream calls, caller budget, document limits. */
  limits: RequestLimits;
  /** Sizes of what is kept across requests (catalog and CRM caches, idempotency keys). */
  caches: CacheSettings;
  /** How retries of idempotent writes are answered (settle time after an unknown outcome, wait for one in flight). */
  idempotency: IdempotencySettings;
  /** The shared mode (REDIS_URL); undefined: every piece of shared state lives in the process. */
  redis?: RedisConfig;
  /** TOKEN_STORE_KEY (32 bytes): seals OAuth pairs in the token file or, in shared mode, every token kept in Redis. */
  tokenStoreKey?: Buffer;
  /** Run queries as compiled code (graphql-jit); off: graphql-js for everything. */
  compiledQueries: boolean;
  /** A document is compiled on its Nth run (one-off documents run on graphql-js). */
  compileAfterRuns: number;
  /** How long a shutdown waits for in-flight requests, ms; longer than `requestTimeoutMs`, so each ends by itself. */
  shutdownDrainMs: number;
  /** Who may call the gateway: hashed API keys and, optionally, JWTs (src/auth/auth-config.ts). */
  auth: AuthConfig;
  /** Which web origins may call from a browser (src/server/cors-config.ts). */
  cors: CorsConfig;
  /** The trusted-documents manifest, when one is configured (src/server/trusted-documents-config.ts). */
  trustedDocuments?: TrustedDocumentsConfig;
  /** Where `/metrics` is served, and whether (and where) traces are exported (src/server/observability/observability-config.ts). */
  observability: ObservabilityConfig;
  /** The HoopAI webhook receiver: keys, timestamp window, body limit, queue bound (src/server/webhooks/webhook-config.ts). */
  webhooks: WebhookConfig;
  hoopr:
    | { sandbox: true; sandboxPort: number; sandboxUrl?: string }
    | { sandbox: false; baseUrl: string; clientId: string; clientSecret: string };
  hoopai: {
    /** Versions sent in the `Version` header, per endpoint family. */
    versions: { contacts: string; conversations: string; oauth: string; locations: string };
    rateLimitPer10s: number;
    rateLimitDaily: number;
  } & (
    | { sandbox: true; sandboxPort: number; sandboxUrl?: string; webhookUrl?: string }
    | {
        sandbox: false;
        baseUrl: string;
        /** locationId → private integration key. */
        privateKeys: Record<string, string>;
        oauth?: HoopaiOAuthAppConfig & {
          locationIds: string[];
          /** locationId → the agency (company) whose install mints its tokens when it has no install of its own. */
          companies: Record<string, string>;
        };
        tokenStore: { path: string; key?: Buffer };
      }
  );
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const VERSION = /^\d{4}-\d{2}-\d{2}$/;

const port = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'a port number' })
    .int('a whole number')
    .min(0, 'a port from 0 to 65535')
    .max(65535, 'a port from 0 to 65535')
    .default(fallback);
const positiveInt = (fallback: number) =>
  z.coerce.number().int('a whole number').positive('a positive whole number').default(fallback);
const httpUrl = z
  .string()
  .refine(isHttpUrl, 'an absolute http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));
const nonEmpty = z.string().trim().min(1, 'a non-empty value');
const version = z.string().regex(VERSION, 'a date like 2021-07-28').default('2021-07-28');
const list = (v: string | undefined) =>
  (v ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const envSchema = z.object({
  PORT: port(4000),
  HOST: z.string().trim().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  COMPILED_QUERIES: z.enum(['on', 'off'], { message: 'on or off' }).default('on'),
  COMPILE_AFTER_RUNS: positiveInt(2),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int('a whole number').positive('a positive whole number').optional(),

  HOOPR_BASE_URL: httpUrl.optional(),
  HOOPR_CLIENT_ID: nonEmpty.optional(),
  HOOPR_CLIENT_SECRET: z
    .string()
    .regex(/^hpr_(test|live)_\S+$/, 'a Hoopr secret starting hpr_test_ or hpr_live_')
    .optional(),
  HOOPR_SANDBOX_PORT: port(4010),
  HOOPR_SANDBOX_URL: httpUrl.optional(),

  HOOPAI_BASE_URL: httpUrl.optional(),
  HOOPAI_SANDBOX_PORT: port(4020),
  HOOPAI_SANDBOX_URL: httpUrl.optional(),
  HOOPAI_SANDBOX_WEBHOOK_URL: httpUrl.optional(),
  HOOPAI_PRIVATE_INTEGRATION_KEYS: z.string().optional(),
  HOOPAI_OAUTH_CLIENT_ID: nonEmpty.optional(),
  HOOPAI_OAUTH_CLIENT_SECRET: nonEmpty.optional(),
  HOOPAI_OAUTH_REDIRECT_URI: httpUrl.optional(),
  HOOPAI_OAUTH_SCOPES: z.string().optional(),
  HOOPAI_OAUTH_CONSENT_URL: httpUrl.default('https://marketplace.leadconnectorhq.com/v2/oauth/chooselocation'),
  HOOPAI_OAUTH_LOCATIONS: z.string().optional(),
  HOOPAI_VERSION_CONTACTS: version,
  HOOPAI_VERSION_CONVERSATIONS: version,
  HOOPAI_VERSION_OAUTH: version,
  HOOPAI_VERSION_LOCATIONS: version,
  HOOPAI_RATE_LIMIT_PER_10S: positiveInt(100),
  HOOPAI_RATE_LIMIT_DAILY: positiveInt(200_000),

  TOKEN_STORE_PATH: nonEmpty.default('.data/hoopai-tokens.enc'),
  TOKEN_STORE_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, {
      message: '32 random bytes, base64-encoded (openssl rand -base64 32)',
    }),

  ...authEnvShape,
  ...requestLimitsEnvShape,
  ...cacheSettingsEnvShape,
  ...idempotencyEnvShape,
  ...redisEnvShape,
  ...corsEnvShape,
  ...trustedDocumentsEnvShape,
  ...observabilityEnvShape,
  ...webhookEnvShape,
});

type Env = z.infer<typeof envSchema>;

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Reads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  // Empty strings mean "not set": `FOO= npm start` must not count as a value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: expected ${issue.message}`),
    );
  }
  const problems: string[] = [];
  const config = build(parsed.data, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function build(env: Env, problems: string[]): GatewayConfig {
  const hoopr = buildHoopr(env, problems);
  const hoopai = buildHoopai(env, problems);
  const allSandbox = hoopr.sandbox && hoopai.sandbox;
  const auth = buildAuthConfig(env, problems, hoopai.sandbox ? undefined : credentialedLocations(hoopai));
  const limits = buildRequestLimits(env, problems);
  const shutdownDrainMs = env.SHUTDOWN_DRAIN_MS ?? limits.requestTimeoutMs + 5_000;
  if (shutdownDrainMs <= limits.requestTimeoutMs) {
    problems.push(`SHUTDOWN_DRAIN_MS: expected more than REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs}), so a request in flight at shutdown can end by itself`);
  }
  // Sandbox mode is a developer's laptop: stay on loopback unless told otherwise.
  const host = env.HOST ?? (allSandbox ? '127.0.0.1' : '0.0.0.0');
  return {
    port: env.PORT,
    host,
    logLevel: env.LOG_LEVEL,
    requestTimeoutMs: limits.requestTimeoutMs,
    limits,
    caches: buildCacheSettings(env),
    idempotency: buildIdempotencySettings(env),
    redis: buildRedisConfig(env),
    tokenStoreKey: env.TOKEN_STORE_KEY ? Buffer.from(env.TOKEN_STORE_KEY, 'base64') : undefined,
    compiledQueries: env.COMPILED_QUERIES === 'on',
    compileAfterRuns: env.COMPILE_AFTER_RUNS,
    shutdownDrainMs,
    auth,
    cors: buildCorsConfig(env, problems, allSandbox),
    trustedDocuments: buildTrustedDocumentsConfig(env, problems),
    observability: buildObservabilityConfig(env, problems, { sandbox: allSandbox, host }),
    webhooks: buildWebhookConfig(env, problems),
    hoopr,
    hoopai,
  };
}

function buildHoopr(env: Env, problems: string[]): GatewayConfig['hoopr'] {
  if (!env.HOOPR_BASE_URL) {
    for (const name of ['HOOPR_CLIENT_ID', 'HOOPR_CLIENT_SECRET'] as const) {
      if (env[name]) problems.push(`${name}: set, but HOOPR_BASE_URL is not (set both, or neither for the sandbox)`);
    }
    return { sandbox: true, sandboxPort: env.HOOPR_SANDBOX_PORT, sandboxUrl: env.HOOPR_SANDBOX_URL };
  }
  if (!env.HOOPR_CLIENT_ID) problems.push('HOOPR_CLIENT_ID: required when HOOPR_BASE_URL is set (your Hoopr client id)');
  if (!env.HOOPR_CLIENT_SECRET) {
    problems.push('HOOPR_CLIENT_SECRET: required when HOOPR_BASE_URL is set (hpr_test_… or hpr_live_…)');
  }
  return {
    sandbox: false,
    baseUrl: env.HOOPR_BASE_URL,
    clientId: env.HOOPR_CLIENT_ID ?? '',
    clientSecret: env.HOOPR_CLIENT_SECRET ?? '',
  };
}

function buildHoopai(env: Env, problems: string[]): GatewayConfig['hoopai'] {
  const common = {
    versions: {
      contacts: env.HOOPAI_VERSION_CONTACTS,
      conversations: env.HOOPAI_VERSION_CONVERSATIONS,
      oauth: env.HOOPAI_VERSION_OAUTH,
      locations: env.HOOPAI_VERSION_LOCATIONS,
    },
    rateLimitPer10s: env.HOOPAI_RATE_LIMIT_PER_10S,
    rateLimitDaily: env.HOOPAI_RATE_LIMIT_DAILY,
  };
  if (!env.HOOPAI_BASE_URL) {
    const liveOnly = [
      'HOOPAI_PRIVATE_INTEGRATION_KEYS',
      'HOOPAI_OAUTH_CLIENT_ID',
      'HOOPAI_OAUTH_CLIENT_SECRET',
      'HOOPAI_OAUTH_LOCATIONS',
    ] as const;
    for (const name of liveOnly) {
      if (env[name]) problems.push(`${name}: set, but HOOPAI_BASE_URL is not (set HOOPAI_BASE_URL, or unset it for the sandbox)`);
    }
    return {
      ...common,
      sandbox: true,
      sandboxPort: env.HOOPAI_SANDBOX_PORT,
      sandboxUrl: env.HOOPAI_SANDBOX_URL,
      webhookUrl: env.HOOPAI_SANDBOX_WEBHOOK_URL,
    };
  }

  const privateKeys = parsePrivateKeys(env.HOOPAI_PRIVATE_INTEGRATION_KEYS, problems);
  const { locationIds: oauthLocations, companies } = parseOAuthLocations(env.HOOPAI_OAUTH_LOCATIONS, problems);
  let oauth: (HoopaiOAuthAppConfig & { locationIds: string[]; companies: Record<string, string> }) | undefined;
  if (oauthLocations.length > 0 || env.HOOPAI_OAUTH_CLIENT_ID) {
    const required = ['HOOPAI_OAUTH_CLIENT_ID', 'HOOPAI_OAUTH_CLIENT_SECRET', 'HOOPAI_OAUTH_REDIRECT_URI'] as const;
    for (const name of required) {
      if (!env[name]) problems.push(`${name}: required for OAuth (HOOPAI_OAUTH_LOCATIONS or HOOPAI_OAUTH_CLIENT_ID is set)`);
    }
    if (!env.TOKEN_STORE_KEY) {
      problems.push('TOKEN_STORE_KEY: required for OAuth outside sandbox mode (32 random bytes, base64: openssl rand -base64 32)');
    }
    for (const id of oauthLocations) {
      if (privateKeys[id]) problems.push(`HOOPAI_OAUTH_LOCATIONS: location ${id} also has a private integration key; choose one`);
    }
    oauth = {
      clientId: env.HOOPAI_OAUTH_CLIENT_ID ?? '',
      clientSecret: env.HOOPAI_OAUTH_CLIENT_SECRET ?? '',
      redirectUri: env.HOOPAI_OAUTH_REDIRECT_URI ?? '',
      scopes: list(env.HOOPAI_OAUTH_SCOPES ?? 'contacts.readonly contacts.write conversations.readonly conversations.write conversations/message.readonly conversations/message.write locations.readonly'),
      consentUrl: env.HOOPAI_OAUTH_CONSENT_URL,
      locationIds: oauthLocations,
      companies,
    };
  }
  if (Object.keys(privateKeys).length === 0 && !oauth) {
    problems.push(
      'HOOPAI_PRIVATE_INTEGRATION_KEYS: HOOPAI_BASE_URL is set but no location has credentials; set locationId:key pairs, or HOOPAI_OAUTH_LOCATIONS with the OAuth app',
    );
  }
  return {
    ...common,
    sandbox: false,
    baseUrl: env.HOOPAI_BASE_URL,
    privateKeys,
    oauth,
    tokenStore: {
      path: env.TOKEN_STORE_PATH,
      key: env.TOKEN_STORE_KEY ? Buffer.from(env.TOKEN_STORE_KEY, 'base64') : undefined,
    },
  };
}

function credentialedLocations(hoopai: GatewayConfig['hoopai']): string[] {
  if (hoopai.sandbox) return [];
  return [...Object.keys(hoopai.privateKeys), ...(hoopai.oauth?.locationIds ?? [])];
}

/**
 * `locationId` or `locationId:companyId` entries, comma- or space-separated. With a company,
 * a location that has no install of its own gets tokens minted from that agency's install.
 */
function parseOAuthLocations(raw: string | undefined, problems: string[]): { locationIds: string[]; companies: Record<string, string> } {
  const locationIds: string[] = [];
  const companies: Record<string, string> = {};
  for (const [index, entry] of list(raw).entries()) {
    const [locationId = '', companyId, ...rest] = entry.split(':');
    if (!locationId || companyId === '' || rest.length > 0) {
      problems.push(`HOOPAI_OAUTH_LOCATIONS: entry ${index + 1} is not locationId or locationId:companyId`);
      continue;
    }
    if (locationIds.includes(locationId)) problems.push(`HOOPAI_OAUTH_LOCATIONS: location ${locationId} is listed twice`);
    locationIds.push(locationId);
    if (companyId) companies[locationId] = companyId;
  }
  return { locationIds, companies };
}

/** `locationId:key,locationId:key` → map. Never echoes a key back in an error. */
function parsePrivateKeys(raw: string | undefined, problems: string[]): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [index, pair] of list(raw).entries()) {
    const at = pair.indexOf(':');
    const locationId = at > 0 ? pair.slice(0, at) : '';
    const key = at > 0 ? pair.slice(at + 1) : '';
    if (!locationId || !key) {
      problems.push(`HOOPAI_PRIVATE_INTEGRATION_KEYS: entry ${index + 1} is not locationId:key`);
      continue;
    }
    if (keys[locationId]) problems.push(`HOOPAI_PRIVATE_INTEGRATION_KEYS: location ${locationId} is listed twice`);
    keys[locationId] = key;
  }
  return keys;
}
