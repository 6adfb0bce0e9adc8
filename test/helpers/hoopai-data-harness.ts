import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ControlPlane } from '../../src/sandbox/common/control-plane';
import { Router } from '../../src/sandbox/common/router';
import { createSandboxServer, listen } from '../../src/sandbox/common/server';
import { HoopaiStore } from '../../src/sandbox/hoopai/data/store';
import { SANDBOX_COMPANY_ID } from '../../src/sandbox/hoopai/locations';
import { registerContactRoutes } from '../../src/sandbox/hoopai/routes/contacts';
import { registerConversationRoutes } from '../../src/sandbox/hoopai/routes/conversations';
import { setCaller, type HoopaiWorld, type WebhookEvent } from '../../src/sandbox/hoopai/world';

/**
 * The HoopAI data routes on a real socket without the server side's auth: the caller is
 * whatever the `x-test-location` header says (a location id → that location's private key;
 * `company` → an agency token; absent → 401). Webhooks are captured in `events`.
 */
export const TEST_LOCATION_HEADER = 'x-test-location';

export interface DataHarness {
  url: string;
  store: HoopaiStore;
  events: WebhookEvent[];
  /** One JSON request as `as` (a location id, or `company`). */
  call(method: string, path: string, options?: { as?: string; body?: unknown; query?: Record<string, string | number> }): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export async function startDataHarness(store = new HoopaiStore()): Promise<DataHarness> {
  const events: WebhookEvent[] = [];
  const ctl = new ControlPlane();
  const world: HoopaiWorld = { ctl, webhooks: { emit: (event) => events.push(event) }, now: () => Date.now() };
  const router = new Router();
  registerContactRoutes(router, world, store);
  registerConversationRoutes(router, world, store);
  const server = createSandboxServer({
    name: 'hoopai-data-test',
    router,
    controlPlane: ctl,
    errorResponse: (status, message) => ({ status, body: { statusCode: status, message } }),
    before(req) {
      const who = req.headers[TEST_LOCATION_HEADER];
      if (typeof who !== 'string') return { status: 401, body: { statusCode: 401, message: 'Invalid JWT' } };
      setCaller(
        req,
        who === 'company'
          ? { kind: 'company', companyId: SANDBOX_COMPANY_ID, scopes: [] }
          : { kind: 'pit', companyId: SANDBOX_COMPANY_ID, locationId: who, scopes: [] },
      );
      return undefined;
    },
    onReset: () => store.reset(),
  });
  const running = await listen(server);

  return {
    url: running.url,
    store,
    events,
    async call(method, path, options = {}) {
      const url = new URL(path, running.url);
      for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, String(value));
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.as) headers[TEST_LOCATION_HEADER] = options.as;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => running.close(),
  };
}

/**
 * One data harness for the enclosing test file (or suite), reset before every test: the
 * store back to its seed, the captured webhooks emptied. The handle may be used in tests
 * and hooks only (the harness starts in beforeAll).
 */
export function useDataHarness(): DataHarness {
  let harness: DataHarness | undefined;
  beforeAll(async () => {
    harness = await startDataHarness();
  });
  afterAll(() => harness?.close());
  beforeEach(async () => {
    await fetch(`${started().url}/__sandbox/reset`, { method: 'POST' });
    started().events.length = 0;
  });
  function started(): DataHarness {
    if (!harness) throw new Error('the data harness starts in beforeAll: use it inside tests and hooks');
    return harness;
  }
  return {
    get url() {
      return started().url;
    },
    get store() {
      return started().store;
    },
    get events() {
      return started().events;
    },
    call: (method, path, options) => started().call(method, path, options),
    close: () => started().close(),
  };
}
