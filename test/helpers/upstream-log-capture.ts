import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger, SecretRegistry } from '../../src/logger';

/** A logger at its most verbose level whose every output line is kept for inspection. */
export interface CapturedLogger {
  logger: Logger;
  secrets: SecretRegistry;
  /** Everything written so far, exactly as it would reach stdout. */
  text(): string;
  lines(): Record<string, unknown>[];
}

export function captureLogger(level = 'trace'): CapturedLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const secrets = new SecretRegistry();
  const logger = createLogger({ level, destination, secrets });
  return {
    logger,
    secrets,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
