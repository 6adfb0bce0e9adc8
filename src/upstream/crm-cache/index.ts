import type { HoopaiClient } from '../hoopai/client';
import { CachedCrm } from './cached-crm';
import { CrmCache } from './crm-cache';
import { IdempotencyStore } from './idempotency';

export { CachedCrm } from './cached-crm';
export { CrmCache, type CrmCacheOptions } from './crm-cache';
export { IdempotencyKeyReusedError, IdempotencyStore, type IdempotencyOutcome } from './idempotency';
export * from './records';

/**
 * One cached CRM per HoopAI client: what every request of one gateway shares. Held beside
 * the client so two gateways in one process never share entries.
 */
const crms = new WeakMap<HoopaiClient, CachedCrm>();
const idempotency = new WeakMap<HoopaiClient, IdempotencyStore>();

export function crmFor(client: HoopaiClient): CachedCrm {
  let crm = crms.get(client);
  if (!crm) {
    crm = new CachedCrm(client, new CrmCache());
    crms.set(client, crm);
  }
  return crm;
}

/** The idempotency keys of the CRM writes made through one HoopAI client. */
export function idempotencyFor(client: HoopaiClient): IdempotencyStore {
  let store = idempotency.get(client);
  if (!store) {
    store = new IdempotencyStore();
    idempotency.set(client, store);
  }
  return store;
}
