import type { ChartSpec } from './curves-chart';

/** The shapes bench/curves.ts writes to curves.json, and their tables and charts. */

export interface PointMeasurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerOperation: number;
  upstreamRequestsPerOperation: number;
  failed: number;
}

export interface CurvePoint {
  /** Which curve the point belongs to: connections varied (50 tracks) or page size varied. */
  curve: 'connections' | 'pageSize';
  first: number;
  connections: number;
  gateway: PointMeasurement;
  baseline: PointMeasurement;
}

export interface InboxCaller { caller: string; ok: number; failed: number; p50Ms: number; p99Ms: number; maxMs: number }

export interface InboxRun {
  /** From the first request to the last answer: requests still waiting at the end are answered. */
  seconds: number;
  ok: number;
  failed: number;
  failures: Record<string, number>;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  upstreamCalls: number;
  upstream429s: number;
  callers: InboxCaller[];
}

export interface CurvesResults {
  machine: Record<string, string | number>;
  upstreamLatencyMs: number;
  pageSizeConnections: number;
  points: CurvePoint[];
  addedLatency: {
    upstreamLatencyMs: number;
    connections: number;
    first: number;
    gateway: { requests: number; p50Ms: number; p99Ms: number };
    baseline: { requests: number; p50Ms: number; p99Ms: number };
    addedP50Ms: number;
    goalMs: number;
  };
  inbox: {
    upstreamLatencyMs: number;
    limitPer10s: number;
    callers: number;
    connectionsPerCaller: number;
    first: number;
    gateway: InboxRun;
    baseline: InboxRun;
  };
}

const GATEWAY_COLOR = '#1f77b4';
const BASELINE_COLOR = '#ff7f0e';
const P50_COLOR = '#2ca02c';
const P99_COLOR = '#d62728';

const pointsOf = (results: CurvesResults, curve: CurvePoint['curve']) => results.points.filter((p) => p.curve === curve);

function pointTable(points: CurvePoint[], key: 'connections' | 'first', heading: string): string {
  const rows = points.map((p) => {
    const g = p.gateway;
    const b = p.baseline;
    return `| ${p[key]} | ${g.requestsPerSecond} / ${b.requestsPerSecond} | ${g.p50Ms} / ${b.p50Ms} | ${g.p99Ms} / ${b.p99Ms} | ${g.cpuMsPerOperation} / ${b.cpuMsPerOperation} | ${g.upstreamRequestsPerOperation} / ${b.upstreamRequestsPerOperation} | ${g.failed} / ${b.failed} |`;
  });
  return [
    `| ${heading} | req/s | p50 ms | p99 ms | CPU ms/op | upstream calls/op | failed |`,
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function callerTable(run: InboxRun): string {
  return [
    '| caller | answered | failed | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|',
    ...run.callers.map((c) => `| ${c.caller} | ${c.ok} | ${c.failed} | ${c.p50Ms} | ${c.p99Ms} | ${c.maxMs} |`),
  ].join('\n');
}

/** The tables of curves.md: every cell "gateway / baseline". */
export function curvesMarkdown(results: CurvesResults): string {
  const { addedLatency: added, inbox, machine } = results;
  const failures = (run: InboxRun) => (run.failed ? ` (${Object.entries(run.failures).map(([code, n]) => `${n}× ${code}`).join(', ')})` : '');
  return [
    '# Scaling curves and added latency',
    '',
    `Gateway (compiled, \`NODE_ENV=production\`) and the hand-written baseline (node:http + undici), in turns in one run, ` +
      `against the sandboxes at ${results.upstreamLatencyMs} ms injected upstream latency, all on loopback on one machine ` +
      `(${machine.nproc} shared CPUs, ${machine.cpu}, node ${machine.node}; load average ${machine.loadAverage1mBefore} before, ` +
      `${machine.loadAverage1mAfter} after; the load generator shares the CPUs). ${machine.secondsPerPoint} s per point, ` +
      `${machine.date}. Every cell: **gateway / baseline**. \`npm run bench:curves\` writes this file.`,
    '',
    '## Catalog page (50 tracks) against connections',
    '',
    pointTable(pointsOf(results, 'connections'), 'connections', 'connections'),
    '',
    `## Catalog page against page size (${results.pageSizeConnections} connections)`,
    '',
    'Hoopr serves at most 50 items a page (`pageSize` is clamped to 50 upstream), so 100 tracks are two upstream pages for both sides.',
    '',
    pointTable(pointsOf(results, 'pageSize'), 'first', 'tracks'),
    '',
    '## Added latency',
    '',
    `One connection, catalog page (50 tracks), ${added.upstreamLatencyMs} ms upstream latency; gateway and baseline in alternating turns, ` +
      `latencies timed per request (sub-millisecond).`,
    '',
    '| | requests | p50 ms | p99 ms |',
    '|---|---|---|---|',
    `| gateway | ${added.gateway.requests} | ${added.gateway.p50Ms} | ${added.gateway.p99Ms} |`,
    `| baseline | ${added.baseline.requests} | ${added.baseline.p50Ms} | ${added.baseline.p99Ms} |`,
    '',
    `**Added p50: ${added.addedP50Ms} ms** (goal ≤ ${added.goalMs} ms${added.addedP50Ms <= added.goalMs ? ': met' : ': not met, see bench/NOTES.md'}).`,
    '',
    '## Inbox at the HoopAI rate limit',
    '',
    `${inbox.callers} callers (own API keys) × ${inbox.connectionsPerCaller} connections, each asking for the inbox of one location ` +
      `(${inbox.first} conversations with contact and last 5 messages), the sandbox and the gateway both at HoopAI's ${inbox.limitPer10s} requests ` +
      `per 10 s, ${inbox.upstreamLatencyMs} ms upstream latency.`,
    '',
    '| | seconds | answered | failed | answered/s | p50 ms (every answer) | p99 ms (every answer) | upstream calls | upstream 429s |',
    '|---|---|---|---|---|---|---|---|---|',
    ...(['gateway', 'baseline'] as const).map((side) => {
      const run = inbox[side];
      return `| ${side} | ${run.seconds} | ${run.ok} | ${run.failed}${failures(run)} | ${run.requestsPerSecond} | ${run.p50Ms} | ${run.p99Ms} | ${run.upstreamCalls} | ${run.upstream429s} |`;
    }),
    '',
    'The gateway\'s limiter holds 100 slots per location per 10 s interval and queues the calls beyond them, first come, first served. ' +
      'The first 100 calls go out at once; a call arriving once they are spent waits for a slot to free, up to one interval (the p99 near 10 s), ' +
      'within the gateway\'s request deadline (`REQUEST_TIMEOUT_MS`, 15 s), so none fails. The baseline has no limiter: ' +
      'HoopAI answers its surplus with 429 and it fails those requests (its latencies are mostly fast failures).',
    '',
    'Waits per caller, gateway (fairness: the callers share the location\'s budget, first come, first served):',
    '',
    callerTable(inbox.gateway),
    '',
  ].join('\n');
}

/** The six charts of curves.png. */
export function curvesCharts(results: CurvesResults): { title: string; subtitle: string; charts: ChartSpec[]; columns: number } {
  const byConnections = pointsOf(results, 'connections');
  const byPageSize = pointsOf(results, 'pageSize');
  const sides = (points: CurvePoint[], metric: 'requestsPerSecond' | 'p99Ms') => [
    { name: 'gateway', color: GATEWAY_COLOR, values: points.map((p) => p.gateway[metric]) },
    { name: 'baseline (node:http + undici)', color: BASELINE_COLOR, values: points.map((p) => p.baseline[metric]) },
  ];
  const { addedLatency: added, inbox } = results;
  const charts: ChartSpec[] = [
    { kind: 'line', title: 'Catalog page (50 tracks): throughput', xLabel: 'connections', yLabel: 'requests per second', categories: byConnections.map((p) => String(p.connections)), series: sides(byConnections, 'requestsPerSecond') },
    { kind: 'line', title: 'Catalog page (50 tracks): p99 latency', xLabel: 'connections', yLabel: 'p99 latency (ms)', categories: byConnections.map((p) => String(p.connections)), series: sides(byConnections, 'p99Ms') },
    {
      kind: 'bars',
      title: `Added latency, 1 connection: +${added.addedP50Ms} ms at p50`,
      xLabel: 'catalog page, 50 tracks',
      yLabel: 'latency (ms)',
      categories: ['gateway', 'baseline'],
      series: [
        { name: 'p50', color: P50_COLOR, values: [added.gateway.p50Ms, added.baseline.p50Ms] },
        { name: 'p99', color: P99_COLOR, values: [added.gateway.p99Ms, added.baseline.p99Ms] },
      ],
    },
    { kind: 'line', title: `Throughput by page size (${results.pageSizeConnections} connections)`, xLabel: 'tracks per page (100 = two upstream pages)', yLabel: 'requests per second', categories: byPageSize.map((p) => String(p.first)), series: sides(byPageSize, 'requestsPerSecond') },
    { kind: 'line', title: `p99 by page size (${results.pageSizeConnections} connections)`, xLabel: 'tracks per page (100 = two upstream pages)', yLabel: 'p99 latency (ms)', categories: byPageSize.map((p) => String(p.first)), series: sides(byPageSize, 'p99Ms') },
    {
      kind: 'bars',
      title: `Inbox at ${inbox.limitPer10s} req/10 s: wait per caller`,
      xLabel: `gateway callers (${inbox.gateway.failed} failed; baseline: ${inbox.baseline.failed} failed)`,
      yLabel: 'latency (ms)',
      categories: inbox.gateway.callers.map((c) => c.caller),
      series: [
        { name: 'p50', color: P50_COLOR, values: inbox.gateway.callers.map((c) => c.p50Ms) },
        { name: 'p99', color: P99_COLOR, values: inbox.gateway.callers.map((c) => c.p99Ms) },
      ],
    },
  ];
  const { machine } = results;
  return {
    title: 'Hoop gateway vs hand-written baseline: scaling curves',
    subtitle: `${results.upstreamLatencyMs} ms upstream latency, loopback, ${machine.nproc} shared CPUs (load generator included), ${machine.secondsPerPoint} s per point, ${String(machine.date).slice(0, 10)}`,
    charts,
    columns: 3,
  };
}
