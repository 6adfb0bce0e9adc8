import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { privateIntegrationKey, SANDBOX_COMPANY_ID, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { call, controlPost, install, stats, tokenRequest } from './helpers/hoopai-sandbox';

const [A, B] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];
const INVALID_TOKEN = { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sandbox: RunningHoopaiSandbox;
let url: string;

beforeAll(async () => {
  sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  url = sandbox.url;
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await controlPost(url, '/__sandbox/faults', {});
  await controlPost(url, '/__sandbox/reset');
});

const search = (token: string | undefined, locationId = A, version?: string | null) =>
  call(url, 'POST', '/contacts/search', { token, version, json: { locationId, pageLimit: 1 } });

describe('the Version header', () => {
  it('is required on API routes, checked before the token, with the upstream 400 body', async () => {
    const without = await search(privateIntegrationKey(A), A, null);
    expect(without.status).toBe(400);
    expect(without.body).toEqual({ statusCode: 400, message: 'version header was not found' });
    expect((await search(undefined, A, null)).status).toBe(400);
    expect((await search(privateIntegrationKey(A), A, '')).status).toBe(400);
    expect((await search(privateIntegrationKey(A), A, '2021-07-28')).status).toBe(200);
    expect((await stats(url)).byLocation[A]).toBe(1);
  });

  it('is required by /oauth/locationToken but not by /oauth/token nor the consent page', async () => {
    const agency = await install(url, { user_type: 'Company' });
    const mint = (version: string | null) =>
      call(url, 'POST', '/oauth/locationToken', { token: agency.access_token, version, form: { companyId: SANDBOX_COMPANY_ID, locationId: A } });
    expect((await mint(null)).body).toEqual({ statusCode: 400, message: 'version header was not found' });
    expect((await mint('2021-07-28')).status).toBe(200);
    // install() opened the consent page and exchanged the code without a Version header.
    const refreshed = await tokenRequest(url, { grant_type: 'refresh_token', refresh_token: agency.refresh_token });
    expect(refreshed.status).toBe(200);
  });
});

describe('bearer tokens', () => {
  it('answers 401 in the upstream shape for a missing, unknown, malformed or foreign-format token', async () => {
    for (const token of [undefined, 'nope', `pit-sandbox-${A}x`, privateIntegrationKey('unknownLocation000000')]) {
      const answer = await search(token);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(INVALID_TOKEN);
    }
    const basic = await fetch(`${url}/contacts/search`, {
      method: 'POST',
      headers: { version: '2021-07-28', authorization: `Basic ${privateIntegrationKey(A)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: A, pageLimit: 1 }),
    });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toEqual(INVALID_TOKEN);
    // Refused requests are not counted for any location.
    expect((await stats(url)).byLocation).toEqual({});
  });

  it('accepts the private integration key of each location, for that location only', async () => {
    for (const location of SANDBOX_LOCATIONS) {
      expect((await search(privateIntegrationKey(location.id), location.id)).status).toBe(200);
    }
    const foreign = await search(privateIntegrationKey(A), B);
    expect(foreign.status).toBe(403);
    expect((await stats(url)).byLocation).toEqual(Object.fromEntries([...SANDBOX_LOCATIONS.map((l) => [l.id, l.id === A ? 2 : 1])]));
  });

  it('scopes a key to its location through the data routes: A’s key reading B’s contact is 403', async () => {
    const bContact = (await search(privateIntegrationKey(B), B)).body.contacts[0].id as string;
    const asB = await call(url, 'GET', `/contacts/${bContact}`, { token: privateIntegrationKey(B) });
    expect(asB.status).toBe(200);
    expect(asB.body.contact.id).toBe(bContact);
    const asA = await call(url, 'GET', `/contacts/${bContact}`, { token: privateIntegrationKey(A) });
    expect(asA.status).toBe(403);
    expect(asA.body).toMatchObject({ statusCode: 403 });
  });

  it('accepts OAuth location tokens for their location and counts agency tokens under the company', async () => {
    const location = await install(url, { locationId: B });
    expect((await search(location.access_token, B)).status).toBe(200);
    expect((await search(location.access_token, A)).status).toBe(403);

    const agency = await install(url, { userType: 'Company' });
    const asAgency = await search(agency.access_token, A);
    expect(asAgency.status).toBe(401);
    expect(asAgency.body.message).toMatch(/authClass/);
    expect((await stats(url)).byLocation).toEqual({ [B]: 2, [SANDBOX_COMPANY_ID]: 1 });
  });
});

describe('token lifetimes', () => {
  it('applies tokenTtlSeconds to tokens already issued, judged from their issue time', async () => {
    const issued = await install(url, { locationId: A });
    expect(issued.expires_in).toBe(86_399);
    expect((await search(issued.access_token)).status).toBe(200);

    await controlPost(url, '/__sandbox/faults', { tokenTtlSeconds: 0 });
    const expired = await search(issued.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual(INVALID_TOKEN);
    // Private integration keys never expire.
    expect((await search(privateIntegrationKey(A))).status).toBe(200);

    // Back to the default: the same token is within its 24 h again.
    await controlPost(url, '/__sandbox/faults', {});
    expect((await search(issued.access_token)).status).toBe(200);
  });

  it('reports the overridden lifetime as expires_in on new tokens', async () => {
    await controlPost(url, '/__sandbox/faults', { tokenTtlSeconds: 3600 });
    const issued = await install(url);
    expect(issued.expires_in).toBe(3600);
    expect((await search(issued.access_token, issued.locationId)).status).toBe(200);
  });
});

describe('every response', () => {
  it('carries a traceId header, the body’s own traceId where the route documents one', async () => {
    const found = await search(privateIntegrationKey(A));
    expect(found.headers.get('traceid')).toBe(found.body.traceId);
    expect(found.body.traceId).toMatch(UUID);

    const others = [
      await search(undefined),
      await search(privateIntegrationKey(A), A, null),
      await call(url, 'GET', '/no/such/route', { token: privateIntegrationKey(A) }),
      await call(url, 'GET', '/oauth/chooselocation', { version: null }),
    ];
    for (const answer of others) expect(answer.headers.get('traceid')).toMatch(UUID);
    // Documented bodies without a traceId do not grow one.
    expect(others[0]!.body).toEqual(INVALID_TOKEN);
  });

  it('uses the upstream error shape for unknown routes and injected faults', async () => {
    const missing = await call(url, 'GET', '/no/such/route', { token: privateIntegrationKey(A) });
    expect(missing).toMatchObject({ status: 404, body: { statusCode: 404, message: 'Cannot GET /no/such/route', error: 'Not Found' } });
    await controlPost(url, '/__sandbox/faults', { errorRate: 1, errorStatus: 503 });
    const fault = await search(privateIntegrationKey(A));
    expect(fault).toMatchObject({ status: 503, body: { statusCode: 503, message: 'Injected fault', error: 'Service Unavailable' } });
  });
});

describe('GET /locations/:locationId', () => {
  const read = (token: string, locationId = A) => call(url, 'GET', `/locations/${locationId}`, { token });

  it('answers {location} to its own key or token, and to an agency token for the locations it approved', async () => {
    const own = await read(privateIntegrationKey(A));
    expect(own.status).toBe(200);
    expect(own.body.location).toMatchObject({ id: A, name: SANDBOX_LOCATIONS[0]!.name, companyId: SANDBOX_COMPANY_ID, timezone: SANDBOX_LOCATIONS[0]!.timezone });
    const agency = await install(url, { user_type: 'Company' });
    expect((await read(agency.access_token, B)).body.location.id).toBe(B);
  });

  it('refuses another location (403), an unknown one (400), and a token without locations.readonly (401)', async () => {
    expect((await read(privateIntegrationKey(A), B)).status).toBe(403);
    expect((await read(privateIntegrationKey(A), 'AAAAAAAAAAAAAAAAAAAA')).body).toEqual({ statusCode: 400, message: 'Location with id AAAAAAAAAAAAAAAAAAAA not found' });
    const narrow = await install(url, { locationId: A, scope: 'contacts.readonly' });
    expect((await read(narrow.access_token)).status).toBe(401);
    expect((await call(url, 'GET', `/locations/${A}`, { token: privateIntegrationKey(A), version: '2021-04-15' })).status).toBe(400);
  });
});
