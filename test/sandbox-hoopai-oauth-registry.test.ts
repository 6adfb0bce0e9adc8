import { describe, expect, it } from 'vitest';
import { companyInstall, locationInstall } from '../src/sandbox/hoopai/oauth/install';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  AUTHORIZATION_CODE_TTL_MS,
  OAuthTokenRegistry,
  REFRESH_TOKEN_TTL_MS,
} from '../src/sandbox/hoopai/oauth/token-registry';

/** The registry's lifetimes on a clock the test moves (the socket tests cover the routes). */
function registryAt(start = 1_700_000_000_000) {
  const clock = { time: start, ttlSeconds: undefined as number | undefined };
  const registry = new OAuthTokenRegistry({
    now: () => clock.time,
    accessTtlSeconds: () => clock.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS,
  });
  return { registry, clock };
}

const LOCATION = locationInstall('ve9EPM428h8vShlRW1KT', 'contacts.readonly');

describe('authorization codes', () => {
  it('are single-use and carry their install and redirect URI', () => {
    const { registry } = registryAt();
    const code = registry.issueCode(LOCATION, 'https://app.test/cb');
    expect(registry.redeemCode(code)).toEqual({ install: LOCATION, redirectUri: 'https://app.test/cb' });
    expect(registry.redeemCode(code)).toBeUndefined();
  });

  it('expire after 10 minutes', () => {
    const { registry, clock } = registryAt();
    const fresh = registry.issueCode(LOCATION, 'https://app.test/cb');
    const stale = registry.issueCode(LOCATION, 'https://app.test/cb');
    clock.time += AUTHORIZATION_CODE_TTL_MS - 1;
    expect(registry.redeemCode(fresh)).toBeDefined();
    clock.time += 1;
    expect(registry.redeemCode(stale)).toBeUndefined();
    // Issuing prunes codes past their lifetime without touching live ones.
    const live = registry.issueCode(LOCATION, 'https://app.test/cb');
    expect(registry.redeemCode(live)).toBeDefined();
  });
});

describe('access tokens', () => {
  it('expire the current lifetime after their issue time, a changed lifetime included', () => {
    const { registry, clock } = registryAt();
    const early = registry.issuePair(LOCATION);
    clock.time += 60_000;
    const late = registry.issuePair(LOCATION);
    expect(late.expiresIn).toBe(ACCESS_TOKEN_TTL_SECONDS);

    clock.ttlSeconds = 90; // early is 60 s old, late is brand new
    clock.time += 30_000;
    expect(registry.accessInstall(early.accessToken)).toBeUndefined();
    expect(registry.accessInstall(late.accessToken)).toEqual(LOCATION);

    clock.ttlSeconds = undefined;
    expect(registry.accessInstall(early.accessToken)).toEqual(LOCATION);
    clock.time = 1_700_000_000_000 + ACCESS_TOKEN_TTL_SECONDS * 1000;
    expect(registry.accessInstall(early.accessToken)).toBeUndefined();
    expect(registry.accessInstall(late.accessToken)).toEqual(LOCATION);
    expect(registry.accessInstall('unknown')).toBeUndefined();
  });

  it('report the lifetime in force when issued as expiresIn', () => {
    const { registry, clock } = registryAt();
    clock.ttlSeconds = 5;
    expect(registry.issuePair(LOCATION).expiresIn).toBe(5);
  });
});

describe('refresh tokens', () => {
  it('rotate once: the new pair belongs to the same install, the old refresh token is gone', () => {
    const { registry } = registryAt();
    const agency = companyInstall('oauth.write');
    const first = registry.issuePair(agency);
    const second = registry.rotate(first.refreshToken);
    expect(second).toBeDefined();
    expect(registry.accessInstall(second!.accessToken)).toEqual(agency);
    expect(registry.refreshInstall(first.refreshToken)).toBeUndefined();
    expect(registry.rotate(first.refreshToken)).toBeUndefined();
    expect(registry.refreshInstall(second!.refreshToken)).toEqual(agency);
  });

  it('can be looked at without being spent, and expire after a year', () => {
    const { registry, clock } = registryAt();
    const pair = registry.issuePair(LOCATION);
    expect(registry.refreshInstall(pair.refreshToken)).toEqual(LOCATION);
    expect(registry.refreshInstall(pair.refreshToken)).toEqual(LOCATION);
    clock.time += REFRESH_TOKEN_TTL_MS;
    expect(registry.refreshInstall(pair.refreshToken)).toBeUndefined();
    expect(registry.rotate(pair.refreshToken)).toBeUndefined();
  });
});
