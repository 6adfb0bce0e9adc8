export { CachedCrm } from './cached-crm';
export { CrmCache, type CrmCacheOptions } from './crm-cache';
export { NewMessages } from './new-messages';
export * from './records';
