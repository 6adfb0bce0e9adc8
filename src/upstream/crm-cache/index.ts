export { CachedCrm } from './cached-crm';
export { CrmCache, type CrmCacheOptions } from './crm-cache';
export { NewMessages } from './new-messages';
export { IdempotencyKeyReusedError, IdempotencyStore, type IdempotencyOutcome, type IdempotencyStoreOptions } from './idempotency';
export * from './records';
