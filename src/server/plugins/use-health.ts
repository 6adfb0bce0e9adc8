import type { Plugin } from 'graphql-yoga';

/** What `/readyz` reports of one dependency. */
export interface Readiness {
  name: string;
  ok: boolean;
  /** Why not ok; absent when ok. */
  reasons?: string[];
  /** Anything else an operator should see that does not make the gateway unready. */
  [detail: string]: unknown;
}

export interface ReadinessCheck {
  name: string;
  /**
   * Answers at once from state the gateway already holds; it may start background work
   * that changes a later answer, but never waits for I/O, so a slow dependency cannot flap it.
   */
  read(): Readiness;
}

export interface HealthOptions {
  checks: readonly ReadinessCheck[];
  /** True once shutdown began: not ready, whatever the checks say. */
  draining?: () => boolean;
}

/** Fresh for every answer: Response.json writes content-length into the headers object it is given. */
const noStore = () => ({ 'cache-control': 'no-store' });

/**
 * `/healthz`: the process is alive and answers (no I/O; never depends on an upstream, so a
 * liveness probe never restarts a gateway for an upstream's outage). `/readyz`: 200 when
 * every check is ok and the gateway is not shutting down; 503 naming each failing check and
 * why, so a load balancer sends requests to replicas that can serve them.
 */
export function useHealth(options: HealthOptions): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }, { headers: noStore() }));
        return;
      }
      if (url.pathname !== '/readyz') return;
      const upstreams = options.checks.map((check) => check.read());
      const shuttingDown = options.draining?.() === true;
      const ready = !shuttingDown && upstreams.every((r) => r.ok);
      const status = shuttingDown ? 'shutting down' : ready ? 'ready' : 'not ready';
      endResponse(fetchAPI.Response.json({ status, upstreams }, { status: ready ? 200 : 503, headers: noStore() }));
    },
  };
}
