import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { MemoryTokenStore, ReauthRequiredError } from '../src/upstream/index';
import { tokenKeys } from '../src/upstream/tokens/token-store';
import { installThroughBrowser, type OAuthGateway, startOAuthGateway } from './helpers/upstream-oauth-gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const [ACME] = SANDBOX_LOCATIONS.map((location) => location.id) as [string];

/**
 * The window no client can close (README, "Tokens across instances"): HoopAI rotates the
 * refresh token and its answer never arrives — a connection reset after it acted, or the
 * instance killed between the two. The new pair existed only in that answer; the stored
 * refresh token is spent. This test pins down what the gateway then does: the call fails, the
 * next refresh is refused (Invalid grant) and the location asks for a new install, which heals it.
 */
describe('a refresh whose answer is lost after HoopAI rotated the refresh token', () => {
  let sandbox: Awaited<ReturnType<typeof startHoopaiSandbox>>;
  let control: SandboxControl;
  let gateway: OAuthGateway;
  const store = new MemoryTokenStore();

  beforeAll(async () => {
    sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
    control = sandboxControl(sandbox.url);
    gateway = await startOAuthGateway(sandbox.url, { locations: [{ locationId: ACME, auth: { kind: 'oauth' } }], tokenStore: store });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  it('loses the install: REAUTH_REQUIRED on the next refresh, until an admin installs again', async () => {
    expect((await installThroughBrowser(gateway.url, `locationId=${ACME}`)).status).toBe(200);
    const installed = (await store.get(tokenKeys.location(ACME)))!;
    // Every access token is dead on arrival; HoopAI carries out the refresh and its answer is lost.
    await control.faults({ tokenTtlSeconds: 0, lostAnswerRate: 1 });
    const before = await control.stats();

    const lost = await gateway.upstreams.hoopai.searchContacts(ACME, { pageLimit: 1 }).catch((error: unknown) => error);
    // The call fails (its retry, with the old token, is refused again: UNAUTHENTICATED) and nothing new was stored.
    expect(lost).toMatchObject({ upstream: 'hoopai' });
    expect((await control.stats()).tokenRefreshes - before.tokenRefreshes).toBe(1);
    expect((await store.get(tokenKeys.location(ACME)))!.tokens.refreshToken).toBe(installed.tokens.refreshToken);

    await control.faults({ tokenTtlSeconds: 0 });
    const refused = await gateway.upstreams.hoopai.searchContacts(ACME, { pageLimit: 1 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ReauthRequiredError);
    expect((await control.stats()).tokenRefreshes - before.tokenRefreshes).toBe(2);

    await control.faults({});
    expect((await installThroughBrowser(gateway.url, `locationId=${ACME}`)).status).toBe(200);
    await expect(gateway.upstreams.hoopai.searchContacts(ACME, { pageLimit: 1 })).resolves.toMatchObject({ contacts: expect.any(Array) });
  });
});
