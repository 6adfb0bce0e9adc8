/** bench/results/latest.md: the JSON results as the table the README links to. */

/** What one run of one side (gateway or baseline) measured. */
export interface Measurement {
  requestsPerSecond: number;
  /** CPU time the measured process spent per operation: steadier than req/s on a shared machine. */
  cpuMsPerOperation: number;
  p50Ms: number;
  p99Ms: number;
  upstreamRequestsPerOperation: number;
  failed: number;
  /** Response cache hits / lookups during the run (the gateway, warm scenarios only). */
  hitRatio?: number;
}
export interface BenchRow {
  scenario: string;
  description: string;
  upstreamLatencyMs: number;
  gateway: Measurement;
  baseline: Measurement;
  ratio: Record<'requestsPerSecond' | 'cpuMsPerOperation' | 'p50' | 'p99' | 'upstreamRequestsPerOperation', number | null>;
}
export interface BenchResults {
  machine: { nproc: number; cpu: string; node: string; date: string; connections: number; secondsPerRun: number };
  peakRssMb: { gateway: number; baseline: number; ratio: number | null };
  runs: BenchRow[];
}

const shown = (value: number | null) => (value === null ? '–' : String(value));

export function markdownReport(results: BenchResults, notes: string): string {
  const { machine, peakRssMb } = results;
  const lines = [
    '# Benchmark: gateway vs hand-written baseline',
    '',
    `${machine.date} · ${machine.nproc} CPUs (${machine.cpu}) · node ${machine.node} · ` +
      `${machine.connections} connections, ${machine.secondsPerRun} s per run, loopback · \`npm run bench\``,
    '',
    'Baseline: plain node:http + undici calling the same sandboxes (Hoopr, HoopAI) directly, serving the same JSON, no GraphQL, no cache.',
    'Ratios are gateway / baseline (req/s: higher is better for the gateway; CPU, latency and upstream calls: lower is).',
    'CPU ms/op is the CPU time (user + system, /proc) the process under test spent per operation: on a shared',
    'machine it moves far less between runs than req/s, which also depends on what the neighbours do.',
    '',
    '| scenario | upstream latency | req/s gw / base (ratio) | CPU ms/op gw / base (ratio) | p50 ms gw / base (ratio) | p99 ms gw / base (ratio) | upstream req/op gw / base | failed gw / base | response cache hit ratio |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.runs.map(
      (r) =>
        `| ${r.scenario} | ${r.upstreamLatencyMs} ms | ${r.gateway.requestsPerSecond} / ${r.baseline.requestsPerSecond} (${shown(r.ratio.requestsPerSecond)}) ` +
        `| ${r.gateway.cpuMsPerOperation} / ${r.baseline.cpuMsPerOperation} (${shown(r.ratio.cpuMsPerOperation)}) ` +
        `| ${r.gateway.p50Ms} / ${r.baseline.p50Ms} (${shown(r.ratio.p50)}) | ${r.gateway.p99Ms} / ${r.baseline.p99Ms} (${shown(r.ratio.p99)}) ` +
        `| ${r.gateway.upstreamRequestsPerOperation} / ${r.baseline.upstreamRequestsPerOperation} | ${r.gateway.failed} / ${r.baseline.failed} | ${r.gateway.hitRatio ?? '–'} |`,
    ),
    '',
    `Peak RSS (VmHWM over the whole run): gateway ${peakRssMb.gateway} MB, baseline ${peakRssMb.baseline} MB (ratio ${shown(peakRssMb.ratio)}).`,
    '',
    'Scenarios:',
    ...[...new Map(results.runs.map((r) => [r.scenario, r.description]))].map(([name, description]) => `- ${name}: ${description}`),
    '',
    notes.trim(),
    '',
  ];
  return lines.join('\n');
}
