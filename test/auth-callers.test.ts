import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/auth/api-keys';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';

const [locationA, locationB] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];
const READER_KEY = 'hk_live_reader_0123456789';
const ISSUER = 'https://idp.test';
const AUDIENCE = 'hoop-gateway';
const SECRET = 'a-shared-secret-of-at-least-32-characters!';
const VIEWER = '{ viewer { name scopes locations { id } } }';

function sign(claims: Record<string, unknown>, options: { secret?: string; audience?: string; expiresIn?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-42')
    .setIssuer(ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe('callers: hashed API keys and HS256 JWTs', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startSandboxGateway({
      API_KEYS: JSON.stringify([{ name: 'reporting', sha256: sha256Hex(READER_KEY), scopes: ['crm:read'], locations: [locationA] }]),
      JWT_SECRET: SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  it('resolves a configured API key to its name, scopes and locations', async () => {
    const { status, body } = await graphql(gateway.graphqlUrl, VIEWER, { key: READER_KEY });
    expect(status).toBe(200);
    expect(body.data).toEqual({ viewer: { name: 'reporting', scopes: ['crm:read'], locations: [{ id: locationA }] } });
  });

  it('refuses the hash itself, a near miss and a non-bearer scheme with 401', async () => {
    for (const key of [sha256Hex(READER_KEY), `${READER_KEY}x`]) {
      const { status, body } = await graphql(gateway.graphqlUrl, VIEWER, { key });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const basic = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`x:${READER_KEY}`).toString('base64')}` },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(basic.status).toBe(401);
  });

  it('takes scopes and locations from a valid JWT, keeping only known scopes', async () => {
    const token = await sign({ scope: 'crm:read crm:write admin:everything', locations: [locationB, locationB, 42] });
    const { status, body } = await graphql(gateway.graphqlUrl, VIEWER, { key: token });
    expect(status).toBe(200);
    expect(body.data).toEqual({ viewer: { name: 'jwt:user-42', scopes: ['crm:read', 'crm:write'], locations: [{ id: locationB }] } });
  });

  it('answers 401 for an expired JWT, another audience, or another signing key', async () => {
    const cases = [
      { token: await sign({ scope: 'crm:read' }, { expiresIn: '-5m' }), message: /expired/ },
      { token: await sign({ scope: 'crm:read' }, { audience: 'another-service' }), message: /not signed for this gateway/ },
      { token: await sign({ scope: 'crm:read' }, { secret: 'another-secret-that-is-also-32-chars-long' }), message: /not signed/ },
    ];
    for (const { token, message } of cases) {
      const { status, body } = await graphql(gateway.graphqlUrl, VIEWER, { key: token });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(body.errors?.[0]?.message).toMatch(message);
    }
  });

  it('still accepts the sandbox development keys next to configured callers', async () => {
    const { body } = await graphql(gateway.graphqlUrl, '{ viewer { name } }');
    expect(body.data).toEqual({ viewer: { name: 'sandbox developer' } });
  });

  it('answers FORBIDDEN (HTTP 200, a field error) on a field the caller has no scope for', async () => {
    const { status, body } = await graphql(gateway.graphqlUrl, '{ viewer { name } tracks(first: 1) { totalCount } }', { key: READER_KEY });
    expect(status).toBe(200);
    // The list fails alone: the rest of the answer stands.
    expect(body.data).toEqual({ viewer: { name: 'reporting' }, tracks: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['tracks'], extensions: { code: 'FORBIDDEN' } });
  });
});

describe('callers: JWTs verified against a JWKS', () => {
  let gateway: RunningGateway;
  let jwks: Server;
  let privateKey: CryptoKey;
  let jwksRequests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_, response) => {
      jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    gateway = await startSandboxGateway({
      JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_LOCATIONS_CLAIM: 'https://hoop.example/locations',
    });
  });
  afterAll(async () => {
    await gateway?.close(1_000);
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const es256 = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'key-1', ...header })
      .setSubject('svc-7')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey);

  it('verifies tokens with the published key, fetching the key set once for many requests', async () => {
    const token = await es256({ scope: 'crm:read catalog:read', 'https://hoop.example/locations': [locationA] });
    for (let i = 0; i < 3; i++) {
      const { status, body } = await graphql(gateway.graphqlUrl, VIEWER, { key: token });
      expect(status).toBe(200);
      expect(body.data).toEqual({ viewer: { name: 'jwt:svc-7', scopes: ['catalog:read', 'crm:read'], locations: [{ id: locationA }] } });
    }
    expect(jwksRequests).toBe(1);
  });

  it('refuses an HS256 token even when its secret is the public key material', async () => {
    const forged = await sign({ scope: 'crm:read crm:write' }, { secret: JSON.stringify({ kid: 'key-1' }).padEnd(40, '=') });
    const { status } = await graphql(gateway.graphqlUrl, VIEWER, { key: forged });
    expect(status).toBe(401);
  });
});
