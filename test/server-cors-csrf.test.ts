import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startGateway, type RunningGateway } from '../src/server/start';
import { BROWSER_KEY, BROWSER_LOCATION_ID, CREATE_CONTACT, liveGatewayEnv, upstreamCalls } from './helpers/browser-callers';
import { startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

/**
 * Browser callers over real sockets: which origins get a CORS grant (sandbox mode, a live-mode
 * gateway without CORS_ORIGINS, one with an allow-list), and which requests never run because
 * any web page could send them without a preflight. The live-mode gateways call the sandboxes
 * the sandbox-mode gateway started (one seed for the whole file, not three).
 */

const EVIL = 'https://evil.example';

let sandboxGateway: RunningGateway;
let closedGateway: RunningGateway;
let allowListGateway: RunningGateway;
let controls: SandboxControl[];

function liveEnv(extra: Record<string, string> = {}): Record<string, string> {
  return liveGatewayEnv({ hoopr: sandboxGateway.sandboxes.hoopr!.url, hoopai: sandboxGateway.sandboxes.hoopai!.url }, extra);
}

beforeAll(async () => {
  sandboxGateway = await startSandboxGateway();
  controls = [sandboxControl(sandboxGateway.sandboxes.hoopr!.url), sandboxControl(sandboxGateway.sandboxes.hoopai!.url)];
  const logger = createLogger({ level: 'silent' });
  closedGateway = await startGateway(loadConfig(liveEnv()), logger);
  allowListGateway = await startGateway(loadConfig(liveEnv({ CORS_ORIGINS: 'https://app.example.com, https://*.preview.example.com' })), logger);
}, 60_000);

afterAll(async () => {
  await allowListGateway?.close(1_000);
  await closedGateway?.close(1_000);
  await sandboxGateway?.close(1_000);
});

interface Grant {
  status: number;
  allowOrigin: string | null;
  allowCredentials: string | null;
  allowMethods: string | null;
  allowHeaders: string | null;
  maxAge: string | null;
  vary: string | null;
}

function grantOf(response: Response): Grant {
  const header = (name: string) => response.headers.get(name);
  return {
    status: response.status,
    allowOrigin: header('access-control-allow-origin'),
    allowCredentials: header('access-control-allow-credentials'),
    allowMethods: header('access-control-allow-methods'),
    allowHeaders: header('access-control-allow-headers'),
    maxAge: header('access-control-max-age'),
    vary: header('vary'),
  };
}

/** What a browser asks before a cross-origin JSON POST carrying a bearer key. */
async function preflight(gateway: RunningGateway, origin: string): Promise<Grant> {
  const response = await fetch(gateway.graphqlUrl, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  await response.arrayBuffer();
  return grantOf(response);
}

/** The cross-origin request itself (after a preflight, in a browser): a query with `key`. */
async function viewerFrom(gateway: RunningGateway, origin: string, key: string): Promise<Grant & { body: any }> {
  const response = await fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ viewer { name } }' }),
  });
  return { ...grantOf(response), body: await response.json() };
}

const NO_GRANT = { allowOrigin: null, allowCredentials: null, allowMethods: null, allowHeaders: null, maxAge: null };

describe('CORS in sandbox mode, CORS_ORIGINS unset', () => {
  it('grants any port of http://localhost and http://127.0.0.1, without credentials, and varies by Origin', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://localhost']) {
      expect(await preflight(sandboxGateway, origin)).toEqual({
        status: 204,
        allowOrigin: origin,
        allowCredentials: null,
        allowMethods: 'GET, POST',
        allowHeaders: 'authorization, content-type',
        maxAge: '7200',
        vary: 'Origin',
      });
      const answer = await viewerFrom(sandboxGateway, origin, 'sandbox-dev-key');
      expect(answer).toMatchObject({ status: 200, allowOrigin: origin, allowCredentials: null, vary: 'Origin, Accept-Encoding' });
      expect(answer.body).toEqual({ data: { viewer: { name: 'sandbox developer' } }, extensions: { cost: expect.any(Object) } });
    }
  });

  it('grants nothing to another site, nor to look-alikes of the loopback origins', async () => {
    for (const origin of [EVIL, 'https://localhost:5173', 'http://localhost.evil.example:5173', 'http://127.0.0.1.evil.example', 'null']) {
      expect(await preflight(sandboxGateway, origin)).toEqual({ status: 204, ...NO_GRANT, vary: 'Origin' });
      // A simple request (no preflight) still runs its query, but the browser keeps the answer from the page.
      const simple = await fetch(`${sandboxGateway.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin } });
      await simple.arrayBuffer();
      expect(grantOf(simple)).toMatchObject(NO_GRANT);
    }
  });
});

describe('CORS outside sandbox mode', () => {
  it('grants nothing at all without CORS_ORIGINS, not even to localhost', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'https://app.example.com', EVIL]) {
      expect(await preflight(closedGateway, origin)).toMatchObject({ status: 204, ...NO_GRANT });
      expect(await viewerFrom(closedGateway, origin, BROWSER_KEY)).toMatchObject({ status: 200, ...NO_GRANT });
    }
  });

  it('grants the listed origins and one label under a subdomain pattern, and nothing else', async () => {
    for (const origin of ['https://app.example.com', 'https://pr-12.preview.example.com']) {
      expect(await preflight(allowListGateway, origin)).toMatchObject({ status: 204, allowOrigin: origin, allowCredentials: null, vary: 'Origin' });
      const answer = await viewerFrom(allowListGateway, origin, BROWSER_KEY);
      expect(answer).toMatchObject({ status: 200, allowOrigin: origin, allowCredentials: null, vary: 'Origin, Accept-Encoding' });
      expect(answer.body).toEqual({ data: { viewer: { name: 'browser' } }, extensions: { cost: expect.any(Object) } });
    }
    const refused = [
      EVIL,
      'http://app.example.com',
      'https://app.example.com:8443',
      'https://preview.example.com',
      'https://a.b.preview.example.com',
      'https://pr-12.preview.example.com.evil.example',
      'https://evilpreview.example.com',
      'http://localhost:5173',
    ];
    for (const origin of refused) {
      expect(await preflight(allowListGateway, origin)).toEqual({ status: 204, ...NO_GRANT, vary: 'Origin' });
      expect(await viewerFrom(allowListGateway, origin, BROWSER_KEY)).toMatchObject({ status: 200, ...NO_GRANT, vary: 'Origin, Accept-Encoding' });
    }
  });
});

/** A POST as a web page on another site can send it without a preflight, with a valid key even. */
async function postAs(body: BodyInit, contentType: string | null): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { origin: EVIL, authorization: 'Bearer sandbox-dev-key' };
  if (contentType) headers['content-type'] = contentType;
  const response = await fetch(sandboxGateway.graphqlUrl, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function multipartMutation(): FormData {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: CREATE_CONTACT }));
  form.set('map', '{}');
  return form;
}

describe('CSRF prevention', () => {
  beforeEach(async () => {
    await Promise.all(controls.map((control) => control.reset()));
  });

  const simpleRequests: [string, () => BodyInit, string | null][] = [
    ['a form-encoded POST', () => new URLSearchParams({ query: CREATE_CONTACT }).toString(), 'application/x-www-form-urlencoded'],
    ['a multipart POST', multipartMutation, null],
    ['a text/plain POST', () => JSON.stringify({ query: CREATE_CONTACT }), 'text/plain;charset=UTF-8'],
    ['a text/plain POST in odd case', () => JSON.stringify({ query: CREATE_CONTACT }), 'Text/Plain'],
    ['a POST without a content type', () => new Blob([JSON.stringify({ query: CREATE_CONTACT })]), null],
  ];

  it.each(simpleRequests)('refuses %s of a mutation with CSRF_REFUSED and no upstream call', async (_name, body, contentType) => {
    const answer = await postAs(body(), contentType);
    expect(answer.status).toBe(415);
    expect(answer.body.errors).toEqual([
      { message: expect.stringContaining('application/json'), extensions: { code: 'CSRF_REFUSED', requestId: expect.any(String) } },
    ]);
    expect(answer.body.data).toBeUndefined();
    expect(await upstreamCalls(controls)).toBe(0);
  });

  it('refuses a simple POST before authentication: no key, still CSRF_REFUSED', async () => {
    const response = await fetch(sandboxGateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: '{ viewer { name } }' }),
    });
    expect(response.status).toBe(415);
    expect((await response.json()).errors[0].extensions).toEqual({ code: 'CSRF_REFUSED', requestId: expect.any(String) });
  });

  it('runs the same mutation sent as JSON, which reaches HoopAI', async () => {
    const answer = await postAs(JSON.stringify({ query: CREATE_CONTACT }), 'application/json');
    expect(answer.status).toBe(200);
    expect(answer.body.data.createContact).toMatchObject({ __typename: 'CreateContactPayload', contact: { id: expect.any(String) } });
    expect(await upstreamCalls(controls)).toBeGreaterThan(0);
  });

  it('runs a GET query only with a key (never CORS-safelisted); refuses a GET mutation', async () => {
    const url = (query: string) => `${sandboxGateway.graphqlUrl}?query=${encodeURIComponent(query)}`;
    const contacts = `{ contacts(locationId: "${BROWSER_LOCATION_ID}", first: 1) { totalCount } }`;

    const anonymous = await fetch(url(contacts), { headers: { origin: EVIL } });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const viaGet = await fetch(url(CREATE_CONTACT), { headers: { authorization: 'Bearer sandbox-dev-key' } });
    expect(viaGet.status).toBe(405);
    await viaGet.arrayBuffer();
    expect(await upstreamCalls(controls)).toBe(0);

    const keyed = await fetch(url(contacts), { headers: { authorization: 'Bearer sandbox-dev-key' } });
    expect(keyed.status).toBe(200);
    expect((await keyed.json()).data.contacts.totalCount).toBeGreaterThan(0);
    expect(await upstreamCalls(controls)).toBeGreaterThan(0);
  });
});
