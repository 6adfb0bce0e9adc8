import { describe, expect, it } from 'vitest';
import { createLogger, SecretRegistry } from '../src/logger';
import { HoopaiAppInstalls } from '../src/upstream/hoopai/app-installs';
import { CallScope } from '../src/upstream/http/call-scope';
import { ReauthRequiredError } from '../src/upstream/index';
import { MemoryTokenStore } from '../src/upstream/tokens/memory-store';
import { type OAuthGrants, OAuthTokenProvider } from '../src/upstream/tokens/oauth-provider';
import { tokenKeys, type StoredTokens } from '../src/upstream/tokens/token-store';

/**
 * An agency (company) uninstall names no location: every OAuth location whose tokens came
 * from that agency loses them, and none is minted a new token from the agency's install.
 * The OAuth server is never called: it answers every grant with an error that fails the test.
 */

const AGENCY = 'agency-1';
const [MINTED, OWN] = ['locMinted', 'locOwnInstall'];
const logger = createLogger({ level: 'silent' });

const neverCalled: OAuthGrants = {
  refresh: () => Promise.reject(new Error('no refresh may be sent for an uninstalled location')),
  mintLocationToken: () => Promise.reject(new Error('no location token may be minted for an uninstalled agency')),
};

const live = (extra: Partial<StoredTokens>): StoredTokens => ({
  accessToken: `access-${Math.random()}`,
  refreshToken: `refresh-${Math.random()}`,
  obtainedAt: Date.now(),
  expiresAt: Date.now() + 86_400_000,
  userType: 'Location',
  ...extra,
});

describe('an agency uninstall', () => {
  it('removes the agency’s pair and those of its locations; theirs fail REAUTH_REQUIRED; a location of another install keeps its own', async () => {
    const store = new MemoryTokenStore();
    await store.compareAndSet(tokenKeys.company(AGENCY), undefined, live({ userType: 'Company', companyId: AGENCY }));
    await store.compareAndSet(tokenKeys.location(MINTED), undefined, live({ companyId: AGENCY, locationId: MINTED, refreshToken: undefined }));
    await store.compareAndSet(tokenKeys.location(OWN), undefined, live({ companyId: 'another-agency', locationId: OWN }));
    const locations = [{ locationId: MINTED, companyId: AGENCY }, { locationId: OWN }];
    const provider = new OAuthTokenProvider({
      grants: neverCalled,
      store,
      locations,
      refreshAheadMs: 0,
      installUrl: (locationId) => `https://gateway.example/oauth/install?locationId=${locationId}`,
      newScope: () => new CallScope('hoopai', {}, 5_000),
      secrets: new SecretRegistry(),
      logger,
    });
    const scope = () => new CallScope('hoopai', {}, 5_000);
    // Both served from memory before the uninstall.
    await provider.token(MINTED, scope());
    const ownToken = await provider.token(OWN, scope());

    const installs = new HoopaiAppInstalls(store, provider, locations, logger);
    expect(await installs.uninstalled({ companyId: AGENCY })).toEqual([MINTED]);

    const refused = await provider.token(MINTED, scope()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ReauthRequiredError);
    expect((refused as ReauthRequiredError).installUrl).toBe(`https://gateway.example/oauth/install?locationId=${MINTED}`);
    expect((await store.get(tokenKeys.company(AGENCY)))!.tokens).toMatchObject({ accessToken: '', reauthRequired: true, userType: 'Company' });
    expect(await provider.token(OWN, scope())).toBe(ownToken);

    // The agency installs again: its location may be minted tokens again (the mark is gone, no token yet).
    expect(await installs.installed({ companyId: AGENCY })).toEqual([MINTED]);
    const record = (await store.get(tokenKeys.location(MINTED)))!.tokens;
    expect(record.reauthRequired).toBeUndefined();
    expect(record.installedAt).toBeGreaterThan(0);
  });
});
