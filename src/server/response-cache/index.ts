export { isCatalogOnlyQuery } from './catalog-only';
export { type CachedAnswer, ResponseCache, type ResponseCacheOptions, STREAM_URL_MARGIN_MS } from './response-cache';
