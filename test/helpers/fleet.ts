import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { BENCH_KEY, gatewayEnv } from '../../bench/processes';

/**
 * Real processes for the shared-mode tests: both sandboxes in one process, and gateway
 * processes in front of them as in production (upstreams by URL, a hashed API key). Every
 * process binds 127.0.0.1 port 0 and is stopped by `stop()` (or killed with the test run).
 */

const repoRoot = resolve(import.meta.dirname, '../..');

/** The API key every fleet gateway accepts (every scope, every sandbox location). */
export const FLEET_KEY = BENCH_KEY;

export interface FleetProcess {
  process: ChildProcess;
  /** What the process announced when it was ready (a URL, or the sandboxes' URLs as JSON). */
  announced: string;
  /** Lines it wrote to stderr (logs at warn and above), for assertions. */
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startProcess(script: string, env: Record<string, string>, ready: RegExp): Promise<FleetProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const announced = await new Promise<string>((resolveLine, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 60 s: ${errors}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = ready.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolveLine(match[1] ?? match[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready: ${errors}`));
    });
  });
  child.stdout!.resume();
  return {
    process: child,
    announced,
    stderr: () => errors,
    stop: (signal = 'SIGTERM') =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
        child.once('exit', (code) => done(code));
        child.kill(signal);
      }),
  };
}

export interface Sandboxes {
  hoopr: string;
  hoopai: string;
  process: FleetProcess;
}

/** Both sandboxes in one process of their own. */
export async function startSandboxes(): Promise<Sandboxes> {
  const process = await startProcess('bench/sandbox-process.ts', {}, /sandboxes (\{.*\})/);
  const urls = JSON.parse(process.announced) as { hoopr: string; hoopai: string };
  return { ...urls, process };
}

/** `count` gateway processes in front of `sandboxes`, each with `env` on top of the production-like defaults. */
export async function startGateways(count: number, sandboxes: Sandboxes, env: Record<string, string>): Promise<FleetProcess[]> {
  const base = { ...gatewayEnv(sandboxes), NODE_ENV: 'test', LOG_LEVEL: 'warn' };
  return Promise.all(Array.from({ length: count }, () => startProcess('src/server/main.ts', { ...base, ...env }, /GraphiQL at (\S+)/)));
}
