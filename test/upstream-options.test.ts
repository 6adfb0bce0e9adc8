import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createUpstreams, FileTokenStore, TokenStoreError, UpstreamConfigError, type UpstreamsOptions } from '../src/upstream/index';
import { captureLogger } from './helpers/upstream-log-capture';
import { HOOPAI_SANDBOX_APP, HOOPR_SANDBOX_CREDENTIALS, UNUSED_ORIGIN } from './helpers/upstream-gateway';

const OAUTH_APP = {
  ...HOOPAI_SANDBOX_APP,
  redirectUri: 'https://gateway.example.com/oauth/callback',
  scopes: ['contacts.readonly'],
  consentUrl: 'https://marketplace.example.com/v2/oauth/chooselocation',
};

function options(hoopai: Partial<UpstreamsOptions['hoopai']>): UpstreamsOptions {
  const { logger, secrets } = captureLogger();
  return {
    logger,
    secrets,
    hoopr: { baseUrl: UNUSED_ORIGIN, ...HOOPR_SANDBOX_CREDENTIALS },
    hoopai: { baseUrl: UNUSED_ORIGIN, locations: [{ locationId: 'loc-oauth', auth: { kind: 'oauth' } }], ...hoopai },
  };
}

describe('createUpstreams options', () => {
  it('refuses OAuth without an encryption key outside sandbox mode', () => {
    expect(() => createUpstreams(options({ oauth: OAUTH_APP, tokenStore: { path: '/tmp/never-written.enc' } }))).toThrow(UpstreamConfigError);
    expect(() => createUpstreams(options({ oauth: OAUTH_APP }))).toThrow(/encrypted token store/);
  });

  it('refuses OAuth locations without an OAuth app', () => {
    expect(() => createUpstreams(options({ tokenStore: { path: '/tmp/x.enc', key: randomBytes(32) } }))).toThrow(/no OAuth app/);
  });

  it('keeps OAuth pairs in memory in sandbox mode, and needs no store for private keys only', async () => {
    const sandbox = createUpstreams(options({ oauth: OAUTH_APP, sandbox: true }));
    expect(sandbox.hoopaiOAuth?.installUrl('loc-oauth')).toBe('https://gateway.example.com/oauth/install?locationId=loc-oauth');
    await sandbox.ready();
    await sandbox.close();
    const keysOnly = createUpstreams(options({ locations: [{ locationId: 'loc-key', auth: { kind: 'private-key', key: 'pit-key-123456' } }] }));
    expect(keysOnly.hoopaiOAuth).toBeUndefined();
    await keysOnly.close();
  });

  it('fails at start-up, not at the first refresh, when the token file needs another key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'upstream-options-'));
    try {
      const path = join(dir, 'tokens.enc');
      await new FileTokenStore({ path, key: randomBytes(32) }).compareAndSet('k', undefined, {
        accessToken: 'a-token-value',
        obtainedAt: 0,
        expiresAt: 1,
        userType: 'Location',
      });
      const upstreams = createUpstreams(options({ oauth: OAUTH_APP, tokenStore: { path, key: randomBytes(32) } }));
      await expect(upstreams.ready()).rejects.toThrow(TokenStoreError);
      await upstreams.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
