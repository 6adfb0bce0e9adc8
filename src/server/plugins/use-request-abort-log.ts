import { AsyncResource } from 'node:async_hooks';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Context } from '../../context';

/**
 * One log line per request the client abandoned while it ran (its upstream calls stop at
 * once: every call passes the request's signal), with what it had spent by then.
 */
export function useRequestAbortLog(logger: Logger | undefined): Plugin {
  return {
    onExecute({ args }) {
      const ctx = args.contextValue as unknown as Context;
      const signal = ctx.upstreamCall?.signal;
      if (!logger || !signal || signal.aborted) return;
      // Bound to the request's context: the abort is dispatched from the socket's, and the line must carry the request's id.
      const onAbort = AsyncResource.bind(() => {
        const metered = ctx.upstreamCall.meter.snapshot();
        logger.info(
          {
            caller: ctx.viewer.name,
            operationName: args.operationName ?? undefined,
            upstreamCalls: metered.calls.hoopr + metered.calls.hoopai,
          },
          'request abandoned by the client; its remaining upstream work was cancelled',
        );
      });
      signal.addEventListener('abort', onAbort, { once: true });
      return {
        onExecuteDone() {
          signal.removeEventListener('abort', onAbort);
        },
      };
    },
  };
}
