import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { CallScope } from './call-scope';
import {
  UpstreamBadResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  upstreamLabel,
  type UpstreamName,
} from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Path and query string, prefix included. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when the body was empty or not JSON (`bodyIsJson` false). */
  body: unknown;
  bodyIsJson: boolean;
}

/** Connection failures that happen before a single byte of the request is written. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * One HTTP exchange: sends the request on the origin's pool and reads the whole response
 * body (bounded), so no socket is ever left holding an unread body. Transport failures
 * become UpstreamTimeoutError / UpstreamUnavailableError; an aborted scope rejects with
 * the scope's own abort error. Statuses are not interpreted here.
 */
export async function exchange(
  dispatcher: Dispatcher,
  request: HttpRequest,
  scope: CallScope,
  context: { upstream: UpstreamName; route: string; maxResponseBytes: number },
): Promise<HttpResponse> {
  scope.throwIfAborted();
  let response: Dispatcher.ResponseData;
  try {
    response = await dispatcher.request({
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body,
      signal: scope.signal,
    });
  } catch (error) {
    throw transportError(error, scope, context, 'sending');
  }

  let text: string;
  try {
    text = await readBounded(response.body, context);
  } catch (error) {
    if (error instanceof UpstreamBadResponseError) throw error;
    throw transportError(error, scope, context, 'reading');
  }
  return { status: response.statusCode, headers: response.headers, ...parseJson(text) };
}

/**
 * Reads the body with plain stream events: one promise per body, where `for await` costs a
 * promise and an iterator step per chunk (measurable on an inbox that makes 50 calls).
 */
function readBounded(
  body: Dispatcher.ResponseData['body'],
  context: { upstream: UpstreamName; route: string; maxResponseBytes: number },
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    // The error listener stays: a body destroyed after the answer was settled (see onData)
    // still emits its error, and an unheard error would crash the process.
    const stopListening = () => {
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
    };
    const fail = (error: unknown) => {
      stopListening();
      reject(error);
    };
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > context.maxResponseBytes) {
        fail(
          new UpstreamBadResponseError(
            `${upstreamLabel(context.upstream)} ${context.route}: response larger than ${context.maxResponseBytes} bytes`,
            { upstream: context.upstream },
          ),
        );
        body.destroy();
        return;
      }
      chunks.push(chunk);
    }
    function onEnd(): void {
      stopListening();
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    }
    function onError(error: unknown): void {
      if (!settled) fail(error);
    }
    // Closed before its end without an error: the body was cut off.
    function onClose(): void {
      fail(new Error('the upstream closed the body before its end'));
    }
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

function parseJson(text: string): { body: unknown; bodyIsJson: boolean } {
  if (text.trim() === '') return { body: undefined, bodyIsJson: false };
  try {
    return { body: JSON.parse(text) as unknown, bodyIsJson: true };
  } catch {
    return { body: undefined, bodyIsJson: false };
  }
}

function transportError(
  error: unknown,
  scope: CallScope,
  context: { upstream: UpstreamName; route: string },
  phase: 'sending' | 'reading',
): unknown {
  if (scope.signal.aborted) return scope.abortError();
  const code = errorCode(error);
  const label = `${upstreamLabel(context.upstream)} ${context.route}`;
  const details = { upstream: context.upstream, cause: error, upstreamFault: true };
  if (phase === 'sending' && code !== undefined && NOT_CONNECTED.has(code)) {
    return code === 'UND_ERR_CONNECT_TIMEOUT'
      ? new UpstreamTimeoutError(`${label}: connecting timed out`, { ...details, neverSent: true })
      : new UpstreamUnavailableError(`${label}: cannot connect (${code})`, { ...details, neverSent: true });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new UpstreamTimeoutError(`${label}: no answer in time`, details);
  }
  return new UpstreamUnavailableError(`${label}: connection failed while ${phase} (${code ?? 'unknown error'})`, details);
}

/** The error's code; Node reports multi-address connect failures as an AggregateError. */
function errorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; errors?: unknown[] } | undefined;
  if (typeof candidate?.code === 'string') return candidate.code;
  const first = candidate?.errors?.[0] as { code?: unknown } | undefined;
  return typeof first?.code === 'string' ? first.code : undefined;
}
