import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  graphqlUrl: string;
  /** The gateway's origin, e.g. `http://127.0.0.1:40123`. */
  url: string;
  hooprUrl: string;
  hoopaiUrl: string;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** Resolves once `text` has been printed. */
  printed(text: string): Promise<void>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Runs `command args` in sandbox mode on ports picked by the OS (its own process group when
 * `groupLeader`, as a terminal runs it) and waits for its start-up banner. The caller stops it;
 * `stopAll` kills what is left after a test.
 */
export async function startGatewayProcess(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; groupLeader?: boolean } = {},
): Promise<GatewayProcess> {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOOPR_SANDBOX_PORT: '0', HOOPAI_SANDBOX_PORT: '0', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.groupLeader === true,
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const banner = await new Promise<RegExpExecArray[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} printed no banner:\n${output}`)), 60_000);
    const look = () => {
      const graphql = /GraphiQL at (http:\/\/\S+)\/graphql/.exec(output);
      const hoopr = /Hoopr sandbox\s+(http:\/\/\S+)/.exec(output);
      const hoopai = /HoopAI sandbox\s+(http:\/\/\S+)/.exec(output);
      if (graphql && hoopr && hoopai && output.includes('Control plane')) {
        clearTimeout(timer);
        resolve([graphql, hoopr, hoopai]);
      }
    };
    child.stdout!.on('data', look);
    void exited.then((code) => reject(new Error(`exited with ${code} before its banner:\n${output}`)));
  });
  const [graphql, hoopr, hoopai] = banner.map((match) => match[1]!);
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const look = () => {
        if (!output.includes(text)) return;
        child.stdout!.off('data', look);
        resolve();
      };
      child.stdout!.on('data', look);
      look();
      void exited.then(() => (output.includes(text) ? resolve() : reject(new Error(`exited without printing ${text}:\n${output}`))));
    });
  return { child, url: graphql!, graphqlUrl: `${graphql}/graphql`, hooprUrl: hoopr!, hoopaiUrl: hoopai!, output: () => output, printed, exited };
}

const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every process these helpers started that is still running, with its group. */
export function stopAll(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  }
  running.clear();
}
