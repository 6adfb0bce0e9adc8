import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { startHooprSandbox } from '../src/sandbox/hoopr/index';
import { MemoryTokenStore, UpstreamError, type TokenStore } from '../src/upstream/index';
import { tokenKeys } from '../src/upstream/tokens/token-store';
import { HOOPAI_SANDBOX_APP, HOOPR_SANDBOX_CREDENTIALS, testUpstreams } from './helpers/upstream-gateway';
import { installThroughBrowser, startOAuthGateway } from './helpers/upstream-oauth-gateway';
import { sandboxControl } from './helpers/upstream-sandbox-control';

const [MUMBAI, BEATLINE] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];

let hoopr: Awaited<ReturnType<typeof startHooprSandbox>>;
let hoopai: Awaited<ReturnType<typeof startHoopaiSandbox>>;

beforeAll(async () => {
  [hoopr, hoopai] = await Promise.all([startHooprSandbox({ port: 0, host: '127.0.0.1' }), startHoopaiSandbox({ port: 0, host: '127.0.0.1' })]);
});
afterAll(async () => {
  await Promise.all([hoopr.close(), hoopai.close()]);
});

/** Everything a secret could leak through when a call fails: message, extensions, the whole error with its causes. */
function errorSurfaces(error: unknown): string {
  const extensions = error instanceof UpstreamError ? JSON.stringify(error.extensions) : '';
  return [String(error), (error as Error).message, extensions, inspect(error, { depth: 6 })].join('\n');
}

describe('secrets never leak', () => {
  it('failing Hoopr and HoopAI calls, logged at trace level, show no credential anywhere', async () => {
    const hooprControl = sandboxControl(hoopr.url);
    const hoopaiControl = sandboxControl(hoopai.url);
    const secrets = new Set<string>([HOOPR_SANDBOX_CREDENTIALS.clientSecret, HOOPAI_SANDBOX_APP.clientSecret, privateIntegrationKey(BEATLINE)]);
    const surfaces: string[] = [];
    const fail = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeDefined();
      surfaces.push(errorSurfaces(error));
    };

    // Hoopr: a wrong secret, then a token that is refused on every call.
    const wrongSecret = `hpr_test_${randomBytes(12).toString('hex')}`;
    secrets.add(wrongSecret);
    const refused = testUpstreams({ hoopr: { baseUrl: hoopr.url, clientSecret: wrongSecret } });
    await fail(refused.hoopr.listTracks());
    const catalog = testUpstreams({ hoopr: { baseUrl: hoopr.url } });
    await hooprControl.faults({ tokenTtlSeconds: 0 });
    await fail(catalog.hoopr.listTracks());
    await hooprControl.faults({ errorRate: 1, errorStatus: 500 });
    await fail(catalog.hoopr.getTrack('t1'));
    await hooprControl.faults({});

    // HoopAI: an OAuth install whose refresh token another process spends, a wrong private key, a failing write.
    const store: TokenStore = new MemoryTokenStore();
    const wrongKey = `pit-${randomBytes(12).toString('hex')}`;
    secrets.add(wrongKey);
    const gateway = await startOAuthGateway(hoopai.url, {
      tokenStore: store,
      locations: [
        { locationId: MUMBAI, auth: { kind: 'oauth' } },
        { locationId: BEATLINE, auth: { kind: 'private-key', key: wrongKey } },
      ],
    });
    const install = await installThroughBrowser(gateway.url, `locationId=${MUMBAI}`);
    expect(install.status).toBe(200);
    secrets.add(install.code);
    const installed = (await store.get(tokenKeys.location(MUMBAI)))!;
    secrets.add(installed.tokens.accessToken).add(installed.tokens.refreshToken!);
    await hoopaiControl.faults({ errorRate: 1, errorStatus: 502 });
    await fail(gateway.upstreams.hoopai.createContact(MUMBAI, { firstName: 'Leak' }));
    await hoopaiControl.faults({ tokenTtlSeconds: 0 });
    await fail(gateway.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 }));
    const refreshed = (await store.get(tokenKeys.location(MUMBAI)))!;
    secrets.add(refreshed.tokens.accessToken).add(refreshed.tokens.refreshToken!);
    await hoopaiControl.faults({});
    await fail(gateway.upstreams.hoopai.searchContacts(BEATLINE, { pageLimit: 1 }));
    await store.compareAndSet(tokenKeys.location(MUMBAI), refreshed.version, {
      ...refreshed.tokens,
      refreshToken: `spent-${randomBytes(12).toString('hex')}`,
      expiresAt: Date.now() - 1,
    });
    secrets.add((await store.get(tokenKeys.location(MUMBAI)))!.tokens.refreshToken!);
    const restarted = await startOAuthGateway(hoopai.url, { tokenStore: store, locations: [{ locationId: MUMBAI, auth: { kind: 'oauth' } }] });
    await fail(restarted.upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 }));

    const logs = [refused, catalog, gateway.upstreams, restarted.upstreams].map((upstreams) => upstreams.log.text()).join('\n');
    await Promise.all([refused.close(), catalog.close(), gateway.close(), restarted.close()]);

    // The scenario really exercised the verbose paths it claims to.
    expect(logs).toContain('"authorization":"[REDACTED]"');
    expect(logs).toMatch(/refused the refresh token/);
    for (const secret of secrets) {
      expect(logs, 'log output').not.toContain(secret);
      for (const surface of surfaces) expect(surface, 'error surfaces').not.toContain(secret);
    }
    // Tokens we never saw directly (Hoopr's): no bearer value is ever written out.
    expect(logs).not.toMatch(/Bearer (?!\[REDACTED\])\S/);
    expect(logs).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});
