import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/**
 * `npm run cluster`: the shared mode on one machine. Starts both sandboxes once (ports 4010
 * and 4020, or `HOOPR_SANDBOX_PORT`/`HOOPAI_SANDBOX_PORT`), then `INSTANCES` gateways
 * (default 3) on consecutive ports from `PORT` (4000, 4001, 4002), all in sandbox mode in
 * front of those sandboxes and sharing `REDIS_URL` (default redis://127.0.0.1:6379), so the
 * sandbox caller keys work on every instance. Ctrl-C (or SIGTERM) stops them all: the
 * gateways drain first, then the sandboxes.
 */

const repoRoot = resolve(import.meta.dirname, '../..');

function integerFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
    process.exit(1);
  }
  return value;
}

const instances = integerFromEnv('INSTANCES', 3, 1, 32);
const firstPort = integerFromEnv('PORT', 4000, 1, 65535 - instances);
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
// One key for this cluster's gateways, so they share (sealed) tokens: TOKEN_STORE_KEY, else one made for this run.
const tokenStoreKey = process.env.TOKEN_STORE_KEY || randomBytes(32).toString('base64');

/** Starts `node --import tsx <script>` (not through npm or tsx's CLI, so signals reach node itself). */
function start(name: string, script: string, env: Record<string, string>, ready: RegExp): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: Ctrl-C in this terminal reaches this process only, which then
    // stops the children in order (gateways drain before their sandboxes go away).
    detached: true,
  });
  children.push(child);
  return new Promise((resolveStart, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (!match) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolveStart(match);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
  });
}

const children: ChildProcess[] = [];

async function stopAll(signal: NodeJS.Signals): Promise<void> {
  const gateways = children.slice(1);
  await Promise.all(gateways.map((child) => stopChild(child, signal)));
  if (children[0]) await stopChild(children[0], 'SIGTERM');
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}

async function main(): Promise<void> {
  // Sandboxes first: the gateways are pointed at them.
  // HoopAI's webhooks go to the first instance, as a load balancer would pick one; the others follow its events.
  const webhookUrl = process.env.HOOPAI_SANDBOX_WEBHOOK_URL || `http://127.0.0.1:${firstPort}/webhooks/hoopai`;
  const [, hooprUrl, hoopaiUrl] = await start('sandboxes', 'src/sandbox/main.ts', { HOOPAI_SANDBOX_WEBHOOK_URL: webhookUrl }, /Hoopr sandbox\s+(\S+)[\s\S]*HoopAI sandbox\s+(\S+)/);
  const gateways = await Promise.all(
    Array.from({ length: instances }, (_, index) =>
      start(`gateway ${index + 1}`, 'src/server/main.ts', {
        PORT: String(firstPort + index),
        HOOPR_SANDBOX_URL: hooprUrl!,
        HOOPAI_SANDBOX_URL: hoopaiUrl!,
        REDIS_URL: redisUrl,
        TOKEN_STORE_KEY: tokenStoreKey,
      }, /GraphiQL at (\S+)/),
    ),
  );
  const lines = [
    `\nHoop gateway cluster: ${instances} instances sharing ${redisUrl.replace(/\/\/[^@/]*@/, '//***@')}`,
    ...gateways.map(([, url], index) => `  instance ${index + 1}  GraphiQL at ${url}`),
    `Sandboxes: Hoopr ${hooprUrl}, HoopAI ${hoopaiUrl} (its webhooks to ${webhookUrl})`,
    'Caller key on every instance: Bearer sandbox-dev-key. Ctrl-C stops them all.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the gateways (they finish what is in flight), then the sandboxes`);
    stopAll('SIGTERM').then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch(async (error: unknown) => {
  console.error(`Cannot start the cluster: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll('SIGTERM');
  process.exit(1);
});
