export { IdempotencyInProgressError, IdempotencyKeyReusedError, IdempotencyUnavailableError } from './errors';
export { IdempotentWrites, type IdempotentOutcome, type IdempotentWritesOptions, type KeyedWrite } from './idempotent-writes';
export { MemoryIdempotencyStore, type MemoryIdempotencyStoreOptions } from './memory-store';
export type { IdempotencyRecord, IdempotencyScope, IdempotencyStore } from './records';
export { RedisIdempotencyStore } from './redis-store';
