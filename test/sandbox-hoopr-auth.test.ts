import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { HOOPR_ERROR_CODES } from '../src/sandbox/hoopr/envelope';
import { HOOPR_SANDBOX_CREDENTIALS } from '../src/sandbox/hoopr/index';
import { FULL_CLIENT, LIVE_CLIENT, NO_SEARCH_CLIENT, useHooprHarness } from './helpers/hoopr-sandbox';

const api = useHooprHarness();

/** Asserts the Hoopr error envelope and returns its code. */
function errorCode(response: { status: number; body: any }, status: number): number {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ data: null, error: { code: expect.any(Number), message: expect.any(String) } });
  expect(response.body.error.code).not.toBe(0);
  return response.body.error.code;
}

describe('POST /v1/auth/token', () => {
  it('issues a JWT-looking bearer token in the documented envelope, in test mode for hpr_test_ secrets', async () => {
    const response = await api.grant(FULL_CLIENT);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { access_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/), token_type: 'Bearer', expires_in: 3600, scope: 'catalog:read search', mode: 'test' },
      error: { code: 0, message: 'Token issued' },
    });
    expect((await api.grant(FULL_CLIENT)).body.data.access_token).not.toBe(response.body.data.access_token);
  });

  it('exports the default credentials and hands them out with the running sandbox', () => {
    expect(HOOPR_SANDBOX_CREDENTIALS).toEqual({ clientId: 'sandbox-client', clientSecret: 'hpr_test_sandbox_secret' });
    expect(api.sandbox.credentials).toEqual(HOOPR_SANDBOX_CREDENTIALS);
    expect(FULL_CLIENT).toMatchObject(HOOPR_SANDBOX_CREDENTIALS);
  });

  it('answers mode live for hpr_live_ secrets, and a narrower scope for the no-search client', async () => {
    expect((await api.grant(LIVE_CLIENT)).body.data).toMatchObject({ mode: 'live', scope: 'catalog:read search' });
    expect((await api.grant(NO_SEARCH_CLIENT)).body.data).toMatchObject({ mode: 'test', scope: 'catalog:read' });
  });

  it('refuses wrong credentials with 401 and counts no grant', async () => {
    const wrongSecret = await api.grant({ clientId: FULL_CLIENT.clientId, clientSecret: 'hpr_test_wrong' });
    expect(errorCode(wrongSecret, 401)).toBe(HOOPR_ERROR_CODES.invalidClient);
    // A real secret of another client is still the wrong secret.
    const crossed = await api.grant({ clientId: FULL_CLIENT.clientId, clientSecret: LIVE_CLIENT.clientSecret });
    expect(errorCode(crossed, 401)).toBe(HOOPR_ERROR_CODES.invalidClient);
    expect(errorCode(await api.grant({ clientId: 'nobody', clientSecret: FULL_CLIENT.clientSecret }), 401)).toBe(HOOPR_ERROR_CODES.invalidClient);
    expect((await api.control.stats()).tokenGrants).toBe(0);
  });

  it('answers 400 for a malformed body, a wrong grant type, missing fields or a non-JSON content type', async () => {
    const good = { grant_type: 'client_credentials', client_id: FULL_CLIENT.clientId, client_secret: FULL_CLIENT.clientSecret };
    expect(errorCode(await api.post('/v1/auth/token', '{"grant_type":'), 400)).toBe(HOOPR_ERROR_CODES.malformedBody);
    expect(errorCode(await api.post('/v1/auth/token', ''), 400)).toBe(HOOPR_ERROR_CODES.malformedBody);
    expect(errorCode(await api.post('/v1/auth/token', '[1,2]'), 400)).toBe(HOOPR_ERROR_CODES.malformedBody);
    const form = new URLSearchParams(good).toString();
    expect(errorCode(await api.post('/v1/auth/token', form, 'application/x-www-form-urlencoded'), 400)).toBe(HOOPR_ERROR_CODES.malformedBody);
    const password = JSON.stringify({ ...good, grant_type: 'password' });
    expect(errorCode(await api.post('/v1/auth/token', password), 400)).toBe(HOOPR_ERROR_CODES.unsupportedGrantType);
    const noSecret = JSON.stringify({ grant_type: 'client_credentials', client_id: FULL_CLIENT.clientId });
    expect(errorCode(await api.post('/v1/auth/token', noSecret), 400)).toBe(HOOPR_ERROR_CODES.invalidParameter);
    // The same body with the right content type (charset allowed) is fine.
    expect((await api.post('/v1/auth/token', JSON.stringify(good), 'application/json; charset=utf-8')).status).toBe(200);
  });

  it('reports the lifetime the sandbox enforces now in expires_in', async () => {
    await api.control.faults({ tokenTtlSeconds: 120 });
    expect((await api.grant()).body.data.expires_in).toBe(120);
  });
});

describe('bearer tokens on catalog routes', () => {
  it('answers 401 without a token, with a malformed header or an unknown token', async () => {
    expect(errorCode(await api.get('/v1/tracks', { token: null }), 401)).toBe(HOOPR_ERROR_CODES.missingToken);
    const basic = await fetch(`${api.url}/v1/tracks`, { headers: { authorization: 'Basic c2FuZGJveDpzZWNyZXQ=' } });
    expect(errorCode({ status: basic.status, body: await basic.json() }, 401)).toBe(HOOPR_ERROR_CODES.missingToken);
    const unknown = await api.get('/v1/tracks/anything', { token: 'eyJhbGciOiJIUzI1NiJ9.e30.forged' });
    expect(errorCode(unknown, 401)).toBe(HOOPR_ERROR_CODES.invalidToken);
    expect(unknown.headers.get('www-authenticate')).toMatch(/invalid_token/);
  });

  it('accepts the scheme name in any case', async () => {
    const token = await api.token();
    const response = await fetch(`${api.url}/v1/filters`, { headers: { authorization: `bearer ${token}` } });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });

  it('expires a token tokenTtlSeconds after it was issued, for tokens issued before the fault too', async () => {
    const before = await api.token();
    await api.control.faults({ tokenTtlSeconds: 1 });
    const during = await api.token();
    expect((await api.get('/v1/filters', { token: during })).status).toBe(200);
    await sleep(1_100);
    expect(errorCode(await api.get('/v1/filters', { token: before }), 401)).toBe(HOOPR_ERROR_CODES.expiredToken);
    expect(errorCode(await api.get('/v1/filters', { token: during }), 401)).toBe(HOOPR_ERROR_CODES.expiredToken);
    // Lifting the fault gives both their hour back: the lifetime is read at every check.
    await api.control.faults({});
    expect((await api.get('/v1/filters', { token: before })).status).toBe(200);
    expect((await api.get('/v1/filters', { token: during })).status).toBe(200);
  });

  it('with tokenTtlSeconds 0 every token is dead on arrival', async () => {
    await api.control.faults({ tokenTtlSeconds: 0 });
    const token = await api.token();
    expect(errorCode(await api.get('/v1/tracks', { token }), 401)).toBe(HOOPR_ERROR_CODES.expiredToken);
  });

  it('answers 403 on search for a token without the search scope, and serves the catalog to it', async () => {
    const token = await api.token(NO_SEARCH_CLIENT);
    const search = await api.get('/v1/search', { token, query: { q: 'drive' } });
    expect(errorCode(search, 403)).toBe(HOOPR_ERROR_CODES.insufficientScope);
    expect(search.body.error.message).toMatch(/search/);
    expect((await api.get('/v1/tracks', { token, query: { pageSize: 1 } })).status).toBe(200);
    expect((await api.get('/v1/search', { token: await api.token(FULL_CLIENT), query: { q: 'drive' } })).status).toBe(200);
  });

  it('keeps tokens valid across /__sandbox/reset', async () => {
    const token = await api.token();
    await api.control.reset();
    expect((await api.get('/v1/tracks', { token, query: { pageSize: 1 } })).status).toBe(200);
  });

  it('answers an unknown route with a 404 envelope and a wrong method with 405', async () => {
    expect(errorCode(await api.get('/v1/albums'), 404)).toBe(40401);
    expect(errorCode(await api.post('/v1/tracks', '{}'), 405)).toBe(40501);
  });
});
