import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { SANDBOX_COMPANY_ID, SANDBOX_LOCATIONS, SANDBOX_OAUTH_APP } from '../src/sandbox/hoopai/locations';
import { call, consentCode, controlPost, install, REDIRECT_URI, stats, tokenRequest, type TokenAnswer } from './helpers/hoopai-sandbox';

const [A, B, C] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string, string];
const INVALID_REFRESH = { statusCode: 400, message: 'Invalid grant: refresh token is invalid' };
const NOT_ACTIVE = { statusCode: 400, message: 'Location is not active' };

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

const readsContacts = async (token: string, locationId: string) =>
  (await call(url, 'POST', '/contacts/search', { token, json: { locationId, pageLimit: 1 } })).status === 200;
const refresh = (refreshToken: string) => tokenRequest(url, { grant_type: 'refresh_token', refresh_token: refreshToken, user_type: 'Location' });

describe('the consent page', () => {
  it('auto-approves and redirects to redirect_uri with a code and the state, at both paths', async () => {
    for (const path of ['/oauth/chooselocation', '/v2/oauth/chooselocation']) {
      const answer = await call(url, 'GET', path, {
        version: null,
        query: { response_type: 'code', client_id: SANDBOX_OAUTH_APP.clientId, redirect_uri: `${REDIRECT_URI}?keep=1`, scope: 'contacts.readonly', state: 's t&8' },
      });
      expect(answer.status).toBe(302);
      const target = new URL(answer.headers.get('location')!);
      expect(`${target.origin}${target.pathname}`).toBe(REDIRECT_URI);
      expect(target.searchParams.get('keep')).toBe('1');
      expect(target.searchParams.get('state')).toBe('s t&8');
      expect(target.searchParams.get('code')).toMatch(/^[0-9a-f]{48}$/);
    }
    const withoutState = await call(url, 'GET', '/oauth/chooselocation', {
      version: null,
      query: { response_type: 'code', client_id: SANDBOX_OAUTH_APP.clientId, redirect_uri: REDIRECT_URI },
    });
    expect(new URL(withoutState.headers.get('location')!).searchParams.has('state')).toBe(false);
  });

  it('answers a 400 page for an unknown client, a bad redirect_uri or response_type, an unknown location', async () => {
    const base = { response_type: 'code', client_id: SANDBOX_OAUTH_APP.clientId, redirect_uri: REDIRECT_URI };
    for (const query of [
      { ...base, client_id: 'someone-else' },
      { ...base, redirect_uri: 'not a url' },
      { ...base, redirect_uri: 'javascript:alert(1)' },
      { ...base, response_type: 'token' },
      { ...base, locationId: 'noSuchLocation' },
    ]) {
      const answer = await call(url, 'GET', '/oauth/chooselocation', { version: null, query });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.headers.get('location')).toBeNull();
    }
  });
});

describe('the authorization code exchange', () => {
  it('answers the documented token shape for the chosen location, and counts a grant', async () => {
    const code = await consentCode(url, { locationId: B, scope: 'contacts.readonly contacts.write' });
    const answer = await tokenRequest(url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, user_type: 'Location' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 86_399,
      refresh_token: expect.any(String),
      scope: 'contacts.readonly contacts.write',
      userType: 'Location',
      locationId: B,
      companyId: SANDBOX_COMPANY_ID,
      approvedLocations: [B],
      userId: expect.any(String),
      planId: expect.any(String),
    });
    expect(await readsContacts(answer.body.access_token, B)).toBe(true);
    expect((await stats(url)).tokenGrants).toBe(1);
  });

  it('defaults to the first location and refuses a reused code', async () => {
    const code = await consentCode(url);
    const first = await tokenRequest(url, { grant_type: 'authorization_code', code });
    expect(first.body.locationId).toBe(A);
    const again = await tokenRequest(url, { grant_type: 'authorization_code', code });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ statusCode: 400, message: 'Invalid grant: authorization code is invalid' });
  });

  it('refuses a redirect_uri other than the consent’s, and the code is spent', async () => {
    const code = await consentCode(url);
    const wrong = await tokenRequest(url, { grant_type: 'authorization_code', code, redirect_uri: 'https://evil.example.test/cb' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/^Invalid grant: redirect_uri/);
    expect((await tokenRequest(url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })).status).toBe(400);
  });

  it('answers 401 for a wrong client secret or client id, without spending the code', async () => {
    const code = await consentCode(url);
    const wrongCredentials: Record<string, string>[] = [{ client_secret: 'wrong' }, { client_id: 'other-app' }];
    for (const credentials of wrongCredentials) {
      const answer = await tokenRequest(url, { grant_type: 'authorization_code', code, ...credentials });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
    expect((await tokenRequest(url, { grant_type: 'authorization_code', code })).status).toBe(200);
    expect((await stats(url)).tokenGrants).toBe(1);
  });

  it('answers 422 for missing fields or an unknown grant type', async () => {
    const missing = await call(url, 'POST', '/oauth/token', { version: null, form: { client_id: SANDBOX_OAUTH_APP.clientId } });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      statusCode: 422,
      message: ['client_secret should not be empty', 'grant_type should not be empty'],
      error: 'Unprocessable Entity',
    });
    expect((await tokenRequest(url, { grant_type: 'password' })).status).toBe(422);
    expect((await tokenRequest(url, { grant_type: 'authorization_code' })).body.message).toEqual(['code should not be empty']);
  });
});

describe('user_type', () => {
  const exchange = (code: string, userType?: string) =>
    tokenRequest(url, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...(userType ? { user_type: userType } : {}) });

  it('must match the consent on the code exchange: Company for an agency install, Location for a sub-account', async () => {
    const agency = await exchange(await consentCode(url, { user_type: 'Company' }), 'Company');
    expect(agency.body).toMatchObject({ userType: 'Company', companyId: SANDBOX_COMPANY_ID });
    const location = await exchange(await consentCode(url, { locationId: B }), 'Location');
    expect(location.body).toMatchObject({ userType: 'Location', locationId: B });
    // Absent, the install decides (the field is optional in GetAccessCodebodyDto).
    expect((await exchange(await consentCode(url, { locationId: B }))).body.userType).toBe('Location');

    const asLocation = await exchange(await consentCode(url, { user_type: 'Company' }), 'Location');
    expect(asLocation).toMatchObject({
      status: 400,
      body: { statusCode: 400, message: 'user_type Location does not match the consent: this app was installed as Company' },
    });
    expect((await exchange(await consentCode(url, { locationId: A }), 'Company')).status).toBe(400);
  });

  it('must match the install on a refresh; a refused refresh spends nothing', async () => {
    const agency = await install(url, { user_type: 'Company' });
    const wrong = await tokenRequest(url, { grant_type: 'refresh_token', refresh_token: agency.refresh_token, user_type: 'Location' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).not.toMatch(/invalid grant/i);
    const right = await tokenRequest(url, { grant_type: 'refresh_token', refresh_token: agency.refresh_token, user_type: 'Company' });
    expect(right.body).toMatchObject({ userType: 'Company', refresh_token: expect.any(String) });
  });
});

describe('refresh tokens', () => {
  it('rotate: a refresh returns a new working pair; the old access token lives until it expires', async () => {
    const first = await install(url, { locationId: A });
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ token_type: 'Bearer', expires_in: 86_399, userType: 'Location', locationId: A, companyId: SANDBOX_COMPANY_ID });
    expect(second.body.access_token).not.toBe(first.access_token);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(await readsContacts(second.body.access_token, A)).toBe(true);
    expect(await readsContacts(first.access_token, A)).toBe(true);
    expect((await refresh(second.body.refresh_token)).status).toBe(200);
    expect((await stats(url)).tokenRefreshes).toBe(2);
  });

  it('are single-use: a reused refresh token gets the exact invalid-grant answer, and the attempt is counted', async () => {
    const installed = await install(url);
    expect((await refresh(installed.refresh_token)).status).toBe(200);
    const reused = await refresh(installed.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual(INVALID_REFRESH);
    expect((await refresh('never-issued')).body).toEqual(INVALID_REFRESH);
    expect((await stats(url)).tokenRefreshes).toBe(3);
  });

  it('two concurrent refreshes of one token: exactly one wins', async () => {
    const installed = await install(url);
    const answers = await Promise.all([refresh(installed.refresh_token), refresh(installed.refresh_token)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
  });

  it('“Location is not active” leaves the refresh token usable once the location is active again', async () => {
    const installed = await install(url, { locationId: C });
    const deactivate = await controlPost(url, `/__sandbox/locations/${C}/active`, { active: false });
    expect(deactivate.body).toEqual({ locationId: C, active: false });
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await refresh(installed.refresh_token);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual(NOT_ACTIVE);
    }
    // Other locations are unaffected.
    expect((await refresh((await install(url, { locationId: A })).refresh_token)).status).toBe(200);

    await controlPost(url, `/__sandbox/locations/${C}/active`, { active: true });
    expect((await refresh(installed.refresh_token)).status).toBe(200);
  });

  it('the running sandbox can mark a location inactive too, and reset makes it active again', async () => {
    const installed = await install(url, { locationId: B });
    sandbox.setLocationActive(B, false);
    expect((await refresh(installed.refresh_token)).body).toEqual(NOT_ACTIVE);
    await controlPost(url, '/__sandbox/reset');
    expect((await refresh(installed.refresh_token)).status).toBe(200);
  });

  it('survive the control plane reset, like every OAuth credential', async () => {
    const installed = await install(url, { locationId: B });
    await controlPost(url, '/__sandbox/reset');
    expect(await readsContacts(installed.access_token, B)).toBe(true);
    expect((await refresh(installed.refresh_token)).status).toBe(200);
  });

  it('refuses the control route for an unknown location or a body without "active"', async () => {
    expect((await controlPost(url, '/__sandbox/locations/nope/active', { active: false })).status).toBe(404);
    expect((await controlPost(url, `/__sandbox/locations/${A}/active`, { active: 'no' })).status).toBe(400);
  });
});

describe('location tokens from an agency token', () => {
  let agency: TokenAnswer;
  beforeEach(async () => {
    agency = await install(url, { user_type: 'Company' });
  });
  const mint = (token: string, form: Record<string, string>) => call(url, 'POST', '/oauth/locationToken', { token, form });

  it('an agency install is a Company token approved for every location', () => {
    expect(agency).toMatchObject({ userType: 'Company', companyId: SANDBOX_COMPANY_ID, approvedLocations: [A, B, C] });
    expect(agency.locationId).toBeUndefined();
  });

  it('mints a working location token with its own refresh token, counted as a grant', async () => {
    const grantsBefore = (await stats(url)).tokenGrants;
    const minted = await mint(agency.access_token, { companyId: SANDBOX_COMPANY_ID, locationId: B });
    expect(minted.status).toBe(200);
    expect(minted.body).toMatchObject({ token_type: 'Bearer', expires_in: 86_399, locationId: B, access_token: expect.any(String), refresh_token: expect.any(String) });
    expect(await readsContacts(minted.body.access_token, B)).toBe(true);
    expect(await readsContacts(minted.body.access_token, A)).toBe(false);
    expect((await stats(url)).tokenGrants).toBe(grantsBefore + 1);

    const refreshed = await refresh(minted.body.refresh_token);
    expect(refreshed.body).toMatchObject({ userType: 'Location', locationId: B });
  });

  it('refuses location tokens as the bearer, foreign companies and locations, and inactive locations', async () => {
    const location = await install(url, { locationId: A });
    const asLocation = await mint(location.access_token, { companyId: SANDBOX_COMPANY_ID, locationId: A });
    expect(asLocation.status).toBe(401);
    expect((await mint(agency.access_token, { companyId: 'otherCompany', locationId: A })).status).toBe(403);
    expect((await mint(agency.access_token, { companyId: SANDBOX_COMPANY_ID, locationId: 'otherLocation' })).status).toBe(403);
    expect((await mint(agency.access_token, { companyId: SANDBOX_COMPANY_ID })).status).toBe(422);
    sandbox.setLocationActive(A, false);
    expect((await mint(agency.access_token, { companyId: SANDBOX_COMPANY_ID, locationId: A })).body).toEqual(NOT_ACTIVE);
  });
});
