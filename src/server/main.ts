import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { describeSandboxes } from '../sandbox/describe';
import { startGateway } from './start';

/**
 * `npm start`. With no upstream configured it runs both sandboxes too, so a fresh clone
 * answers queries at once. Bad configuration → one readable message and exit code 1.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      console.error('See the configuration table in README.md.');
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const gateway = await startGateway(config, logger);

  const sandboxText = describeSandboxes({ hoopr: gateway.sandboxes.hoopr?.url, hoopai: gateway.sandboxes.hoopai?.url });
  const banner = [`\nHoop gateway ready: GraphiQL at ${gateway.graphqlUrl}`];
  if (sandboxText) banner.push(`\nSandbox mode. Caller key: Bearer sandbox-dev-key (pre-filled in GraphiQL)\n${sandboxText}\n`);
  // One write, so whoever reads our stdout sees the URL and the credentials together.
  process.stdout.write(`${banner.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') {
    console.error(`Cannot start: ${err.message}. Another process uses that port; set PORT (or HOOPR_SANDBOX_PORT / HOOPAI_SANDBOX_PORT).`);
  } else {
    console.error(`Cannot start: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
});
