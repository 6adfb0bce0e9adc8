export { CachedCatalog, isArtistHit, isTrackHit } from './cached-catalog';
export { CatalogCache, type CatalogCacheOptions, type CatalogMode, DEFAULT_MISS_TTL_MS } from './catalog-cache';
export { signedUrlExpiresAt } from './signed-url-expiry';
