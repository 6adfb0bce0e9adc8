import { z } from 'zod';

/** The sizes of what the gateway keeps across requests, from the environment. */
export interface CacheSettings {
  /** Bytes the shared catalog cache may hold (entities and remembered misses). */
  catalogCacheBytes: number;
  /** Contacts and conversations the CRM cache may hold, all locations together. */
  crmCacheMaxEntries: number;
  /** Idempotency keys remembered (24 h each). */
  idempotencyMaxKeys: number;
  /** Bytes the response cache of catalog-only queries may hold; 0: no response cache. */
  responseCacheBytes: number;
  /** How long a cached answer is served (ms); shorter when it holds a stream URL near its expiry. */
  responseCacheTtlMs: number;
}

export const DEFAULT_CACHE_SETTINGS: CacheSettings = {
  catalogCacheBytes: 32 * 1024 * 1024,
  crmCacheMaxEntries: 20_000,
  idempotencyMaxKeys: 50_000,
  responseCacheBytes: 16 * 1024 * 1024,
  responseCacheTtlMs: 60_000,
};

const positiveInt = (fallback: number) => z.coerce.number().int('a whole number').positive('a positive whole number').default(fallback);

export const cacheSettingsEnvShape = {
  CATALOG_CACHE_MB: positiveInt(DEFAULT_CACHE_SETTINGS.catalogCacheBytes / (1024 * 1024)),
  CRM_CACHE_MAX_ENTRIES: positiveInt(DEFAULT_CACHE_SETTINGS.crmCacheMaxEntries),
  IDEMPOTENCY_MAX_KEYS: positiveInt(DEFAULT_CACHE_SETTINGS.idempotencyMaxKeys),
  // `0` or `off` turns the response cache off.
  RESPONSE_CACHE_MB: z
    .preprocess((value) => (typeof value === 'string' && value.trim().toLowerCase() === 'off' ? 0 : value), z.coerce.number().min(0, 'a size in MB, 0 or off'))
    .default(DEFAULT_CACHE_SETTINGS.responseCacheBytes / (1024 * 1024)),
  // Well below a stream URL's lifetime (30 min) minus the 5 min margin.
  RESPONSE_CACHE_TTL_SECONDS: z.coerce.number().int('a whole number').positive('a positive whole number').max(1_500, 'at most 1500 (a stream URL lives 30 min, less the 5 min margin)').default(DEFAULT_CACHE_SETTINGS.responseCacheTtlMs / 1000),
};

type CacheSettingsEnv = z.infer<z.ZodObject<typeof cacheSettingsEnvShape>>;

export function buildCacheSettings(env: CacheSettingsEnv): CacheSettings {
  return {
    catalogCacheBytes: env.CATALOG_CACHE_MB * 1024 * 1024,
    crmCacheMaxEntries: env.CRM_CACHE_MAX_ENTRIES,
    idempotencyMaxKeys: env.IDEMPOTENCY_MAX_KEYS,
    responseCacheBytes: Math.floor(env.RESPONSE_CACHE_MB * 1024 * 1024),
    responseCacheTtlMs: env.RESPONSE_CACHE_TTL_SECONDS * 1000,
  };
}
