import { z } from 'zod';

/** The sizes of what the gateway keeps across requests, from the environment. */
export interface CacheSettings {
  /** Bytes the shared catalog cache may hold (entities and remembered misses). */
  catalogCacheBytes: number;
  /** Contacts and conversations the CRM cache may hold, all locations together. */
  crmCacheMaxEntries: number;
  /** Idempotency keys remembered (24 h each). */
  idempotencyMaxKeys: number;
}

export const DEFAULT_CACHE_SETTINGS: CacheSettings = {
  catalogCacheBytes: 32 * 1024 * 1024,
  crmCacheMaxEntries: 20_000,
  idempotencyMaxKeys: 50_000,
};

const positiveInt = (fallback: number) => z.coerce.number().int('a whole number').positive('a positive whole number').default(fallback);

export const cacheSettingsEnvShape = {
  CATALOG_CACHE_MB: positiveInt(DEFAULT_CACHE_SETTINGS.catalogCacheBytes / (1024 * 1024)),
  CRM_CACHE_MAX_ENTRIES: positiveInt(DEFAULT_CACHE_SETTINGS.crmCacheMaxEntries),
  IDEMPOTENCY_MAX_KEYS: positiveInt(DEFAULT_CACHE_SETTINGS.idempotencyMaxKeys),
};

type CacheSettingsEnv = z.infer<z.ZodObject<typeof cacheSettingsEnvShape>>;

export function buildCacheSettings(env: CacheSettingsEnv): CacheSettings {
  return {
    catalogCacheBytes: env.CATALOG_CACHE_MB * 1024 * 1024,
    crmCacheMaxEntries: env.CRM_CACHE_MAX_ENTRIES,
    idempotencyMaxKeys: env.IDEMPOTENCY_MAX_KEYS,
  };
}
