import { execSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { BENCH_KEY, type Child, COMPILED_GATEWAY, gatewayEnv, startChild } from './processes';
import { type BenchResults, type BenchRow, type Measurement, markdownReport } from './report';
import { SCENARIOS, type Scenario } from './scenarios';

/**
 * `npm run bench`: each scenario against the compiled gateway (dist/, built first) and the
 * hand-written baseline, with the sandbox's injected upstream latency at 20 ms and at 0, all
 * on loopback in one run. Writes
 * bench/results/latest.json and latest.md (with bench/NOTES.md, the profiling notes, appended).
 * BENCH_SECONDS / BENCH_CONNECTIONS override the defaults; BENCH_CPU_PROF=1 also writes CPU
 * profiles of the gateway (main and worker threads) to bench/results/*.cpuprofile.
 * BENCH_SCENARIOS (names, comma-separated) and BENCH_LATENCIES (ms, comma-separated) narrow
 * a run, e.g. for profiling one scenario; a narrowed run does not overwrite the results.
 * BENCH_NODE_FLAGS (space-separated) adds node flags to the gateways' (those of start:prod),
 * e.g. the heap settings of the README's "Memory"; such a run does not overwrite them either.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const LATENCIES_MS = listFromEnv('BENCH_LATENCIES')?.map(Number) ?? [20, 0];
const SCENARIO_NAMES = listFromEnv('BENCH_SCENARIOS');
const EXTRA_NODE_FLAGS = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
const NARROWED = SCENARIO_NAMES !== undefined || process.env.BENCH_LATENCIES !== undefined || EXTRA_NODE_FLAGS.length > 0;
const resultsDir = resolve(import.meta.dirname, 'results');

async function sandboxCall(hooprUrl: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${hooprUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

/** Upstream calls other than token grants: the cost of the operations themselves. */
async function upstreamCalls(sandboxUrl: string): Promise<number> {
  const stats = (await sandboxCall(sandboxUrl, '/__sandbox/stats')) as { requests: Record<string, number> };
  return Object.entries(stats.requests).reduce((sum, [route, n]) => (route === 'POST /v1/auth/token' ? sum : sum + n), 0);
}

async function measure(server: Child, hooprUrl: string, url: string, body: string, headers: Record<string, string>): Promise<Measurement> {
  const before = await upstreamCalls(hooprUrl);
  const cpuBefore = server.cpuMs();
  const result = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: SECONDS, body, headers: { 'content-type': 'application/json', ...headers } });
  const cpuMs = server.cpuMs() - cpuBefore;
  const calls = (await upstreamCalls(hooprUrl)) - before;
  const operations = result.requests.total;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    cpuMsPerOperation: operations ? Math.round((cpuMs / operations) * 100) / 100 : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    upstreamRequestsPerOperation: operations ? Math.round((calls / operations) * 100) / 100 : 0,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** One request first: a failing scenario should stop the run, not produce a table of errors. */
async function checkOnce(url: string, body: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const json = (await response.json()) as { errors?: unknown };
  if (response.status !== 200 || json.errors) throw new Error(`${url}: HTTP ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
}

const ratio = (gateway: number, baseline: number) => (baseline ? Math.round((gateway / baseline) * 100) / 100 : null);

async function main(): Promise<void> {
  const sandbox = await startChild('bench/sandbox-process.ts', {}, /sandboxes (\{.*\})/);
  const upstreams = JSON.parse(sandbox.announced) as { hoopr: string; hoopai: string };
  const extraNodeArgs = [...EXTRA_NODE_FLAGS, ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR ?? resultsDir}`] : [])];
  // The compiled build (`npm run bench` builds it first), so peak memory is what production uses.
  const selected = SCENARIOS.filter((s) => !SCENARIO_NAMES || SCENARIO_NAMES.includes(s.name));
  // Cold scenarios measure a miss's work: no response cache there (gatewayEnv turns it off).
  const gateway = await startChild(COMPILED_GATEWAY.script, gatewayEnv(upstreams), /GraphiQL at (\S+)/, [...COMPILED_GATEWAY.nodeArgs, ...extraNodeArgs]);
  // Warm scenarios: a second gateway, response cache at its default size, /metrics on its own port for the hit ratio.
  const warmGateway = selected.some((s) => s.warm)
    ? await startChild(COMPILED_GATEWAY.script, { ...gatewayEnv(upstreams), RESPONSE_CACHE_MB: '16', METRICS_PORT: 'off', METRICS_ON_GATEWAY_PORT: 'on' }, /GraphiQL at (\S+)/, [...COMPILED_GATEWAY.nodeArgs, ...extraNodeArgs])
    : undefined;
  const baseline = await startChild(
    'bench/baseline.ts',
    {
      HOOPR_BASE_URL: upstreams.hoopr,
      HOOPR_CLIENT_ID: 'sandbox-client',
      HOOPR_CLIENT_SECRET: 'hpr_test_sandbox_secret',
      HOOPAI_BASE_URL: upstreams.hoopai,
    },
    /listening on (\S+)/,
  );
  const rows: BenchRow[] = [];
  try {
    for (const scenario of selected) {
      const server = scenario.warm ? warmGateway! : gateway;
      for (const latencyMs of LATENCIES_MS) {
        const upstreamUrl = upstreams[scenario.upstream];
        // A fresh budget per run, and no burst limit: the benchmark measures the gateway, not
        // HoopAI's 100 per 10 s (which both sides would otherwise hit within a second).
        await sandboxCall(upstreamUrl, '/__sandbox/reset', {});
        await sandboxCall(upstreamUrl, '/__sandbox/faults', { latencyMs, ...(scenario.upstream === 'hoopai' ? { rateLimitPer10s: 1_000_000 } : {}) });
        const targets = targetsFor(scenario, server.announced, baseline.announced);
        for (const target of Object.values(targets)) await checkOnce(target.url, target.body, target.headers);
        const lookupsBefore = scenario.warm ? await responseCacheLookups(server.announced) : undefined;
        const gatewayResult = await measure(server, upstreamUrl, targets.gateway.url, targets.gateway.body, targets.gateway.headers);
        if (lookupsBefore) {
          const lookups = await responseCacheLookups(server.announced);
          const hits = lookups.hit - lookupsBefore.hit;
          const all = hits + lookups.miss - lookupsBefore.miss;
          gatewayResult.hitRatio = all ? Math.round((hits / all) * 1000) / 1000 : 0;
        }
        const baselineResult = await measure(baseline, upstreamUrl, targets.baseline.url, targets.baseline.body, targets.baseline.headers);
        const row: BenchRow = {
          scenario: scenario.name,
          description: scenario.description,
          upstreamLatencyMs: latencyMs,
          gateway: gatewayResult,
          baseline: baselineResult,
          ratio: {
            requestsPerSecond: ratio(gatewayResult.requestsPerSecond, baselineResult.requestsPerSecond),
            cpuMsPerOperation: ratio(gatewayResult.cpuMsPerOperation, baselineResult.cpuMsPerOperation),
            p50: ratio(gatewayResult.p50Ms, baselineResult.p50Ms),
            p99: ratio(gatewayResult.p99Ms, baselineResult.p99Ms),
            upstreamRequestsPerOperation: ratio(gatewayResult.upstreamRequestsPerOperation, baselineResult.upstreamRequestsPerOperation),
          },
        };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
    const peakRssMb = { gateway: gateway.peakRssMb(), baseline: baseline.peakRssMb(), ratio: ratio(gateway.peakRssMb(), baseline.peakRssMb()) };
    const machine = {
      nproc: Number(execSync('nproc').toString().trim()),
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      date: new Date().toISOString(),
      connections: CONNECTIONS,
      secondsPerRun: SECONDS,
    };
    if (NARROWED) {
      console.log('narrowed run: results not written', peakRssMb, warmGateway ? { warmGatewayPeakRssMb: warmGateway.peakRssMb() } : {});
      return;
    }
    mkdirSync(resultsDir, { recursive: true });
    const results: BenchResults = { machine, peakRssMb, runs: rows };
    writeFileSync(resolve(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    const notesFile = resolve(import.meta.dirname, 'NOTES.md');
    writeFileSync(resolve(resultsDir, 'latest.md'), markdownReport(results, existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : ''));
    console.log(`wrote ${resolve(resultsDir, 'latest.json')}`, peakRssMb);
  } finally {
    await Promise.allSettled([gateway.stop(), baseline.stop(), warmGateway?.stop()]);
    await sandbox.stop();
  }
}

function targetsFor(scenario: Scenario, gatewayGraphqlUrl: string, baselineUrl: string) {
  return {
    gateway: {
      url: gatewayGraphqlUrl,
      body: JSON.stringify(scenario.gateway),
      headers: { authorization: `Bearer ${BENCH_KEY}`, accept: 'application/json' },
    },
    baseline: { url: `${baselineUrl}${scenario.baseline.path}`, body: JSON.stringify(scenario.baseline.body), headers: {} },
  };
}

/** The response cache's lookups so far, from the gateway's /metrics (served on its own port here). */
async function responseCacheLookups(graphqlUrl: string): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(new URL('/metrics', graphqlUrl))).text();
  const count = (result: string) => {
    const line = text.split('\n').find((each) => each.startsWith(`gateway_cache_lookups_total{cache="response",result="${result}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  return { hit: count('hit'), miss: count('miss') };
}

function listFromEnv(name: string): string[] | undefined {
  const value = process.env[name];
  return value ? value.split(',').map((item) => item.trim()) : undefined;
}

await main();
