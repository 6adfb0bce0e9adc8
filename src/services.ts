import { type CacheSettings, DEFAULT_CACHE_SETTINGS } from './cache-settings';
import type { GatewayServices } from './context';
import { createListPageLimits } from './schema/list-page-limits';
import { CachedCatalog, CatalogCache, type CatalogCacheOptions } from './upstream/catalog-cache/index';
import { CachedCrm, CrmCache, IdempotencyStore } from './upstream/crm-cache/index';
import { NO_OBSERVER, type UpstreamObserver, type Upstreams } from './upstream/index';

export interface ServicesOptions {
  catalogMode: GatewayServices['catalogMode'];
  locationNames?: GatewayServices['locationNames'];
  caches?: Partial<CacheSettings>;
  /** Epoch ms for every cache's expiry; injectable so tests can drive it. */
  clock?: () => number;
  /** The catalog cache's lifetimes and margins, where a test needs others than the defaults. */
  catalogCache?: Pick<CatalogCacheOptions, 'ttlMs' | 'streamMarginMs'>;
  /** Told of every cache lookup and eviction (metrics). Default: `NO_OBSERVER`. */
  observer?: UpstreamObserver;
}

/**
 * The composition root of what requests share: every cache, store and learned limit is
 * built here, once, from config, and handed to the schema through the context. No module
 * keeps a registry of its own; a test builds the services it needs the same way.
 */
export function createServices(upstreams: Pick<Upstreams, 'hoopr' | 'hoopai'>, options: ServicesOptions): GatewayServices {
  const caches = { ...DEFAULT_CACHE_SETTINGS, ...options.caches };
  const clock = options.clock;
  const observer = options.observer ?? NO_OBSERVER;
  return {
    catalogMode: options.catalogMode,
    locationNames: options.locationNames ?? {},
    catalog: new CachedCatalog(
      upstreams.hoopr,
      new CatalogCache({ ...options.catalogCache, mode: options.catalogMode, maxSizeBytes: caches.catalogCacheBytes, clock, observer }),
      observer,
    ),
    crm: new CachedCrm(upstreams.hoopai, new CrmCache({ maxEntries: caches.crmCacheMaxEntries, clock, observer })),
    idempotency: new IdempotencyStore({ maxEntries: caches.idempotencyMaxKeys, clock, observer }),
    pageLimits: createListPageLimits(),
  };
}
