import type { HooprClient } from '../hoopr/client';
import { CachedCatalog } from './cached-catalog';
import { CatalogCache, type CatalogMode } from './catalog-cache';

export { CachedCatalog, isArtistHit, isTrackHit } from './cached-catalog';
export { CatalogCache, type CatalogCacheOptions, type CatalogMode, DEFAULT_MISS_TTL_MS } from './catalog-cache';
export { signedUrlExpiresAt } from './signed-url-expiry';

/**
 * One cached catalog per Hoopr client and mode: what every request of one gateway shares.
 * Held beside the client (not in a module-wide map of keys) so two gateways in one process
 * never share entries, and a client that is dropped takes its cache with it.
 */
const catalogs = new WeakMap<HooprClient, Map<CatalogMode, CachedCatalog>>();

export function catalogFor(client: HooprClient, mode: CatalogMode): CachedCatalog {
  let byMode = catalogs.get(client);
  if (!byMode) {
    byMode = new Map();
    catalogs.set(client, byMode);
  }
  let catalog = byMode.get(mode);
  if (!catalog) {
    catalog = new CachedCatalog(client, new CatalogCache({ mode }));
    byMode.set(mode, catalog);
  }
  return catalog;
}

/** Puts `cache` behind `client` for its mode, replacing any other: to size it, or to drive its clock. */
export function installCatalogCache(client: HooprClient, cache: CatalogCache): CachedCatalog {
  const catalog = new CachedCatalog(client, cache);
  const byMode = catalogs.get(client) ?? new Map<CatalogMode, CachedCatalog>();
  byMode.set(cache.mode, catalog);
  catalogs.set(client, byMode);
  return catalog;
}
