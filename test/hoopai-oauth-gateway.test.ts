import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/auth/api-keys';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { SANDBOX_COMPANY_ID, SANDBOX_LOCATIONS, SANDBOX_OAUTH_APP } from '../src/sandbox/hoopai/locations';
import { startGateway, type RunningGateway } from '../src/server/start';
import { graphql } from './helpers/gateway';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/**
 * The whole gateway in front of HoopAI (the sandbox as its `HOOPAI_BASE_URL`) with OAuth
 * only: location A installed by itself, location B configured with its agency
 * (`B:<companyId>`) and served by tokens minted from the agency's install. The app's consent
 * asks for contacts and conversations but not for messages nor `locations.readonly`, so
 * those fields fail with UPSTREAM_SCOPE_MISSING while the rest of the answer stands.
 */
const [A, B] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];
const CALLER_KEY = 'inbox-reader-key-for-the-oauth-gateway-test';
/** Nothing listens here: the test carries the browser from the consent page to the callback itself. */
const REDIRECT_URI = 'https://gateway.example.test/oauth/callback';

let sandbox: RunningHoopaiSandbox;
let gateway: RunningGateway;
let dir: string;

beforeAll(async () => {
  sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  dir = await mkdtemp(join(tmpdir(), 'oauth-gateway-test-'));
  const config = loadConfig({
    PORT: '0',
    HOOPR_SANDBOX_PORT: '0',
    HOOPAI_BASE_URL: sandbox.url,
    HOOPAI_OAUTH_LOCATIONS: `${A} ${B}:${SANDBOX_COMPANY_ID}`,
    HOOPAI_OAUTH_CLIENT_ID: SANDBOX_OAUTH_APP.clientId,
    HOOPAI_OAUTH_CLIENT_SECRET: SANDBOX_OAUTH_APP.clientSecret,
    HOOPAI_OAUTH_REDIRECT_URI: REDIRECT_URI,
    HOOPAI_OAUTH_CONSENT_URL: `${sandbox.url}/v2/oauth/chooselocation`,
    HOOPAI_OAUTH_SCOPES: 'contacts.readonly conversations.readonly',
    TOKEN_STORE_PATH: join(dir, 'tokens.enc'),
    TOKEN_STORE_KEY: randomBytes(32).toString('base64'),
    API_KEYS: JSON.stringify([{ name: 'inbox', sha256: sha256Hex(CALLER_KEY), scopes: ['crm:read'], locations: [A, B] }]),
  });
  gateway = await startGateway(config, createLogger({ level: 'silent' }));
});
afterAll(async () => {
  await gateway?.close(1_000);
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

/** install → consent (auto-approved) → callback, as a browser walks it. */
async function install(query: string): Promise<{ status: number; body: Record<string, unknown>; consent: URL }> {
  const origin = new URL(gateway.graphqlUrl).origin;
  const start = await fetch(`${origin}/oauth/install?${query}`, { redirect: 'manual' });
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const consent = new URL(start.headers.get('location')!);
  const approved = await fetch(consent, { redirect: 'manual' });
  const back = new URL(approved.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
  const callback = await fetch(`${origin}/oauth/callback${back.search}`, { headers: { cookie, accept: 'application/json' } });
  return { status: callback.status, body: (await callback.json()) as Record<string, unknown>, consent };
}

describe('a gateway whose HoopAI locations are all OAuth', () => {
  it('installs the agency (user_type Company, with oauth.write) and a location (user_type Location)', async () => {
    const agency = await install('userType=Company');
    expect(agency.status).toBe(200);
    expect(agency.body).toEqual({ installed: true, userType: 'Company', companyId: SANDBOX_COMPANY_ID });
    expect(agency.consent.searchParams.get('scope')).toBe('contacts.readonly conversations.readonly oauth.write');
    const location = await install(`locationId=${A}`);
    expect(location.body).toEqual({ installed: true, userType: 'Location', locationId: A, companyId: SANDBOX_COMPANY_ID });
    expect((await sandboxControl(sandbox.url).stats()).tokenGrants).toBe(2);
  });

  it('serves both locations, B through its agency; fields the install has no scope for fail alone with UPSTREAM_SCOPE_MISSING', async () => {
    const control = sandboxControl(sandbox.url);
    await control.reset();
    const { body } = await graphql<any>(
      gateway.graphqlUrl,
      `{ viewer { locations { id name } }
         a: conversations(locationId: "${A}", first: 1) { totalCount edges { node { id messages(first: 1) { edges { node { id } } } } } }
         b: conversations(locationId: "${B}", first: 1) { totalCount } }`,
      { key: CALLER_KEY },
    );
    expect(body.data.a.totalCount).toBe(SANDBOX_LOCATIONS[0]!.conversationCount);
    expect(body.data.b.totalCount).toBe(SANDBOX_LOCATIONS[1]!.conversationCount);
    expect(body.data.a.edges[0].node.messages).toBeNull();
    expect(body.data.viewer.locations).toEqual([{ id: A, name: null }, { id: B, name: null }]);

    const byPath = Object.fromEntries((body.errors ?? []).map((error: any) => [error.path.join('.'), error.extensions]));
    expect(Object.keys(byPath).sort()).toEqual(['a.edges.0.node.messages', 'viewer.locations.0.name', 'viewer.locations.1.name']);
    const origin = 'https://gateway.example.test';
    expect(byPath['a.edges.0.node.messages']).toMatchObject({
      code: 'UPSTREAM_SCOPE_MISSING',
      missingScope: 'conversations/message.readonly',
      locationId: A,
      installUrl: `${origin}/oauth/install?locationId=${A}`,
    });
    expect(byPath['viewer.locations.0.name']).toMatchObject({ code: 'UPSTREAM_SCOPE_MISSING', missingScope: 'locations.readonly', locationId: A });
    expect(byPath['viewer.locations.1.name']).toMatchObject({ code: 'UPSTREAM_SCOPE_MISSING', missingScope: 'locations.readonly', locationId: B });
    expect(JSON.stringify(body)).not.toMatch(/Bearer|access_token|refresh_token|sandbox-app-secret/);

    const stats = await control.stats();
    // B's token was minted from the agency's once; no refresh was spent on the scope refusals.
    expect(stats.tokenGrants).toBe(1);
    expect(stats.tokenRefreshes).toBe(0);
    expect(stats.requests).toMatchObject({
      'GET /locations/:locationId': 2,
      'GET /conversations/search': 2,
      'GET /conversations/:conversationId/messages': 1,
      'POST /oauth/locationToken': 1,
    });
  });
});
