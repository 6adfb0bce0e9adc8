import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SCOPES } from '../src/auth/viewer';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';

/** Child processes of a benchmark run: node itself (not npm/npx), so the pid is the one measured. */

const repoRoot = resolve(import.meta.dirname, '..');
export const BENCH_KEY = 'bench-caller-key';

export interface Child {
  process: ChildProcess;
  /** What the child printed on the line it announced itself with. */
  announced: string;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** CPU time used so far (user + system, all threads), in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * The gateway as production runs it: compiled (`npm run build` writes it), on plain node, with
 * the node flags of `npm run start:prod` (read from package.json, so a benchmark measures the
 * heap settings production uses).
 */
export const COMPILED_GATEWAY = startProdCommand();

function startProdCommand(): { script: string; nodeArgs: string[] } {
  const scripts = (JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = scripts['start:prod']!.split(/\s+/);
  const script = args.pop();
  if (command !== 'node' || !script?.endsWith('.js')) throw new Error(`start:prod is not "node [flags] <script>.js": ${scripts['start:prod']}`);
  return { script, nodeArgs: args };
}

/**
 * Starts `node <script>` (a `.ts` script through tsx's loader, compiled JavaScript as it is)
 * and waits for a stdout line matching `ready`.
 */
export async function startChild(script: string, env: Record<string, string>, ready: RegExp, extraNodeArgs: string[] = []): Promise<Child> {
  if (!existsSync(resolve(repoRoot, script))) throw new Error(`${script} does not exist: run \`npm run build\` first`);
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...extraNodeArgs, ...loader, script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const announced = await new Promise<string>((resolveLine, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 30 s`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = ready.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolveLine(match[1] ?? match[0]);
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  child.stdout!.resume();
  return {
    process: child,
    announced,
    peakRssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
      return Math.round(kb / 102.4) / 10;
    },
    cpuMs() {
      // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux); the
      // command name (field 2) may hold spaces, so count from the closing parenthesis.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** The gateway as in production: pointed at the upstreams by URL, callers by hashed API key. */
export function gatewayEnv(upstreams: { hoopr: string; hoopai: string }): Record<string, string> {
  const locations = SANDBOX_LOCATIONS.map((location) => location.id);
  return {
    // As deployed: graphql's development-mode type checks (instanceOf) cost ~4% of the CPU.
    NODE_ENV: 'production',
    PORT: '0',
    // /metrics on a port the OS picks: several gateways run side by side.
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    HOOPR_BASE_URL: upstreams.hoopr,
    HOOPR_CLIENT_ID: 'sandbox-client',
    HOOPR_CLIENT_SECRET: 'hpr_test_sandbox_secret',
    HOOPAI_BASE_URL: upstreams.hoopai,
    // The benchmark lifts the sandbox's burst limit; lift the gateway's own the same way.
    HOOPAI_RATE_LIMIT_PER_10S: '1000000',
    HOOPAI_RATE_LIMIT_DAILY: '100000000',
    // One benchmark key sends thousands of requests a minute: lift its budget of upstream calls.
    CALLER_UPSTREAM_CALLS_PER_MINUTE: '100000000',
    // The benchmarks send one document again and again: with the response cache they would
    // measure hits. Off, they measure the work of a miss; warm scenarios turn it on.
    RESPONSE_CACHE_MB: 'off',
    HOOPAI_PRIVATE_INTEGRATION_KEYS: locations.map((id) => `${id}:${privateIntegrationKey(id)}`).join(','),
    API_KEYS: JSON.stringify([
      { name: 'bench', sha256: createHash('sha256').update(BENCH_KEY).digest('hex'), scopes: [...SCOPES], locations },
    ]),
  };
}
