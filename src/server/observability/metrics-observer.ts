import {
  type BreakerState,
  type CacheName,
  CircuitOpenError,
  UpstreamBadResponseError,
  UpstreamError,
  type UpstreamName,
  type UpstreamObserver,
  type UpstreamRequestObservation,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../upstream/index';
import type { GatewayMetrics } from './gateway-metrics';

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];
const NO_HEADERS = Object.freeze({});

/** What the upstream layer and the caches report, counted in the gateway's metrics. */
export function metricsObserver(metrics: GatewayMetrics): UpstreamObserver {
  // Cache lookups are the hottest events (several per resolved field): their series are bound once.
  const lookups = new Map<string, { inc(): void }>();
  const lookupSeries = (cache: CacheName, hit: boolean) => {
    const key = `${cache}:${hit}`;
    let series = lookups.get(key);
    if (!series) {
      series = metrics.cacheLookups.labels({ cache, result: hit ? 'hit' : 'miss' });
      lookups.set(key, series);
    }
    return series;
  };

  return {
    requestStarted({ upstream, route }): UpstreamRequestObservation {
      const started = performance.now();
      return {
        headers: NO_HEADERS,
        finished(status, error) {
          metrics.upstreamRequests.inc({ upstream, route, status: statusLabel(status, error) });
          metrics.upstreamDuration.observe({ upstream, route }, (performance.now() - started) / 1000);
          if (status === 429) metrics.upstreamThrottled.inc({ upstream, route });
        },
      };
    },
    retryScheduled(upstream, route, code) {
      metrics.upstreamRetries.inc({ upstream, route, code });
    },
    rateLimited(upstream, wait) {
      metrics.rateLimitWaits.observe({ upstream, outcome: wait.outcome }, wait.waitedMs / 1000);
      if (wait.outcome === 'refused') metrics.rateLimitRefusals.inc({ upstream, reason: wait.reason });
    },
    tokenRequested(upstream, kind, outcome) {
      metrics.tokenRequests.inc({ upstream, kind, outcome });
    },
    breakerChanged(upstream: UpstreamName, state) {
      for (const each of BREAKER_STATES) metrics.breakerState.set({ upstream, state: each }, each === state ? 1 : 0);
      if (state === 'open') metrics.breakerOpened.inc({ upstream });
    },
    cacheLookup(cache, hit) {
      lookupSeries(cache, hit).inc();
    },
    cacheEvicted(cache, reason) {
      metrics.cacheEvictions.inc({ cache, reason });
    },
    idempotentWrite(mutation, outcome) {
      metrics.idempotentWrites.inc({ mutation, outcome });
    },
  };
}

/** The upstream's status when it answered; else what became of the request. */
function statusLabel(status: number | undefined, error: unknown): string {
  if (status !== undefined) return String(status);
  if (error instanceof CircuitOpenError) return 'circuit_open';
  if (error instanceof UpstreamTimeoutError) return 'timeout';
  if (error instanceof UpstreamUnavailableError) return 'connection_error';
  if (error instanceof UpstreamBadResponseError) return 'bad_response';
  // Anything else that stops a send is the caller's abort (its reason, whatever it is).
  return error instanceof UpstreamError ? 'error' : 'cancelled';
}
