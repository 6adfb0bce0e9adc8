import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { HOOPR_SANDBOX_CLIENTS } from '../../src/sandbox/hoopr/credentials';
import { startHooprSandbox, type RunningHooprSandbox } from '../../src/sandbox/hoopr/index';
import { sandboxControl, type SandboxControl } from './upstream-sandbox-control';

/** The Hoopr sandbox on a real socket, with plain-HTTP helpers that speak its wire format. */

export interface HooprResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

function sandboxClient(clientId: string): Credentials {
  const client = HOOPR_SANDBOX_CLIENTS.find((candidate) => candidate.clientId === clientId);
  if (!client) throw new Error(`the Hoopr sandbox has no client ${clientId}`);
  return { clientId: client.clientId, clientSecret: client.clientSecret };
}

/** Scopes `catalog:read search`, test mode. */
export const FULL_CLIENT = sandboxClient('sandbox-client');
/** Scope `catalog:read` only. */
export const NO_SEARCH_CLIENT = sandboxClient('sandbox-client-nosearch');
/** An `hpr_live_` secret: live mode. */
export const LIVE_CLIENT = sandboxClient('sandbox-live-client');

export interface HooprHarness {
  sandbox: RunningHooprSandbox;
  url: string;
  control: SandboxControl;
  /** `POST /v1/auth/token` with a client-credentials body. */
  grant(credentials?: Credentials): Promise<HooprResponse>;
  /** A fresh access token (fails the test when the grant does). */
  token(credentials?: Credentials): Promise<string>;
  /** A GET with `token` as bearer (`null`: none); `query` values are sent as strings. */
  get<T = any>(path: string, options?: { token?: string | null; query?: Record<string, string | number> }): Promise<HooprResponse<T>>;
  /** A JSON POST without any bearer. */
  post<T = any>(path: string, body: string, contentType?: string): Promise<HooprResponse<T>>;
  close(): Promise<void>;
}

export async function startHooprHarness(): Promise<HooprHarness> {
  const sandbox = await startHooprSandbox({ port: 0, host: '127.0.0.1' });
  let defaultToken: string | undefined;

  const parse = async <T>(response: Response): Promise<HooprResponse<T>> => {
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  const harness: HooprHarness = {
    sandbox,
    url: sandbox.url,
    control: sandboxControl(sandbox.url),
    post: async (path, body, contentType = 'application/json') =>
      parse(await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body })),
    grant: (credentials = FULL_CLIENT) =>
      harness.post(
        '/v1/auth/token',
        JSON.stringify({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }),
      ),
    async token(credentials = FULL_CLIENT) {
      const response = await harness.grant(credentials);
      if (response.status !== 200) throw new Error(`token grant answered ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body.data.access_token as string;
    },
    async get(path, options = {}) {
      const url = new URL(path, sandbox.url);
      for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, String(value));
      let token = options.token;
      if (token === undefined) token = defaultToken ??= await harness.token();
      return parse(await fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } }));
    },
    close: () => sandbox.close(),
  };
  return harness;
}

/**
 * The Hoopr sandbox for one test file: started in beforeAll, closed in afterAll, and before
 * each test its faults cleared and its counters reset, so every test's stats are its own.
 * The handle may be used in tests and hooks only (hooks registered after this call run
 * after the sandbox has started).
 */
export function useHooprHarness(): HooprHarness {
  let running: HooprHarness | undefined;
  beforeAll(async () => {
    running = await startHooprHarness();
  });
  afterAll(async () => {
    await running?.close();
  });
  beforeEach(async () => {
    await started().control.faults({});
    await started().control.reset();
  });
  function started(): HooprHarness {
    if (!running) throw new Error('the Hoopr sandbox starts in beforeAll: use it inside tests and hooks');
    return running;
  }
  return {
    get sandbox() {
      return started().sandbox;
    },
    get url() {
      return started().url;
    },
    get control() {
      return started().control;
    },
    grant: (credentials) => started().grant(credentials),
    token: (credentials) => started().token(credentials),
    get: (path, options) => started().get(path, options),
    post: (path, body, contentType) => started().post(path, body, contentType),
    close: () => started().close(),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A GET over node:http, which (unlike fetch) may send any Host header: the way to play a
 * client that reached the sandbox under another name.
 */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface HooprPage<T = any> {
  totalRecords: number;
  totalPages: number;
  currentPage: number;
  pageSize: number;
  items: T[];
}

/** One successful page of a list endpoint (asserts the OK envelope). */
export async function fetchPage<T = any>(api: HooprHarness, path: string, query: Record<string, string | number> = {}): Promise<HooprPage<T>> {
  const response = await api.get(path, { query });
  if (response.status !== 200 || response.body?.error?.code !== 0) {
    throw new Error(`${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body.data as HooprPage<T>;
}

/** Every item of a list, page by page at the largest size; checks the pages add up to the total. */
export async function fetchAll<T = any>(api: HooprHarness, path: string, query: Record<string, string | number> = {}): Promise<T[]> {
  const first = await fetchPage<T>(api, path, { ...query, pageSize: 50 });
  const items = [...first.items];
  for (let number = 2; number <= first.totalPages; number++) {
    items.push(...(await fetchPage<T>(api, path, { ...query, pageSize: 50, page: number })).items);
  }
  if (items.length !== first.totalRecords) throw new Error(`${path}: pages hold ${items.length} items, totalRecords says ${first.totalRecords}`);
  return items;
}
