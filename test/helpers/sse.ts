import { request as httpRequest, type IncomingMessage } from 'node:http';

/** One event of a GraphQL-over-SSE stream as it came over the wire. */
export interface SseEvent {
  /** `next` or `complete`. */
  event: string;
  /** The `data:` payload, parsed when it is JSON (`next`), else the raw text (`complete`: ''). */
  data: any;
}

export interface SseSubscription {
  /** The HTTP answer (status, headers), once it arrived. */
  response: IncomingMessage;
  /** Every event received so far, in order. */
  events: SseEvent[];
  /** Every SSE comment received so far (yoga's keep-alive pings are empty ones). */
  comments: string[];
  /** Resolves with the `index`-th event (0-based) once it arrived; rejects when the stream ends first or after `timeoutMs`. */
  event(index: number, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server has ended the stream. */
  ended: Promise<void>;
  /** Stops reading from the socket (the kernel buffers fill, then the server's writes wait). */
  pause(): void;
  resume(): void;
  /** The client goes away. */
  close(): void;
}

/**
 * A subscription over GraphQL over SSE (`accept: text/event-stream`), on a real socket,
 * parsed from the raw HTTP stream: what curl or a browser would receive.
 */
export async function subscribeSse(
  url: string,
  query: string,
  options: { key?: string; variables?: Record<string, unknown>; method?: 'GET' | 'POST' } = {},
): Promise<SseSubscription> {
  const method = options.method ?? 'POST';
  const target = new URL(url);
  const body = JSON.stringify({ query, variables: options.variables });
  if (method === 'GET') {
    target.searchParams.set('query', query);
    if (options.variables) target.searchParams.set('variables', JSON.stringify(options.variables));
  }
  const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${options.key ?? 'sandbox-dev-key'}` };
  if (method === 'POST') headers['content-type'] = 'application/json';

  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };

  return new Promise<SseSubscription>((resolve, reject) => {
    const req = httpRequest(target, { method, headers }, (response) => {
      let buffered = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffered += chunk;
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          parseBlock(block, events, comments);
        }
        wake();
      });
      const ended = new Promise<void>((done) =>
        response.once('close', () => {
          finished = true;
          wake();
          done();
        }),
      );
      resolve({
        response,
        events,
        comments,
        ended,
        event(index, timeoutMs = 10_000) {
          return new Promise<SseEvent>((found, failed) => {
            const timer = setTimeout(() => {
              waiters.delete(look);
              failed(new Error(`no event #${index} within ${timeoutMs} ms; received: ${JSON.stringify(events)}`));
            }, timeoutMs);
            const look = () => {
              if (events[index]) {
                clearTimeout(timer);
                waiters.delete(look);
                found(events[index]!);
              } else if (finished) {
                clearTimeout(timer);
                waiters.delete(look);
                failed(new Error(`the stream ended after ${events.length} events: ${JSON.stringify(events)}`));
              }
            };
            waiters.add(look);
            look();
          });
        },
        pause: () => response.pause(),
        resume: () => response.resume(),
        close: () => req.destroy(),
      });
    });
    req.on('error', (error) => (finished ? undefined : reject(error)));
    req.end(method === 'POST' ? body : undefined);
  });
}

function parseBlock(block: string, events: SseEvent[], comments: string[]): void {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim());
    else if (line.startsWith('event:')) event = line.slice('event:'.length).trim();
    else if (line.startsWith('data:')) data.push(line.slice('data:'.length).replace(/^ /, ''));
  }
  if (event === undefined && data.length === 0) return;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = text === '' ? '' : JSON.parse(text);
  } catch {
    // Not JSON: kept as text.
  }
  events.push({ event: event ?? 'message', data: parsed });
}
