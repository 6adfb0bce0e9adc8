import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { logger } from '../src/logger';
import { upstreamOptionsFrom } from '../src/server/upstream-options';
import { problemsOf } from './helpers/config-problems';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const TOKEN_KEY = Buffer.alloc(32, 7).toString('base64');

describe('loadConfig', () => {
  it('runs both upstreams on the sandbox when nothing is configured', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.hoopr).toEqual({ sandbox: true, sandboxPort: 4010 });
    expect(config.hoopai).toMatchObject({ sandbox: true, sandboxPort: 4020, rateLimitPer10s: 100, rateLimitDaily: 200_000 });
    expect(config.hoopai.versions).toEqual({ contacts: '2021-07-28', conversations: '2021-07-28', oauth: '2021-07-28', locations: '2021-07-28' });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', HOOPR_BASE_URL: '' }).hoopr.sandbox).toBe(true);
  });

  it('names the variable and what it expects for malformed values', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual(['PORT: expected a port number']);
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT: expected a port from 0 to 65535']);
    expect(problemsOf({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL: expected one of fatal, error, warn, info/);
    expect(problemsOf({ HOOPR_BASE_URL: 'hoopr.example' })).toEqual(['HOOPR_BASE_URL: expected an absolute http(s) URL']);
    expect(problemsOf({ HOOPAI_VERSION_CONTACTS: 'v2' })).toEqual(['HOOPAI_VERSION_CONTACTS: expected a date like 2021-07-28']);
    expect(problemsOf({ COMPILED_QUERIES: 'yes' })).toEqual(['COMPILED_QUERIES: expected on or off']);
  });

  it('compiles queries unless COMPILED_QUERIES=off', () => {
    expect(loadConfig({}).compiledQueries).toBe(true);
    expect(loadConfig({ COMPILED_QUERIES: 'off' }).compiledQueries).toBe(false);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ PORT: '-1', REQUEST_TIMEOUT_MS: '0', HOOPR_SANDBOX_PORT: 'x' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['HOOPR_SANDBOX_PORT', 'PORT', 'REQUEST_TIMEOUT_MS']);
  });

  it('requires Hoopr credentials with a Hoopr base URL, and checks the secret prefix', () => {
    expect(problemsOf({ HOOPR_BASE_URL: 'https://b2b.hoopr.example' })).toEqual([
      'HOOPR_CLIENT_ID: required when HOOPR_BASE_URL is set (your Hoopr client id)',
      'HOOPR_CLIENT_SECRET: required when HOOPR_BASE_URL is set (hpr_test_… or hpr_live_…)',
    ]);
    expect(problemsOf({ HOOPR_CLIENT_SECRET: 'sk_wrong' })).toEqual([
      'HOOPR_CLIENT_SECRET: expected a Hoopr secret starting hpr_test_ or hpr_live_',
    ]);
    const live = loadConfig({
      HOOPR_BASE_URL: 'https://b2b.hoopr.example/',
      HOOPR_CLIENT_ID: 'acme',
      HOOPR_CLIENT_SECRET: 'hpr_live_abc',
    });
    expect(live.hoopr).toEqual({ sandbox: false, baseUrl: 'https://b2b.hoopr.example', clientId: 'acme', clientSecret: 'hpr_live_abc' });
    expect(live.host).toBe('0.0.0.0');
  });

  it('refuses live-only HoopAI settings without a HoopAI base URL', () => {
    expect(problemsOf({ HOOPAI_PRIVATE_INTEGRATION_KEYS: 'loc1:pit-1' })[0]).toMatch(
      /^HOOPAI_PRIVATE_INTEGRATION_KEYS: set, but HOOPAI_BASE_URL is not/,
    );
  });

  it('parses private integration keys and never echoes a key in an error', () => {
    const config = loadConfig({
      HOOPAI_BASE_URL: 'https://services.leadconnectorhq.com',
      HOOPAI_PRIVATE_INTEGRATION_KEYS: 'locA:pit-aaa, locB:pit-bbb',
    });
    expect(config.hoopai.sandbox === false && config.hoopai.privateKeys).toEqual({ locA: 'pit-aaa', locB: 'pit-bbb' });

    const problems = problemsOf({
      HOOPAI_BASE_URL: 'https://services.leadconnectorhq.com',
      HOOPAI_PRIVATE_INTEGRATION_KEYS: 'locA:pit-secret-1,pit-secret-2,locA:pit-secret-3',
    });
    expect(problems).toEqual([
      'HOOPAI_PRIVATE_INTEGRATION_KEYS: entry 2 is not locationId:key',
      'HOOPAI_PRIVATE_INTEGRATION_KEYS: location locA is listed twice',
    ]);
    expect(problems.join('\n')).not.toMatch(/pit-secret/);
  });

  it('requires credentials for at least one location with a HoopAI base URL', () => {
    expect(problemsOf({ HOOPAI_BASE_URL: 'https://services.leadconnectorhq.com' })[0]).toMatch(
      /^HOOPAI_PRIVATE_INTEGRATION_KEYS: HOOPAI_BASE_URL is set but no location has credentials/,
    );
  });

  it('refuses OAuth outside the sandbox without the app settings and an encryption key', () => {
    const problems = problemsOf({ HOOPAI_BASE_URL: 'https://services.leadconnectorhq.com', HOOPAI_OAUTH_LOCATIONS: 'locA' });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'HOOPAI_OAUTH_CLIENT_ID',
      'HOOPAI_OAUTH_CLIENT_SECRET',
      'HOOPAI_OAUTH_REDIRECT_URI',
      'TOKEN_STORE_KEY',
    ]);
    expect(problemsOf({ TOKEN_STORE_KEY: 'c2hvcnQ=' })).toEqual([
      'TOKEN_STORE_KEY: expected 32 random bytes, base64-encoded (openssl rand -base64 32)',
    ]);
  });

  it('accepts a complete OAuth set-up', () => {
    const config = loadConfig({
      HOOPAI_BASE_URL: 'https://services.leadconnectorhq.com',
      HOOPAI_OAUTH_LOCATIONS: 'locA,locB',
      HOOPAI_OAUTH_CLIENT_ID: 'app',
      HOOPAI_OAUTH_CLIENT_SECRET: 'app-secret',
      HOOPAI_OAUTH_REDIRECT_URI: 'https://gw.example/oauth/callback',
      TOKEN_STORE_KEY: TOKEN_KEY,
    });
    if (config.hoopai.sandbox) throw new Error('expected live HoopAI');
    expect(config.hoopai.oauth).toMatchObject({ clientId: 'app', locationIds: ['locA', 'locB'] });
    expect(config.hoopai.oauth?.consentUrl).toBe('https://marketplace.leadconnectorhq.com/v2/oauth/chooselocation');
    expect(config.hoopai.tokenStore.key?.length).toBe(32);
  });

  it('takes an OAuth location with its agency (locationId:companyId), whose install then mints its tokens', () => {
    const env = {
      HOOPAI_BASE_URL: 'https://services.leadconnectorhq.com',
      HOOPAI_OAUTH_LOCATIONS: 'locA locB:Cmp5tR8uY2iO4pA6sD9f',
      HOOPAI_OAUTH_CLIENT_ID: 'app',
      HOOPAI_OAUTH_CLIENT_SECRET: 'app-secret',
      HOOPAI_OAUTH_REDIRECT_URI: 'https://gw.example/oauth/callback',
      TOKEN_STORE_KEY: TOKEN_KEY,
    };
    const config = loadConfig(env);
    if (config.hoopai.sandbox) throw new Error('expected live HoopAI');
    expect(config.hoopai.oauth).toMatchObject({ locationIds: ['locA', 'locB'], companies: { locB: 'Cmp5tR8uY2iO4pA6sD9f' } });
    const options = upstreamOptionsFrom(config, { hoopr: 'http://127.0.0.1:9', hoopai: 'http://127.0.0.1:9' }, logger);
    expect(options.hoopai.locations).toEqual([
      { locationId: 'locA', auth: { kind: 'oauth', companyId: undefined } },
      { locationId: 'locB', auth: { kind: 'oauth', companyId: 'Cmp5tR8uY2iO4pA6sD9f' } },
    ]);
    for (const bad of ['locA:', ':Cmp1', 'locA:Cmp1:x', 'locA locA']) {
      expect(problemsOf({ ...env, HOOPAI_OAUTH_LOCATIONS: bad }).join('\n'), bad).toMatch(/^HOOPAI_OAUTH_LOCATIONS: (entry 1 is not locationId or locationId:companyId|location locA is listed twice)$/m);
    }
  });
});

const KEY_HASH = 'a'.repeat(64);

describe('loadConfig: callers', () => {
  it('accepts no callers at all (sandbox keys only) and parses hashed API keys', () => {
    expect(loadConfig({}).auth).toEqual({ apiKeys: [], jwt: undefined });
    const config = loadConfig({
      API_KEYS: JSON.stringify([{ name: 'web', sha256: KEY_HASH.toUpperCase(), scopes: ['crm:read'], locations: ['locA'] }]),
    });
    expect(config.auth.apiKeys).toEqual([{ name: 'web', sha256: KEY_HASH, scopes: ['crm:read'], locationIds: ['locA'] }]);
  });

  it('names the entry and field of a malformed API key, never its value', () => {
    expect(problemsOf({ API_KEYS: 'web:secret' })).toEqual(['API_KEYS: expected a JSON array of {"name", "sha256", "scopes", "locations"}']);
    const problems = problemsOf({
      API_KEYS: JSON.stringify([{ name: 'web', sha256: 'plain-secret-key', scopes: ['crm:admin'] }]),
    });
    expect(problems).toEqual([
      'API_KEYS: entry 1 field sha256: expected the SHA-256 of the key, 64 hex digits',
      expect.stringMatching(/^API_KEYS: entry 1 field scopes\.0: expected /),
    ]);
    expect(problems.join('\n')).not.toContain('plain-secret-key');
    expect(problemsOf({ API_KEYS: JSON.stringify([{ name: 'a', sha256: KEY_HASH, scopes: ['crm:read'] }, { name: 'b', sha256: KEY_HASH, scopes: ['crm:read'] }]) })).toEqual([
      'API_KEYS: entry 2 (b) repeats the hash of an earlier key',
    ]);
    // Names identify callers in logs and in their budgets of upstream calls.
    const otherHash = KEY_HASH.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(problemsOf({ API_KEYS: JSON.stringify([{ name: 'a', sha256: KEY_HASH, scopes: ['crm:read'] }, { name: 'a', sha256: otherHash, scopes: ['crm:read'] }]) })).toEqual([
      'API_KEYS: entry 2 repeats the name a; each key needs a name of its own',
    ]);
    expect(problemsOf({ API_KEYS: JSON.stringify([{ name: 'jwt:x', sha256: KEY_HASH, scopes: ['crm:read'] }]) })).toEqual([
      'API_KEYS: entry 1 (jwt:x): names starting "jwt:" are those of JWT callers',
    ]);
  });

  it('outside sandbox mode, refuses a key for a location without HoopAI credentials', () => {
    const problems = problemsOf({
      HOOPAI_BASE_URL: 'https://services.leadconnectorhq.com',
      HOOPAI_PRIVATE_INTEGRATION_KEYS: 'locA:pit-a',
      API_KEYS: JSON.stringify([{ name: 'web', sha256: KEY_HASH, scopes: ['crm:read'], locations: ['locA', 'locZ'] }]),
    });
    expect(problems).toEqual(['API_KEYS: entry 1 (web) grants location locZ, which has no HoopAI credentials']);
  });

  it('requires issuer and audience for JWTs, one key source, and a long enough secret', () => {
    expect(problemsOf({ JWT_SECRET: 'x'.repeat(32) })).toEqual([
      'JWT_ISSUER: required when JWTs are accepted (JWT_JWKS_URL or JWT_SECRET is set)',
      'JWT_AUDIENCE: required when JWTs are accepted (JWT_JWKS_URL or JWT_SECRET is set)',
    ]);
    expect(problemsOf({ JWT_SECRET: 'short' })).toEqual(['JWT_SECRET: expected a secret of at least 32 characters']);
    expect(problemsOf({ JWT_ISSUER: 'https://idp.example' })).toEqual(['JWT_ISSUER: set, but neither JWT_JWKS_URL nor JWT_SECRET is']);
    expect(
      problemsOf({ JWT_SECRET: 'x'.repeat(32), JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }),
    ).toEqual(['JWT_SECRET: set together with JWT_JWKS_URL; choose one']);
    const config = loadConfig({ JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'hoop-gateway' });
    expect(config.auth.jwt).toEqual({
      jwksUrl: 'https://idp.example/jwks',
      secret: undefined,
      issuer: 'https://idp.example',
      audience: 'hoop-gateway',
      locationsClaim: 'locations',
    });
  });
});

const LIVE_UPSTREAMS = {
  HOOPR_BASE_URL: 'https://b2b.hoopr.example',
  HOOPR_CLIENT_ID: 'acme',
  HOOPR_CLIENT_SECRET: 'hpr_live_abc',
  HOOPAI_BASE_URL: 'https://services.leadconnectorhq.com',
  HOOPAI_PRIVATE_INTEGRATION_KEYS: 'locA:pit-a',
};

describe('loadConfig: browser origins (CORS_ORIGINS)', () => {
  it('grants the loopback dev servers in full sandbox mode only, and nothing otherwise', () => {
    expect(loadConfig({}).cors).toEqual({ origins: [], subdomainPatterns: [], loopbackDevServers: true });
    expect(loadConfig(LIVE_UPSTREAMS).cors).toEqual({ origins: [], subdomainPatterns: [], loopbackDevServers: false });
    const hooprLive = { HOOPR_BASE_URL: 'https://b2b.hoopr.example', HOOPR_CLIENT_ID: 'acme', HOOPR_CLIENT_SECRET: 'hpr_live_abc' };
    expect(loadConfig(hooprLive).cors.loopbackDevServers).toBe(false);
  });

  it('normalises origins as browsers send them; a list replaces the sandbox default', () => {
    const config = loadConfig({
      CORS_ORIGINS: 'https://App.Example.com:443/ https://app.example.com,http://localhost:5173 , https://*.Preview.example.com:8443 https://*.bücher.de',
    });
    expect(config.cors).toEqual({
      origins: ['https://app.example.com', 'http://localhost:5173'],
      subdomainPatterns: [
        { scheme: 'https', parentHost: 'preview.example.com', port: '8443' },
        { scheme: 'https', parentHost: 'xn--bcher-kva.de', port: '' },
      ],
      loopbackDevServers: false,
    });
    expect(loadConfig({ ...LIVE_UPSTREAMS, CORS_ORIGINS: 'https://app.example.com' }).cors.origins).toEqual(['https://app.example.com']);
  });

  it('names the variable and the entry for every bad value', () => {
    const origin = 'expected an origin like https://app.example.com (scheme, host, optional port; no path)';
    const pattern = 'expected a pattern like https://*.example.com (* as the whole leftmost label, under a domain with at least one dot)';
    const entries = [
      'https://ok.example.com',
      'app.example.com',
      'https://app.example.com/path',
      'ftp://files.example.com',
      'https://user@app.example.com',
      'https://*.com',
      'https://a.*.example.com',
      'https://*example.com',
      'https://*.127.0.0.1',
      '*',
      'null',
    ];
    expect(problemsOf({ CORS_ORIGINS: entries.join(',') })).toEqual([
      `CORS_ORIGINS: entry 2 (app.example.com): ${origin}`,
      `CORS_ORIGINS: entry 3 (https://app.example.com/path): ${origin}`,
      `CORS_ORIGINS: entry 4 (ftp://files.example.com): ${origin}`,
      `CORS_ORIGINS: entry 5 (https://user@app.example.com): ${origin}`,
      `CORS_ORIGINS: entry 6 (https://*.com): ${pattern}`,
      `CORS_ORIGINS: entry 7 (https://a.*.example.com): ${pattern}`,
      `CORS_ORIGINS: entry 8 (https://*example.com): ${pattern}`,
      `CORS_ORIGINS: entry 9 (https://*.127.0.0.1): ${pattern}`,
      'CORS_ORIGINS: entry 10 (*): a wildcard for every site is not accepted; list the origins that may call',
      'CORS_ORIGINS: entry 11 (null): "null" is the origin of sandboxed iframes and local files; it is not accepted',
    ]);
    expect(problemsOf({ CORS_ORIGINS: ' , ' })).toEqual(['CORS_ORIGINS: expected at least one origin, e.g. https://app.example.com']);
  });
});

describe('npm start with a bad configuration', () => {
  it('exits 1 with a message naming the variable, and no stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: 'eighty', HOOPR_CLIENT_SECRET: 'sk_oops' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT: expected a port number');
    expect(result.stderr).toContain('HOOPR_CLIENT_SECRET: expected a Hoopr secret starting hpr_test_ or hpr_live_');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr + result.stdout).not.toContain('sk_oops');
  });
});
