import { describe, expect, it } from 'vitest';
import { type CurvePoint, type CurvesResults, type InboxRun, curvesCharts, curvesMarkdown } from '../bench/curves-report';

const measurement = (requestsPerSecond: number, p99Ms: number) => ({ requestsPerSecond, p50Ms: p99Ms / 2, p99Ms, cpuMsPerOperation: 1, upstreamRequestsPerOperation: 1, failed: 0 });
const point = (curve: CurvePoint['curve'], first: number, connections: number, rps: number): CurvePoint => ({
  curve, first, connections, gateway: measurement(rps, 40), baseline: measurement(rps * 2, 20),
});
const inboxRun = (failed: number): InboxRun => ({
  seconds: 20, ok: 30, failed, failures: failed ? { '500': failed } : {}, requestsPerSecond: 1.5, p50Ms: 500, p99Ms: 9_000,
  upstreamCalls: 200, upstream429s: failed,
  callers: [
    { caller: 'caller-0', ok: 15, failed: 0, p50Ms: 480, p99Ms: 9_000, maxMs: 9_100 },
    { caller: 'caller-1', ok: 15, failed: 0, p50Ms: 520, p99Ms: 8_900, maxMs: 9_000 },
  ],
});
const results = (addedP50Ms: number): CurvesResults => ({
  machine: { nproc: 2, cpu: 'test cpu', node: 'v20', date: '2026-01-01T00:00:00.000Z', loadAverage1mBefore: 1, loadAverage1mAfter: 1, secondsPerPoint: 4, totalSeconds: 100 },
  upstreamLatencyMs: 20,
  pageSizeConnections: 8,
  points: [point('connections', 50, 1, 40), point('connections', 50, 8, 160), point('pageSize', 10, 8, 250), point('pageSize', 100, 8, 130)],
  addedLatency: { upstreamLatencyMs: 20, connections: 1, first: 50, gateway: { requests: 300, p50Ms: 24 + addedP50Ms, p99Ms: 40 }, baseline: { requests: 320, p50Ms: 24, p99Ms: 30 }, addedP50Ms, goalMs: 2 },
  inbox: { upstreamLatencyMs: 20, limitPer10s: 100, callers: 2, connectionsPerCaller: 2, first: 5, gateway: inboxRun(0), baseline: inboxRun(700) },
});

describe('bench curves: report', () => {
  it('puts each curve in its own table, gateway / baseline in every cell', () => {
    const markdown = curvesMarkdown(results(1.5));
    expect(markdown).toContain('| 8 | 160 / 320 | 20 / 10 | 40 / 20 | 1 / 1 | 1 / 1 | 0 / 0 |');
    expect(markdown).toContain('| 100 | 130 / 260 |');
    expect(markdown).toContain('two upstream pages');
    expect(markdown).toContain('| caller-1 | 15 | 0 | 520 | 8900 | 9000 |');
    expect(markdown).toContain('| baseline | 20 | 30 | 700 (700× 500) |');
  });

  it('says whether the added-latency goal was met', () => {
    expect(curvesMarkdown(results(1.5))).toContain('**Added p50: 1.5 ms** (goal ≤ 2 ms: met)');
    expect(curvesMarkdown(results(3.8))).toContain('**Added p50: 3.8 ms** (goal ≤ 2 ms: not met, see bench/NOTES.md)');
  });

  it('charts both curves against their own x values, and the waits per caller', () => {
    const { charts } = curvesCharts(results(3.8));
    expect(charts).toHaveLength(6);
    expect(charts[0]!.categories).toEqual(['1', '8']);
    expect(charts[0]!.series.map((s) => s.values)).toEqual([[40, 160], [80, 320]]);
    expect(charts[3]!.categories).toEqual(['10', '100']);
    expect(charts[2]!.title).toContain('+3.8 ms');
    expect(charts[5]!.categories).toEqual(['caller-0', 'caller-1']);
    expect(charts[5]!.series.map((s) => s.values)).toEqual([[480, 520], [9_000, 8_900]]);
  });
});
