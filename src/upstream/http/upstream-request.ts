import type { HttpMethod, HttpRequest } from './exchange';

export type QueryValue = string | number | boolean | undefined | readonly string[];

/** A call as a client describes it; `UpstreamHttp` turns it into an HTTP request. */
export interface UpstreamRequest {
  method: HttpMethod;
  /** Route pattern for logs and errors, e.g. `GET /contacts/:contactId` (no ids, no secrets). */
  route: string;
  /** Path below the upstream's base URL, e.g. `/contacts/abc`. */
  path: string;
  /** Undefined values are left out; arrays repeat the key. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded` (OAuth token endpoints). */
  form?: Record<string, string | undefined>;
  /** Safe to send twice (reads and searches): decides what may be retried. */
  idempotent: boolean;
}

/** `extraHeaders` travel with every request whatever it is (trace context); the request's own win. */
export function toHttpRequest(
  request: UpstreamRequest,
  pathPrefix: string,
  authorization: string | undefined,
  extraHeaders?: Readonly<Record<string, string>>,
): HttpRequest {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders, ...request.headers };
  if (authorization) headers.authorization = authorization;
  let body: string | undefined;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    headers['content-type'] = 'application/json';
  } else if (request.form !== undefined) {
    body = new URLSearchParams(definedEntries(request.form)).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  return { method: request.method, path: pathPrefix + request.path + queryString(request.query), headers, body };
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(name, item);
    else params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function definedEntries(record: Record<string, string | undefined>): [string, string][] {
  return Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined);
}
