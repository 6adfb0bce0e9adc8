import type { UpstreamHealth } from '../upstream/index';
import type { ReadinessCheck } from './plugins/use-health';

/**
 * Readiness of an upstream = its circuit is closed and tokens can be had (src/upstream/health.ts).
 * Each read also lets the upstream layer probe an open circuit whose cool-down has passed,
 * in the background: the answer after next reflects it.
 */
export function upstreamReadiness(health: UpstreamHealth): ReadinessCheck {
  return {
    name: health.upstream,
    read() {
      health.recover();
      const { ready, reasons, failingLocations } = health.view();
      return { name: health.upstream, ok: ready, ...(ready ? {} : { reasons }), ...(failingLocations ? { failingLocations } : {}) };
    },
  };
}
