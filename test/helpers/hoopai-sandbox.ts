import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_OAUTH_APP } from '../../src/sandbox/hoopai/locations';

/** Plain HTTP calls against a running HoopAI sandbox, as an upstream client would make them. */

export const API_VERSION = '2021-07-28';

export interface CallOptions {
  /** Bearer token; none → no Authorization header. */
  token?: string;
  /** `Version` header; `null` → none sent. */
  version?: string | null;
  json?: unknown;
  form?: Record<string, string>;
  query?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: T;
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const url = new URL(path, baseUrl);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.version !== null) headers.version = options.version ?? API_VERSION;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json') ?? false;
  return { status: response.status, headers: response.headers, body: isJson && text ? JSON.parse(text) : text };
}

/** `POST /oauth/token` with the sandbox app's credentials (overridable) and no `Version`. */
export function tokenRequest(baseUrl: string, fields: Record<string, string>): Promise<CallResult> {
  return call(baseUrl, 'POST', '/oauth/token', {
    version: null,
    form: { client_id: SANDBOX_OAUTH_APP.clientId, client_secret: SANDBOX_OAUTH_APP.clientSecret, ...fields },
  });
}

export const REDIRECT_URI = 'https://app.example.test/oauth/callback';

/** Opens the consent page (`extra` adds query params) and returns the redirect's `code`. */
export async function consentCode(baseUrl: string, extra: Record<string, string> = {}): Promise<string> {
  const consent = await call(baseUrl, 'GET', '/oauth/chooselocation', {
    version: null,
    query: { response_type: 'code', client_id: SANDBOX_OAUTH_APP.clientId, redirect_uri: REDIRECT_URI, ...extra },
  });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}: ${String(consent.body)}`);
  const code = new URL(consent.headers.get('location')!).searchParams.get('code');
  if (!code) throw new Error('consent redirect without a code');
  return code;
}

export interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  userType: 'Location' | 'Company';
  locationId?: string;
  companyId: string;
  approvedLocations: string[];
  [key: string]: unknown;
}

/** A full install: consent, then the code exchange. `extra` goes to the consent page. */
export async function install(baseUrl: string, extra: Record<string, string> = {}): Promise<TokenAnswer> {
  const code = await consentCode(baseUrl, extra);
  const answer = await tokenRequest(baseUrl, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
  if (answer.status !== 200) throw new Error(`code exchange answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as TokenAnswer;
}

export async function controlPost(baseUrl: string, path: string, body: unknown = {}): Promise<CallResult> {
  return call(baseUrl, 'POST', path, { version: null, json: body });
}

export async function stats(baseUrl: string) {
  return (await call(baseUrl, 'GET', '/__sandbox/stats', { version: null })).body as {
    requests: Record<string, number>;
    byLocation: Record<string, number>;
    tokenGrants: number;
    tokenRefreshes: number;
    rateLimited: number;
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The exact bytes that arrived: what signatures are verified over. */
  rawBody: Buffer;
  json: any;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1, port 0. `answer(n)` picks the status of the n-th
 * delivery (0-based) and may hold it back until a promise settles.
 */
export async function startWebhookReceiver(answer: (n: number) => number | Promise<number> = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const index = received.length;
      received.push({ headers: req.headers, rawBody, json: JSON.parse(rawBody.toString('utf8')) });
      void Promise.resolve(answer(index)).then((status) => res.writeHead(status).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
