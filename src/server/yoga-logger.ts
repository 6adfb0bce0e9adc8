import type { YogaLogger } from 'graphql-yoga';
import type { Logger } from 'pino';

/** Routes yoga's console-style log calls into the structured (redacting) logger. */
export function yogaLogger(logger: Logger): YogaLogger {
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      const error = args.find((a): a is Error => a instanceof Error);
      const message = args.filter((a) => !(a instanceof Error)).map(String).join(' ');
      if (error) logger[level]({ err: error }, message || error.message);
      else logger[level](message);
    };
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}
