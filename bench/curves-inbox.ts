import { createHash } from 'node:crypto';
import { SCOPES } from '../src/auth/viewer';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { percentile, runClosedLoop } from './closed-loop';
import type { CurvesResults, InboxCaller } from './curves-report';
import { operationCalls, sandboxCall, stats, type Upstreams } from './curves-sandbox';
import { COMPILED_GATEWAY, type Child, gatewayEnv, startChild } from './processes';
import { SCENARIOS } from './scenarios';

/**
 * The inbox at HoopAI's real rate limit (100 requests per 10 s per location), set in the
 * sandbox and in a gateway of its own: several callers with their own API keys share one
 * location's budget. The gateway queues calls beyond it; the baseline has no limiter.
 */

const INBOX_CALLERS = 4;
const INBOX_CONNECTIONS_PER_CALLER = 2;
/** 5 conversations: ~6 upstream calls per inbox, so a 20 s run answers a few dozen. */
const INBOX_FIRST = 5;
const HOOPAI_LIMIT_PER_10S = 100;

const callerKey = (i: number) => `curves-caller-${i}`;

/** The inbox with every caller at HoopAI's real budget: the gateway queues, the baseline has no queue. */
export async function inboxAtRateLimit(upstreams: Upstreams, baseline: Child, options: { upstreamLatencyMs: number; seconds: number }): Promise<CurvesResults['inbox']> {
  const locationId = SANDBOX_LOCATIONS[0]!.id;
  const locations = SANDBOX_LOCATIONS.map((l) => l.id);
  const gateway = await startChild(
    COMPILED_GATEWAY.script,
    {
      ...gatewayEnv(upstreams),
      HOOPAI_RATE_LIMIT_PER_10S: String(HOOPAI_LIMIT_PER_10S),
      API_KEYS: JSON.stringify(
        Array.from({ length: INBOX_CALLERS }, (_, i) => ({
          name: `caller-${i}`,
          sha256: createHash('sha256').update(callerKey(i)).digest('hex'),
          scopes: [...SCOPES],
          locations,
        })),
      ),
    },
    /GraphiQL at (\S+)/,
    COMPILED_GATEWAY.nodeArgs,
  );
  const inboxScenario = SCENARIOS.find((s) => s.name === 'inbox')!;
  const run = async (side: 'gateway' | 'baseline', seconds: number) => {
    await sandboxCall(upstreams.hoopai, '/__sandbox/reset', {});
    await sandboxCall(upstreams.hoopai, '/__sandbox/faults', { latencyMs: options.upstreamLatencyMs, rateLimitPer10s: HOOPAI_LIMIT_PER_10S });
    const runs = await Promise.all(
      Array.from({ length: INBOX_CALLERS }, (_, i) =>
        runClosedLoop({
          connections: INBOX_CONNECTIONS_PER_CALLER,
          seconds,
          ...(side === 'gateway'
            ? {
                url: gateway.announced,
                body: JSON.stringify({ ...inboxScenario.gateway, variables: { locationId, first: INBOX_FIRST } }),
                headers: { authorization: `Bearer ${callerKey(i)}`, accept: 'application/json' },
              }
            : { url: `${baseline.announced}${inboxScenario.baseline.path}`, body: JSON.stringify({ locationId, first: INBOX_FIRST }), headers: {} }),
        }),
      ),
    );
    const upstream = await stats(upstreams.hoopai);
    const all = runs.flatMap((r) => r.latenciesMs);
    const round = (ms: number) => Math.round(ms);
    const callers: InboxCaller[] = runs.map((r, i) => ({
      caller: `caller-${i}`,
      ok: r.ok,
      failed: r.failed,
      p50Ms: round(percentile(r.latenciesMs, 50)),
      p99Ms: round(percentile(r.latenciesMs, 99)),
      maxMs: round(Math.max(...r.latenciesMs)),
    }));
    const ok = runs.reduce((sum, r) => sum + r.ok, 0);
    const elapsedSeconds = Math.max(...runs.map((r) => r.elapsedSeconds));
    const failures: Record<string, number> = {};
    for (const r of runs) for (const [code, n] of Object.entries(r.failures)) failures[code] = (failures[code] ?? 0) + n;
    return {
      seconds: Math.round(elapsedSeconds * 10) / 10,
      ok,
      failed: runs.reduce((sum, r) => sum + r.failed, 0),
      failures,
      requestsPerSecond: Math.round((ok / elapsedSeconds) * 100) / 100,
      p50Ms: round(percentile(all, 50)),
      p99Ms: round(percentile(all, 99)),
      upstreamCalls: operationCalls(upstream),
      upstream429s: upstream.rateLimited,
      callers,
    };
  };
  try {
    const gatewayRun = await run('gateway', options.seconds);
    console.log(JSON.stringify(gatewayRun));
    // The baseline has no rate limiter: a few seconds show what it does at the limit.
    const baselineRun = await run('baseline', Math.min(options.seconds, 12));
    console.log(JSON.stringify(baselineRun));
    return {
      upstreamLatencyMs: options.upstreamLatencyMs,
      limitPer10s: HOOPAI_LIMIT_PER_10S,
      callers: INBOX_CALLERS,
      connectionsPerCaller: INBOX_CONNECTIONS_PER_CALLER,
      first: INBOX_FIRST,
      gateway: gatewayRun,
      baseline: baselineRun,
    };
  } finally {
    await gateway.stop();
  }
}
