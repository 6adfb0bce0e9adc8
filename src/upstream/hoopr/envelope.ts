import type { SecretRegistry } from '../../logger';
import { UpstreamBadResponseError } from '../http/errors';
import type { HttpResponse } from '../http/exchange';
import { badShape, errorForStatus, isRecord, upstreamMessages } from '../http/upstream-body';
import type { HooprPage } from './types';

type Route = { route: string };

/**
 * The `data` of a Hoopr envelope, or the error it carries. A non-zero `error.code` is a
 * failure even under HTTP 200; a code that carries an HTTP status (`404`, or the status
 * followed by a two-digit cause, `40401`) is read as that status, any other is
 * UPSTREAM_BAD_RESPONSE (we cannot tell what it means).
 */
export function readEnvelope(context: Route, response: HttpResponse, secrets: SecretRegistry): unknown {
  const body = response.body;
  const envelopeError = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const code = typeof envelopeError?.code === 'number' ? envelopeError.code : undefined;
  const httpOk = response.status >= 200 && response.status < 300;
  if (!httpOk) throw errorForStatus(response, { upstream: 'hoopr', route: context.route, secrets });
  if (code === undefined || !isRecord(body)) throw badShape({ upstream: 'hoopr', route: context.route }, response, 'answer is not a Hoopr envelope');
  if (code === 0) return body.data;
  const status = statusInCode(code);
  if (status !== undefined) throw errorForStatus({ ...response, status }, { upstream: 'hoopr', route: context.route, secrets });
  const message = upstreamMessages(body, secrets).join('; ');
  throw new UpstreamBadResponseError(`Hoopr ${context.route}: error code ${code}${message ? `: ${message}` : ''}`, {
    upstream: 'hoopr',
    status: response.status,
  });
}

function statusInCode(code: number): number | undefined {
  const status = code >= 400 && code < 600 ? code : Math.floor(code / 100);
  return status >= 400 && status < 600 ? status : undefined;
}

export function readObject<T>(context: Route, response: HttpResponse, data: unknown, what: string): T {
  if (!isRecord(data) || typeof data.id !== 'string') throw badShape({ upstream: 'hoopr', route: context.route }, response, `data is not ${what}`);
  return data as T;
}

export function readPage<T>(context: Route, response: HttpResponse, data: unknown): HooprPage<T> {
  const fail = (what: string) => badShape({ upstream: 'hoopr', route: context.route }, response, what);
  if (!isRecord(data) || !Array.isArray(data.items)) throw fail('data is not a page (no items)');
  for (const field of ['totalRecords', 'totalPages', 'currentPage', 'pageSize'] as const) {
    if (typeof data[field] !== 'number') throw fail(`page has no numeric ${field}`);
  }
  if (!data.items.every((item) => isRecord(item) && typeof item.id === 'string')) throw fail('page items without ids');
  return data as unknown as HooprPage<T>;
}
