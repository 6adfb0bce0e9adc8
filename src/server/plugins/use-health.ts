import type { Plugin } from 'graphql-yoga';

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (with a message safe to show) when not. */
  check(signal: AbortSignal): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;

/**
 * `/healthz`: the process is alive (no I/O). `/readyz`: every upstream answers within 2 s;
 * 503 with the failing names otherwise, so a load balancer stops routing here.
 */
export function useHealth(checks: readonly ReadinessCheck[]): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } }));
        return;
      }
      if (url.pathname !== '/readyz') return;
      const results = await Promise.all(
        checks.map(async ({ name, check }) => {
          try {
            await check(AbortSignal.timeout(READINESS_TIMEOUT_MS));
            return { name, ok: true as const };
          } catch (error) {
            return { name, ok: false as const, error: error instanceof Error ? error.message : 'unreachable' };
          }
        }),
      );
      const ready = results.every((r) => r.ok);
      endResponse(
        fetchAPI.Response.json(
          { status: ready ? 'ready' : 'not ready', upstreams: results },
          { status: ready ? 200 : 503, headers: { 'cache-control': 'no-store' } },
        ),
      );
    },
  };
}
