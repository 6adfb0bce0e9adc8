import type { Logger } from 'pino';
import { type CacheSettings, DEFAULT_CACHE_SETTINGS } from './cache-settings';
import type { IdempotencySettings } from './idempotency-config';
import type { GatewayServices } from './context';
import { DEFAULT_REQUEST_LIMITS } from './request-limits';
import { createListPageLimits } from './schema/list-page-limits';
import { CachedCatalog, CatalogCache, type CatalogCacheOptions } from './upstream/catalog-cache/index';
import { CachedCrm, CrmCache, NewMessages } from './upstream/crm-cache/index';
import { followRemoteChanges } from './upstream/crm-cache/remote-changes';
import type { EventBus } from './upstream/events/event-bus';
import { LiveSubscriptions, type SubscriptionEnding } from './upstream/events/live-subscriptions';
import { type IdempotencyStore, IdempotentWrites, MemoryIdempotencyStore, RedisIdempotencyStore } from './upstream/idempotency/index';
import { MemoryEventBus } from './upstream/events/memory-event-bus';
import { RedisEventBus } from './upstream/events/redis-event-bus';
import { NO_OBSERVER, type UpstreamObserver, type Upstreams } from './upstream/index';
import type { SharedRedis } from './upstream/redis/connection';

export interface ServicesOptions {
  catalogMode: GatewayServices['catalogMode'];
  caches?: Partial<CacheSettings>;
  /** Settle time and wait of idempotent writes; defaults in src/idempotency-config.ts. */
  idempotency?: Partial<IdempotencySettings>;
  /** Epoch ms for every cache's expiry; injectable so tests can drive it. */
  clock?: () => number;
  /**
   * The shared mode: caches, idempotency keys and events are shared with the other
   * instances through this Redis. Absent: they live in the process.
   */
  shared?: SharedRedis;
  /** The catalog cache's lifetimes and margins, where a test needs others than the defaults. */
  catalogCache?: Pick<CatalogCacheOptions, 'ttlMs' | 'streamMarginMs'>;
  /** Where shared state reports trouble (Redis unreachable, a slow subscriber). */
  logger?: Logger;
  /** Told of every cache lookup and eviction (metrics). Default: `NO_OBSERVER`. */
  observer?: UpstreamObserver;
  /** Events one caller subscription may hold before it is ended as too slow (default 256). */
  subscriptionBufferEvents?: number;
  /** Told each time the gateway ends a caller subscription by itself (metrics). */
  onSubscriptionEnded?: (reason: SubscriptionEnding) => void;
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
  const events = createEventBus(options);
  // Local caches, kept in step across instances by the events of each other's writes
  // (README, "Shared mode"): a cached read costs no Redis round trip and survives Redis being down.
  const crmCache = new CrmCache({ maxEntries: caches.crmCacheMaxEntries, clock, observer });
  followRemoteChanges(crmCache, events, options.logger);
  const crm = new CachedCrm(upstreams.hoopai, crmCache, events, clock);
  const subscriptions = new LiveSubscriptions(options.subscriptionBufferEvents ?? DEFAULT_REQUEST_LIMITS.subscriptionBufferEvents, {
    onEnded: options.onSubscriptionEnded,
  });
  // Callers' subscriptions are told, by ending, when the other instances' events may have been missed.
  events.onMissedEvents(() => subscriptions.missedEvents());
  return {
    catalogMode: options.catalogMode,
    catalog: new CachedCatalog(
      upstreams.hoopr,
      new CatalogCache({ ...options.catalogCache, mode: options.catalogMode, maxSizeBytes: caches.catalogCacheBytes, clock, observer }),
      observer,
    ),
    crm,
    newMessages: new NewMessages(crm),
    idempotency: new IdempotentWrites(createIdempotencyStore(options, caches.idempotencyMaxKeys), {
      ...options.idempotency,
      clock,
      observer,
      logger: options.logger,
    }),
    pageLimits: createListPageLimits(),
    events,
    subscriptions,
  };
}

/** In shared mode over Redis, so events reach every instance; otherwise in this process. */
function createEventBus(options: ServicesOptions): EventBus {
  return options.shared ? new RedisEventBus(options.shared, { logger: options.logger }) : new MemoryEventBus({ logger: options.logger });
}

/**
 * In shared mode in Redis, so a retry on any instance finds the first attempt (and keyed
 * writes fail closed while Redis is down); otherwise in this process.
 */
function createIdempotencyStore(options: ServicesOptions, maxEntries: number): IdempotencyStore {
  return options.shared ? new RedisIdempotencyStore(options.shared) : new MemoryIdempotencyStore({ maxEntries, clock: options.clock, observer: options.observer });
}
