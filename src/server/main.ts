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

  // Every SIGINT and SIGTERM is handled, not just the first: Ctrl-C under `npm start` reaches
  // this process twice (the terminal signals the whole process group, and npm passes its own
  // on), and a signal with no listener left would kill the process mid-drain.
  let stopping: { signal: string; deadline: number } | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(
        { signal, inFlight: gateway.inFlight(), drainEndsAt: new Date(stopping.deadline).toISOString() },
        'already shutting down: this signal does not cut the drain short; requests in flight finish or are cut at the drain deadline (SIGKILL stops at once)',
      );
      return;
    }
    stopping = { signal, deadline: Date.now() + config.shutdownDrainMs };
    logger.info(
      { signal, inFlight: gateway.inFlight(), drainMs: config.shutdownDrainMs },
      'shutting down: /readyz answers 503, no new connections, in-flight requests finish',
    );
    gateway.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
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
