import type { Viewer } from './auth/viewer';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-limits';
import { type CallOptions, RequestCallMeter, type Upstreams } from './upstream/index';

/** What the gateway knows at start-up and shares with every request (never per-caller data). */
export interface GatewayServices {
  /** `test` or `live`, from the Hoopr credentials; the catalog cache is split by it. */
  catalogMode: 'test' | 'live';
  /** Display names of HoopAI locations where known (the sandbox knows all of its own). */
  locationNames: Readonly<Record<string, string>>;
  /** The upstream clients: tokens, rate limits, retries and caches live behind them. */
  upstreams: Upstreams;
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
