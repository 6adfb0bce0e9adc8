import type { Viewer } from './auth/viewer';
import type { Upstreams } from './upstream/index';

/** What the gateway knows at start-up and shares with every request (never per-caller data). */
export interface GatewayServices {
  /** `test` or `live`, from the Hoopr credentials; the catalog cache is split by it. */
  catalogMode: 'test' | 'live';
  /** Display names of HoopAI locations where known (the sandbox knows all of its own). */
  locationNames: Readonly<Record<string, string>>;
  /** The upstream clients: tokens, rate limits, retries and caches live behind them. */
  upstreams: Upstreams;
}

/** A fresh context per GraphQL request. Holds the caller and request-scoped state; fetches nothing. */
export interface Context {
  viewer: Viewer;
  services: GatewayServices;
  /** Aborted when the client goes away; passed to every upstream call. */
  signal: AbortSignal;
}

export function createContext(viewer: Viewer, services: GatewayServices, signal: AbortSignal): Context {
  return { viewer, services, signal };
}
