import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { privateIntegrationKey, SANDBOX_COMPANY_ID, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { FileTokenStore, ReauthRequiredError, UpstreamError, type HoopaiLocationConfig, type TokenStore } from '../src/upstream/index';
import { tokenKeys } from '../src/upstream/tokens/token-store';
import { HOOPAI_SANDBOX_APP, settleAll } from './helpers/upstream-gateway';
import { installThroughBrowser, startOAuthGateway, type OAuthGateway } from './helpers/upstream-oauth-gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const [MUMBAI, BEATLINE, NIMBUS] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string, string];
const LOCATIONS: HoopaiLocationConfig[] = [
  { locationId: MUMBAI, auth: { kind: 'oauth' } },
  { locationId: BEATLINE, auth: { kind: 'private-key', key: privateIntegrationKey(BEATLINE) } },
  { locationId: NIMBUS, auth: { kind: 'oauth', companyId: SANDBOX_COMPANY_ID } },
];

let sandbox: Awaited<ReturnType<typeof startHoopaiSandbox>>;
let control: SandboxControl;
let dir: string;
let store: TokenStore;
const gateways: OAuthGateway[] = [];

beforeAll(async () => {
  sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  control = sandboxControl(sandbox.url);
  dir = await mkdtemp(join(tmpdir(), 'oauth-test-'));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await control.faults({});
  await control.reset();
  store = new FileTokenStore({ path: join(dir, `${randomBytes(6).toString('hex')}.enc`), key: randomBytes(32) });
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

/** A gateway process; a second one over the same store is what a restart looks like. */
async function gateway(rateLimit?: { perWindow: number }): Promise<OAuthGateway> {
  const started = await startOAuthGateway(sandbox.url, { locations: LOCATIONS, tokenStore: store, rateLimit });
  gateways.push(started);
  return started;
}

/** Makes the stored pair look expired, as it will after a day of uptime. */
async function ageStoredPair(key: string): Promise<void> {
  const record = (await store.get(key))!;
  const now = Date.now();
  await store.compareAndSet(key, record.version, { ...record.tokens, obtainedAt: now - 86_400_000, expiresAt: now - 1_000 });
}

async function refreshDirectly(refreshToken: string): Promise<Response> {
  return fetch(`${sandbox.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...{ client_id: HOOPAI_SANDBOX_APP.clientId, client_secret: HOOPAI_SANDBOX_APP.clientSecret }, grant_type: 'refresh_token', refresh_token: refreshToken, user_type: 'Location' }),
  });
}

function codeOf(error: unknown): string | undefined {
  return error instanceof UpstreamError ? error.code : undefined;
}

describe('install and callback routes', () => {
  it('installs a location: consent, code exchange, encrypted pair stored, calls authorized', async () => {
    const gw = await gateway();
    const outcome = await installThroughBrowser(gw.url, `locationId=${MUMBAI}`);
    expect(outcome.status).toBe(200);
    expect(outcome.body).toEqual({ installed: true, userType: 'Location', locationId: MUMBAI, companyId: SANDBOX_COMPANY_ID });
    const stored = await store.get(tokenKeys.location(MUMBAI));
    expect(stored?.tokens).toMatchObject({ userType: 'Location', locationId: MUMBAI, refreshToken: expect.any(String) });

    const contacts = await gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 2 });
    expect(contacts.contacts[0]?.locationId).toBe(MUMBAI);
    await gw.upstreams.hoopai.searchContacts(BEATLINE, { pageLimit: 2 });
    const stats = await control.stats();
    expect(stats.tokenGrants).toBe(1);
    expect(stats.tokenRefreshes).toBe(0);
  });

  it('checks the CSRF state: issued here, bound to the browser, used once', async () => {
    const gw = await gateway();
    const start = await fetch(`${gw.url}/oauth/install?locationId=${MUMBAI}`, { redirect: 'manual' });
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    expect(start.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
    const consentUrl = new URL(start.headers.get('location')!);
    expect(consentUrl.searchParams.get('client_id')).toBe(HOOPAI_SANDBOX_APP.clientId);
    expect(consentUrl.searchParams.get('redirect_uri')).toBe(`${gw.url}/oauth/callback`);
    const callback = (await fetch(consentUrl, { redirect: 'manual' })).headers.get('location')!;
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-issued-by-us');

    expect((await fetch(forged, { headers: { cookie } })).status).toBe(400);
    const otherBrowser = await fetch(callback);
    expect(otherBrowser.status).toBe(400);
    expect(await otherBrowser.text()).toContain('browser that started it');
    expect((await fetch(callback, { headers: { cookie } })).status).toBe(200);
    const replay = await fetch(callback, { headers: { cookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');
  });

  it('answers clear 4xx pages for an unknown location, a refused code and a cancelled consent', async () => {
    const gw = await gateway();
    expect((await fetch(`${gw.url}/oauth/install?locationId=${BEATLINE}`, { redirect: 'manual' })).status).toBe(400);

    const start = await fetch(`${gw.url}/oauth/install?locationId=${MUMBAI}`, { redirect: 'manual' });
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const refused = await fetch(`${gw.url}/oauth/callback?code=made-up-code&state=${state}`, { headers: { cookie, accept: 'application/json' } });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as Record<string, string>;
    expect(body.error).toBe('Code refused');
    expect(JSON.stringify(body)).not.toContain(HOOPAI_SANDBOX_APP.clientSecret);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/);

    expect((await fetch(`${gw.url}/oauth/callback?error=access_denied`)).status).toBe(400);
  });

  it('installs an agency and mints location tokens from it', async () => {
    const gw = await gateway();
    const outcome = await installThroughBrowser(gw.url, 'userType=Company');
    expect(outcome.body).toMatchObject({ installed: true, userType: 'Company', companyId: SANDBOX_COMPANY_ID });
    const conversations = await gw.upstreams.hoopai.searchConversations(NIMBUS, { limit: 1 });
    expect(conversations.conversations[0]?.locationId).toBe(NIMBUS);
    expect((await store.get(tokenKeys.location(NIMBUS)))?.tokens).toMatchObject({ companyId: SANDBOX_COMPANY_ID, locationId: NIMBUS });
    // One code exchange, one minted location token; later calls reuse it.
    await gw.upstreams.hoopai.searchConversations(NIMBUS, { limit: 1 });
    expect((await control.stats()).tokenGrants).toBe(2);
  });
});

describe('user_type and scopes', () => {
  /** A code from HoopAI's consent page for this gateway's redirect URI, as if the browser brought it back. */
  async function consentCodeFor(gw: OAuthGateway, consent: Record<string, string>): Promise<string> {
    const query = new URLSearchParams({ response_type: 'code', client_id: HOOPAI_SANDBOX_APP.clientId, redirect_uri: `${gw.url}/oauth/callback`, ...consent });
    const answer = await fetch(`${sandbox.url}/oauth/chooselocation?${query}`, { redirect: 'manual' });
    return new URL(answer.headers.get('location')!).searchParams.get('code')!;
  }

  it('exchanges the code with the user_type of the consent it started; a code of the other kind is refused, nothing stored', async () => {
    const gw = await gateway();
    const installer = gw.upstreams.hoopaiOAuth!;
    const agencyCode = await consentCodeFor(gw, { user_type: 'Company' });
    const refused = await installer.completeInstall(agencyCode, 'Location').catch((error: unknown) => error);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(await store.get(tokenKeys.company(SANDBOX_COMPANY_ID))).toBeUndefined();

    // Through the browser the install kind travels with the CSRF state to the callback.
    expect((await installThroughBrowser(gw.url, 'userType=Company')).body).toMatchObject({ installed: true, userType: 'Company' });
    expect((await installThroughBrowser(gw.url, `locationId=${MUMBAI}`)).body).toMatchObject({ installed: true, userType: 'Location' });
    // The refused exchange, then one per install: each sent its kind and HoopAI accepted it.
    expect((await control.stats()).tokenGrants).toBe(3);
  });

  it('asks an agency consent for oauth.write, which minting location tokens needs', async () => {
    const gw = await gateway();
    const agency = new URL((await fetch(`${gw.url}/oauth/install?userType=Company`, { redirect: 'manual' })).headers.get('location')!);
    expect(agency.searchParams.get('user_type')).toBe('Company');
    expect(agency.searchParams.get('scope')!.split(' ')).toContain('oauth.write');
    const location = new URL((await fetch(`${gw.url}/oauth/install?locationId=${MUMBAI}`, { redirect: 'manual' })).headers.get('location')!);
    expect(location.searchParams.get('scope')!.split(' ')).not.toContain('oauth.write');
  });

  it('a call the install was not granted the scope for: UPSTREAM_SCOPE_MISSING naming it and the install URL, no refresh spent', async () => {
    const gw = await gateway();
    await installThroughBrowser(gw.url, `locationId=${MUMBAI}`);
    const [conversation] = (await gw.upstreams.hoopai.searchConversations(MUMBAI, { limit: 1 })).conversations;
    // The app's consent asked for conversations.readonly but not conversations/message.readonly.
    const failure = await gw.upstreams.hoopai.getMessages(MUMBAI, conversation!.id).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).extensions).toEqual({
      code: 'UPSTREAM_SCOPE_MISSING',
      upstream: 'hoopai',
      upstreamStatus: 401,
      traceId: expect.any(String),
      missingScope: 'conversations/message.readonly',
      locationId: MUMBAI,
      installUrl: `${gw.url}/oauth/install?locationId=${MUMBAI}`,
    });
    const stats = await control.stats();
    expect(stats.requests['GET /conversations/:conversationId/messages']).toBe(1);
    expect(stats.tokenRefreshes).toBe(0);
    expect(JSON.stringify((failure as Error).message)).not.toMatch(/Bearer|access_token/);
    // Nor locations.readonly, which Location.name needs: named the same way.
    const location = await gw.upstreams.hoopai.getLocation(MUMBAI).catch((error: unknown) => error);
    expect((location as UpstreamError).extensions).toMatchObject({ code: 'UPSTREAM_SCOPE_MISSING', missingScope: 'locations.readonly', locationId: MUMBAI });
  });
});

describe('an uninstall at HoopAI', () => {
  it('revokes the location: its next call refreshes once, is refused, and fails REAUTH_REQUIRED with the install URL', async () => {
    const gw = await gateway();
    await installThroughBrowser(gw.url, `locationId=${MUMBAI}`);
    await gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 });
    const uninstalled = await fetch(`${sandbox.url}/__sandbox/uninstall`, { method: 'POST', body: JSON.stringify({ locationId: MUMBAI }) });
    expect(uninstalled.status).toBe(200);

    const failure = await gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReauthRequiredError);
    expect((failure as ReauthRequiredError).extensions).toMatchObject({ code: 'REAUTH_REQUIRED', locationId: MUMBAI, installUrl: `${gw.url}/oauth/install?locationId=${MUMBAI}` });
    const stats = await control.stats();
    expect(stats.requests['POST /contacts/search']).toBe(2);
    expect(stats.tokenRefreshes).toBe(1);
    // Marked: the next call fails at once, without another refresh.
    await gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 }).catch(() => undefined);
    expect((await control.stats()).tokenRefreshes).toBe(1);
    // The private-key location is no app install: untouched.
    expect((await gw.upstreams.hoopai.searchContacts(BEATLINE, { pageLimit: 1 })).contacts).toHaveLength(1);
  });
});

describe('OAuth tokens in use', () => {
  it('500 concurrent calls on an expired token: exactly one refresh, the new pair stored first, no refresh token reused', async () => {
    await installThroughBrowser((await gateway()).url, `locationId=${MUMBAI}`);
    const before = (await store.get(tokenKeys.location(MUMBAI)))!;
    await ageStoredPair(tokenKeys.location(MUMBAI));
    await control.faults({ rateLimitPer10s: 1_000 });

    const restarted = await gateway({ perWindow: 1_000 });
    const { values, errors } = await settleAll(
      Array.from({ length: 500 }, () => restarted.upstreams.hoopai.searchConversations(MUMBAI, { limit: 1 })),
    );
    expect(errors).toEqual([]);
    expect(values).toHaveLength(500);
    const stats = await control.stats();
    expect(stats.tokenRefreshes).toBe(1);
    const after = (await store.get(tokenKeys.location(MUMBAI)))!;
    expect(after.version).toBe(before.version + 2);
    expect(after.tokens.refreshToken).not.toBe(before.tokens.refreshToken);
    // The old refresh token is spent: a reuse would have failed with Invalid grant.
    expect((await refreshDirectly(before.tokens.refreshToken!)).status).toBe(400);
  });

  it('a persistent 401 refreshes once, then fails UNAUTHENTICATED', async () => {
    const gw = await gateway();
    await installThroughBrowser(gw.url, `locationId=${MUMBAI}`);
    await control.faults({ tokenTtlSeconds: 0 });
    const failure = await gw.upstreams.hoopai.getContact(MUMBAI, 'any-contact').catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('UNAUTHENTICATED');
    expect((await control.stats()).tokenRefreshes).toBe(1);
  });

  it('Invalid grant marks the location REAUTH_REQUIRED, keeps the pair readable, and a new install heals it', async () => {
    await installThroughBrowser((await gateway()).url, `locationId=${MUMBAI}`);
    const installed = (await store.get(tokenKeys.location(MUMBAI)))!;
    // Another process spent the refresh token without telling us.
    expect((await refreshDirectly(installed.tokens.refreshToken!)).status).toBe(200);
    await ageStoredPair(tokenKeys.location(MUMBAI));

    const gw = await gateway();
    const failure = await gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReauthRequiredError);
    expect((failure as ReauthRequiredError).extensions).toMatchObject({
      code: 'REAUTH_REQUIRED',
      locationId: MUMBAI,
      installUrl: `${gw.url}/oauth/install?locationId=${MUMBAI}`,
    });
    const kept = (await store.get(tokenKeys.location(MUMBAI)))!;
    expect(kept.tokens).toMatchObject({ refreshToken: installed.tokens.refreshToken, reauthRequired: true });

    const refreshesSoFar = (await control.stats()).tokenRefreshes;
    expect(codeOf(await gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 }).catch((error: unknown) => error))).toBe('REAUTH_REQUIRED');
    expect((await control.stats()).tokenRefreshes).toBe(refreshesSoFar);

    expect((await installThroughBrowser(gw.url, `locationId=${MUMBAI}`)).status).toBe(200);
    await expect(gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 })).resolves.toMatchObject({ contacts: expect.any(Array) });
  });

  it('Location is not active fails the call as UPSTREAM_UNAVAILABLE and keeps the refresh token for later', async () => {
    await installThroughBrowser((await gateway()).url, `locationId=${MUMBAI}`);
    const installed = (await store.get(tokenKeys.location(MUMBAI)))!;
    await ageStoredPair(tokenKeys.location(MUMBAI));
    sandbox.setLocationActive(MUMBAI, false);

    const gw = await gateway();
    const failure = await gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 }).catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('UPSTREAM_UNAVAILABLE');
    expect((await store.get(tokenKeys.location(MUMBAI)))!.tokens.refreshToken).toBe(installed.tokens.refreshToken);

    sandbox.setLocationActive(MUMBAI, true);
    await expect(gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 })).resolves.toMatchObject({ contacts: expect.any(Array) });
    expect((await control.stats()).tokenRefreshes).toBe(2);
  });

  it('a location that was never installed is REAUTH_REQUIRED without calling HoopAI', async () => {
    const gw = await gateway();
    const failure = await gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 }).catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('REAUTH_REQUIRED');
    const stats = await control.stats();
    expect(stats.byLocation[MUMBAI] ?? 0).toBe(0);
    expect(stats.tokenRefreshes).toBe(0);
  });
});

describe('token store failures', () => {
  it('a refreshed pair the store refuses is never used, and is stored (not re-refreshed) on the next call', async () => {
    await installThroughBrowser((await gateway()).url, `locationId=${MUMBAI}`);
    await ageStoredPair(tokenKeys.location(MUMBAI));
    const healthy = store;
    let failNextWrite = true;
    store = {
      get: (key) => healthy.get(key),
      compareAndSet: async (key, version, tokens) => {
        if (failNextWrite) {
          failNextWrite = false;
          throw new Error('disk full');
        }
        return healthy.compareAndSet(key, version, tokens);
      },
    };
    const gw = await gateway();
    const dataCallsBefore = (await control.stats()).byLocation[MUMBAI] ?? 0;

    await expect(gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 })).rejects.toThrow('disk full');
    // The refresh happened, but no call went out with a pair that is not stored.
    expect((await control.stats()).tokenRefreshes).toBe(1);
    expect((await control.stats()).byLocation[MUMBAI] ?? 0).toBe(dataCallsBefore);

    await expect(gw.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 })).resolves.toMatchObject({ contacts: expect.any(Array) });
    expect((await control.stats()).tokenRefreshes).toBe(1);
    expect((await healthy.get(tokenKeys.location(MUMBAI)))!.tokens.expiresAt).toBeGreaterThan(Date.now());
  });
});
