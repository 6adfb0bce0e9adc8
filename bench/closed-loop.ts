import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * A closed-loop client: `connections` loops, each sending its next request when the previous
 * one is answered, for `seconds`. Unlike autocannon (whole-millisecond histograms) it keeps
 * every latency at sub-millisecond resolution, which a difference of a few ms needs, and it
 * keeps them per caller.
 */

export interface ClosedLoopResult {
  /** Latency of every answered request, ms, in the order they completed. */
  latenciesMs: number[];
  /** From the first request to the last answer (answers still pending at the end are waited for). */
  elapsedSeconds: number;
  ok: number;
  /** Answers other than 200, answers whose body held `errors`, and connection errors. */
  failed: number;
  /** Status codes of failed answers (0 for a connection error), with counts. */
  failures: Record<string, number>;
}

export interface ClosedLoopOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}

export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.connections });
  const result: ClosedLoopResult = { latenciesMs: [], elapsedSeconds: 0, ok: 0, failed: 0, failures: {} };
  const startedAt = performance.now();
  const endAt = startedAt + options.seconds * 1000;
  const fail = (code: string) => {
    result.failed += 1;
    result.failures[code] = (result.failures[code] ?? 0) + 1;
  };
  const loop = async () => {
    while (performance.now() < endAt) {
      const started = performance.now();
      try {
        const { statusCode, body } = await pool.request({
          path: url.pathname + url.search,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: options.body,
        });
        const text = await body.text();
        result.latenciesMs.push(performance.now() - started);
        if (statusCode !== 200) fail(String(statusCode));
        else if (text.includes('"errors"')) fail(`200 with errors: ${text.slice(0, 160)}`);
        else result.ok += 1;
      } catch {
        fail('0');
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, loop));
    result.elapsedSeconds = (performance.now() - startedAt) / 1000;
  } finally {
    await pool.close();
  }
  return result;
}

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
