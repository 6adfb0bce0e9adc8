import { describeSandboxes } from './describe';
import { startHoopaiSandbox } from './hoopai/index';
import { startHooprSandbox } from './hoopr/index';

/**
 * `npm run sandbox`: both upstream emulators on their well-known ports, without the gateway
 * (for trying the upstream APIs with curl, or pointing another gateway at them).
 */
function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name}: expected a port from 0 to 65535, got "${raw}"`);
    process.exit(1);
  }
  return port;
}

async function main(): Promise<void> {
  const host = process.env.SANDBOX_HOST || '127.0.0.1';
  const hoopr = await startHooprSandbox({ port: portFromEnv('HOOPR_SANDBOX_PORT', 4010), host });
  const hoopai = await startHoopaiSandbox({
    port: portFromEnv('HOOPAI_SANDBOX_PORT', 4020),
    host,
    webhookUrl: process.env.HOOPAI_SANDBOX_WEBHOOK_URL || undefined,
  });
  console.log(describeSandboxes({ hoopr: hoopr.url, hoopai: hoopai.url }));
  console.log('\nWebhook public keys: GET', `${hoopai.url}/__sandbox/webhook-keys`);

  const stop = async () => {
    await Promise.allSettled([hoopr.close(), hoopai.close()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(code === 'EADDRINUSE' ? `sandbox: ${String((error as Error).message)} (is another sandbox running?)` : `sandbox failed to start: ${String(error)}`);
  process.exit(1);
});
