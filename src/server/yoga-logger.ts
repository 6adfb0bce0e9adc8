import type { YogaLogger } from 'graphql-yoga';
import type { Logger } from 'pino';

/**
 * Routes yoga's console-style log calls into the structured (redacting) logger.
 *
 * A request the client abandoned fails every field still waiting on an upstream with the
 * abort; yoga would log each as an unexpected error with its stack (a thousand lines for a
 * deep query). Those are dropped here: the request's one line comes from useRequestAbortLog.
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      const error = args.find((a): a is Error => a instanceof Error);
      if (error && isAbort(error)) return;
      const message = args.filter((a) => !(a instanceof Error)).map(String).join(' ');
      if (error) logger[level]({ err: error }, message || error.message);
      else logger[level](message);
    };
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}

/** An abort of the client's request, however deep it is wrapped (GraphQLError.originalError, cause). */
function isAbort(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error.name === 'AbortError') return true;
  const wrapped = (error as { originalError?: unknown }).originalError ?? error.cause;
  return isAbort(wrapped, depth + 1);
}
