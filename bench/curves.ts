import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { percentile, runClosedLoop } from './closed-loop';
import { gridSvg } from './curves-chart';
import { inboxAtRateLimit } from './curves-inbox';
import { curvesCharts, curvesMarkdown, type CurvePoint, type CurvesResults } from './curves-report';
import { operationCalls, sandboxCall, stats, type Upstreams } from './curves-sandbox';
import { BENCH_KEY, type Child, COMPILED_GATEWAY, gatewayEnv, startChild } from './processes';
import { SCENARIOS } from './scenarios';
import { svgToPng } from './svg-to-png';

/**
 * `npm run bench:curves`: how the gateway and the hand-written baseline scale, in one run, on
 * loopback, against the sandboxes at 20 ms injected upstream latency:
 *
 * 1. the catalog page (50 tracks) at 1, 8, 32 and 128 connections: req/s and p99;
 * 2. the catalog page at 10, 50 and 100 tracks (8 connections). Hoopr serves at most 50 items
 *    a page, so 100 tracks are two upstream pages for both sides;
 * 3. added latency: one connection, gateway p50 minus baseline p50 on the catalog page,
 *    measured in alternating turns with sub-millisecond timing;
 * 4. the inbox at HoopAI's real rate limit (100 requests per 10 s per location, in the
 *    sandbox and in the gateway): 4 callers with 2 connections each, the waits per caller.
 *
 * Writes bench/results/curves.json, curves.md, curves.svg and curves.png (through headless
 * chromium). CURVES_SECONDS (default 4) is the length of one point; the inbox phase runs
 * CURVES_INBOX_SECONDS (default 20), long enough to spend the first 10 s budget and queue.
 */

const SECONDS = Number(process.env.CURVES_SECONDS ?? 4);
const INBOX_SECONDS = Number(process.env.CURVES_INBOX_SECONDS ?? 20);
const LATENCY_MS = 20;
const CONNECTIONS = [1, 8, 32, 128];
const PAGE_SIZES = [10, 50, 100];
const PAGE_SIZE_CONNECTIONS = 8;
const resultsDir = resolve(import.meta.dirname, 'results');

interface Target { url: string; body: string; headers: Record<string, string> }

const catalog = SCENARIOS.find((s) => s.name === 'catalog page')!;
function catalogTargets(first: number, gatewayUrl: string, baselineUrl: string): { gateway: Target; baseline: Target } {
  return {
    gateway: {
      url: gatewayUrl,
      body: JSON.stringify({ ...catalog.gateway, variables: { ...catalog.gateway.variables, first } }),
      headers: { authorization: `Bearer ${BENCH_KEY}`, accept: 'application/json' },
    },
    baseline: { url: `${baselineUrl}${catalog.baseline.path}`, body: JSON.stringify({ ...catalog.baseline.body, first }), headers: {} },
  };
}

/** One request first, twice (the gateway compiles a document on its second run): a broken target stops the run. */
async function checkTarget(target: Target): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const response = await fetch(target.url, { method: 'POST', body: target.body, headers: { 'content-type': 'application/json', ...target.headers } });
    const text = await response.text();
    if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${target.url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  }
}

async function autocannonPoint(server: Child, hooprUrl: string, target: Target, connections: number, seconds: number) {
  const before = operationCalls(await stats(hooprUrl));
  const cpuBefore = server.cpuMs();
  const result = await autocannon({ url: target.url, method: 'POST', connections, duration: seconds, body: target.body, headers: { 'content-type': 'application/json', ...target.headers } });
  const cpuMs = server.cpuMs() - cpuBefore;
  const calls = operationCalls(await stats(hooprUrl)) - before;
  const operations = result.requests.total;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMsPerOperation: operations ? Math.round((cpuMs / operations) * 100) / 100 : 0,
    upstreamRequestsPerOperation: operations ? Math.round((calls / operations) * 100) / 100 : 0,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

async function catalogCurves(gateway: Child, baseline: Child, upstreams: Upstreams) {
  await sandboxCall(upstreams.hoopr, '/__sandbox/reset', {});
  await sandboxCall(upstreams.hoopr, '/__sandbox/faults', { latencyMs: LATENCY_MS });
  const points: CurvePoint[] = [];
  const measurePoint = async (curve: CurvePoint['curve'], first: number, connections: number) => {
    const targets = catalogTargets(first, gateway.announced, baseline.announced);
    for (const target of Object.values(targets)) await checkTarget(target);
    const point: CurvePoint = {
      curve,
      first,
      connections,
      gateway: await autocannonPoint(gateway, upstreams.hoopr, targets.gateway, connections, SECONDS),
      baseline: await autocannonPoint(baseline, upstreams.hoopr, targets.baseline, connections, SECONDS),
    };
    console.log(JSON.stringify(point));
    points.push(point);
  };
  // A short warm-up of both sides (JIT, connection pools), not recorded.
  const warm = catalogTargets(50, gateway.announced, baseline.announced);
  for (const target of Object.values(warm)) await checkTarget(target);
  await autocannon({ url: warm.gateway.url, method: 'POST', connections: 8, duration: 2, body: warm.gateway.body, headers: { 'content-type': 'application/json', ...warm.gateway.headers } });
  await autocannon({ url: warm.baseline.url, method: 'POST', connections: 8, duration: 2, body: warm.baseline.body, headers: { 'content-type': 'application/json' } });
  for (const connections of CONNECTIONS) await measurePoint('connections', 50, connections);
  for (const first of PAGE_SIZES) await measurePoint('pageSize', first, PAGE_SIZE_CONNECTIONS);
  return points;
}

/** Gateway and baseline in alternating turns (ABAB…), one connection each, so drift in the machine's load hits both. */
async function addedLatency(gateway: Child, baseline: Child, upstreams: Upstreams) {
  await sandboxCall(upstreams.hoopr, '/__sandbox/reset', {});
  await sandboxCall(upstreams.hoopr, '/__sandbox/faults', { latencyMs: LATENCY_MS });
  const targets = catalogTargets(50, gateway.announced, baseline.announced);
  const samples = { gateway: [] as number[], baseline: [] as number[] };
  const turns = 4;
  for (let turn = 0; turn < turns; turn++) {
    for (const side of ['gateway', 'baseline'] as const) {
      const run = await runClosedLoop({ ...targets[side], connections: 1, seconds: SECONDS / 2 });
      if (run.failed) throw new Error(`added latency, ${side}: ${run.failed} failed ${JSON.stringify(run.failures)}`);
      samples[side].push(...run.latenciesMs);
    }
  }
  const round = (ms: number) => Math.round(ms * 100) / 100;
  const summary = (values: number[]) => ({ requests: values.length, p50Ms: round(percentile(values, 50)), p99Ms: round(percentile(values, 99)) });
  const gatewaySummary = summary(samples.gateway);
  const baselineSummary = summary(samples.baseline);
  const result = {
    upstreamLatencyMs: LATENCY_MS,
    connections: 1,
    first: 50,
    gateway: gatewaySummary,
    baseline: baselineSummary,
    addedP50Ms: round(gatewaySummary.p50Ms - baselineSummary.p50Ms),
    goalMs: 2,
  };
  console.log(JSON.stringify(result));
  return result;
}

async function main(): Promise<void> {
  const sandbox = await startChild('bench/sandbox-process.ts', {}, /sandboxes (\{.*\})/);
  const upstreams = JSON.parse(sandbox.announced) as Upstreams;
  const baseline = await startChild(
    'bench/baseline.ts',
    { HOOPR_BASE_URL: upstreams.hoopr, HOOPR_CLIENT_ID: 'sandbox-client', HOOPR_CLIENT_SECRET: 'hpr_test_sandbox_secret', HOOPAI_BASE_URL: upstreams.hoopai },
    /listening on (\S+)/,
  );
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  try {
    const gateway = await startChild(COMPILED_GATEWAY.script, gatewayEnv(upstreams), /GraphiQL at (\S+)/, COMPILED_GATEWAY.nodeArgs);
    let points: CurvePoint[];
    let added: Awaited<ReturnType<typeof addedLatency>>;
    try {
      points = await catalogCurves(gateway, baseline, upstreams);
      added = await addedLatency(gateway, baseline, upstreams);
    } finally {
      await gateway.stop();
    }
    const inbox = await inboxAtRateLimit(upstreams, baseline, { upstreamLatencyMs: LATENCY_MS, seconds: INBOX_SECONDS });
    const results: CurvesResults = {
      machine: {
        nproc: Number(execSync('nproc').toString().trim()),
        cpu: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        date: new Date().toISOString(),
        loadAverage1mBefore: Math.round(loadBefore * 100) / 100,
        loadAverage1mAfter: Math.round(loadavg()[0]! * 100) / 100,
        secondsPerPoint: SECONDS,
        totalSeconds: Math.round((Date.now() - started) / 1000),
      },
      upstreamLatencyMs: LATENCY_MS,
      pageSizeConnections: PAGE_SIZE_CONNECTIONS,
      points,
      addedLatency: added,
      inbox,
    };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(resolve(resultsDir, 'curves.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(resolve(resultsDir, 'curves.md'), curvesMarkdown(results));
    const chart = curvesCharts(results);
    const picture = gridSvg(chart.title, chart.subtitle, chart.charts, chart.columns);
    writeFileSync(resolve(resultsDir, 'curves.svg'), picture.svg);
    await svgToPng(picture.svg, resolve(resultsDir, 'curves.png'), picture);
    console.log(`wrote bench/results/curves.{json,md,svg,png} in ${results.machine.totalSeconds} s`);
  } finally {
    await baseline.stop();
    await sandbox.stop();
  }
}

await main();
