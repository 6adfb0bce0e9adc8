import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../errors';
import type { Drain } from '../drain';

/**
 * The last events of a stream cut by a shutdown: an SSE comment saying why (for a raw
 * reader), a `next` event whose error has the code SHUTTING_DOWN (what a GraphQL client's
 * subscription sees), then GraphQL over SSE's `complete`, so a client knows the operation
 * ended and subscribes again (through the load balancer: another replica).
 */
const SHUTDOWN_ERROR = { message: 'The gateway is shutting down; subscribe again.', extensions: { code: ErrorCode.SHUTTING_DOWN } };
const SHUTDOWN_EVENT = `: the gateway is shutting down; subscribe again\n\nevent: next\ndata: ${JSON.stringify({ errors: [SHUTDOWN_ERROR] })}\n\nevent: complete\ndata:\n\n`;

/**
 * While draining: every answer carries `Connection: close` (a kept-alive client opens its
 * next request elsewhere), and event streams end at once with SHUTDOWN_EVENT instead of
 * holding the drain until its deadline.
 */
export function useDrain(drain: Drain): Plugin {
  return {
    onResponse({ response, setResponse, fetchAPI }) {
      if (response.headers.get('content-type')?.startsWith('text/event-stream') && response.body) {
        const headers = new fetchAPI.Headers(response.headers);
        if (drain.draining) headers.set('connection', 'close');
        const body = endedByDrain(response.body, drain) as unknown as BodyInit;
        setResponse(new fetchAPI.Response(body, { status: response.status, statusText: response.statusText, headers }));
        return;
      }
      if (drain.draining) response.headers.set('connection', 'close');
    },
  };
}

/** The stream's chunks until it ends by itself, or until the drain begins: then SHUTDOWN_EVENT, and the source is cancelled. */
async function* endedByDrain(source: ReadableStream<Uint8Array>, drain: Drain): AsyncGenerator<Uint8Array> {
  const reader = source.getReader();
  let forget: () => void = () => undefined;
  const drained = new Promise<'drained'>((resolve) => (forget = drain.onBegin(() => resolve('drained'))));
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), drained]);
      if (next === 'drained') {
        yield new TextEncoder().encode(SHUTDOWN_EVENT);
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    forget();
    // Drained, or the client went away: yoga returns the operation's iterator. Not awaited:
    // the answer ends now, whatever the operation takes to let go.
    reader.cancel('the stream ended').catch(() => undefined);
  }
}
