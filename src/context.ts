import { contextCacheSymbol } from '@pothos/core';
import type { Viewer } from './auth/viewer';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-limits';
import type { ListPageLimits } from './schema/list-page-limits';
import type { CachedCatalog } from './upstream/catalog-cache/index';
import type { CachedCrm, NewMessages } from './upstream/crm-cache/index';
import type { EventBus } from './upstream/events/event-bus';
import type { LiveSubscriptions } from './upstream/events/live-subscriptions';
import type { IdempotentWrites } from './upstream/idempotency/index';
import { type CallOptions, RequestCallMeter } from './upstream/index';

/**
 * What every request shares, built once by the composition root (src/services.ts) from
 * config: the two doors to the upstreams and the state behind them. Resolvers reach Hoopr
 * only through `catalog` and HoopAI only through `crm`; nothing here is per caller.
 */
export interface GatewayServices {
  /** `test` or `live`, from the Hoopr credentials; the catalog cache holds one of them. */
  catalogMode: 'test' | 'live';
  /** The Hoopr catalog through its shared cache. */
  catalog: CachedCatalog;
  /** HoopAI through its per-location cache. */
  crm: CachedCrm;
  /** Messages just announced, read once for every subscription that delivers them. */
  newMessages: NewMessages;
  /** CRM writes at most once per idempotency key (records in the process, or in Redis in shared mode). */
  idempotency: IdempotentWrites;
  /** What each paged upstream list serves, learned once and shared. */
  pageLimits: ListPageLimits;
  /** Changes to HoopAI data, by location topic, between the instances and to subscribers. */
  events: EventBus;
  /** The callers' open subscriptions and the bound on what each may hold. */
  subscriptions: LiveSubscriptions;
}

/** The upstream side of one GraphQL request: every upstream call it makes passes these on. */
export interface RequestUpstreamCall extends CallOptions {
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Epoch ms: the request's one deadline, shared by all of its upstream calls. */
  deadline: number;
  /** Counts the request's upstream calls and refuses any beyond its limit. */
  meter: RequestCallMeter;
  /**
   * The answer is complete: work still pending for this request (a sibling of a field whose
   * error ended execution early, a loader batch not yet sent) never reaches an upstream for
   * an answer nobody will read.
   */
  finish(): void;
}

/** A fresh context per GraphQL request. Holds the caller and request-scoped state; fetches nothing. */
export interface Context {
  viewer: Viewer;
  services: GatewayServices;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Pass to every upstream call: the client's signal, the request's deadline and call meter. */
  upstreamCall: RequestUpstreamCall;
}

export function createContext(viewer: Viewer, services: GatewayServices, upstreamCall: RequestUpstreamCall): Context {
  return { viewer, services, signal: upstreamCall.signal, upstreamCall };
}

/**
 * The context one event of a subscription resolves in: the caller and services of the
 * subscription, with loaders, a deadline and a call meter of its own. Each event is read
 * fresh (the previous event's loaders would serve what it has just changed), within
 * `requestTimeoutMs` and `maxUpstreamCalls` like a request of its own.
 */
export function contextForEvent<C extends Context>(subscription: C, limits: Pick<RequestLimits, 'requestTimeoutMs' | 'maxUpstreamCalls'>): C {
  const upstreamCall = requestUpstreamCall(subscription.signal, limits);
  // A new object: request-scoped caches (the loaders) are keyed by the context's identity.
  const { [contextCacheSymbol]: _shared, ...rest } = subscription as C & { [contextCacheSymbol]?: unknown };
  return { ...(rest as unknown as C), upstreamCall, signal: upstreamCall.signal };
}

/** The upstream side of a request that starts now: its deadline and a fresh call meter. */
export function requestUpstreamCall(
  signal: AbortSignal,
  limits: Pick<RequestLimits, 'requestTimeoutMs' | 'maxUpstreamCalls'> = DEFAULT_REQUEST_LIMITS,
): RequestUpstreamCall {
  const meter = new RequestCallMeter(limits.maxUpstreamCalls);
  // No combined AbortSignal for "answered": the meter refuses any later send instead, which
  // costs nothing per request (AbortSignal.any and its DOMException were 5% of a catalog page).
  return {
    signal,
    deadline: Date.now() + limits.requestTimeoutMs,
    meter,
    finish: () => meter.close(),
  };
}
