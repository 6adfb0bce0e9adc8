export { CachedCrm } from './cached-crm';
export { CrmCache, type CrmCacheOptions } from './crm-cache';
export * from './records';
