import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { SANDBOX_OAUTH_APP } from '../src/sandbox/hoopai/locations';
import { install, tokenRequest } from './helpers/hoopai-sandbox';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

/**
 * `tokenLatencyMs`: the token endpoint waits before it acts, and never acts for a client that
 * left meanwhile — so a test can kill a gateway inside a refresh without the refresh token
 * being spent for nobody.
 */
describe('the sandbox fault tokenLatencyMs', () => {
  let sandbox: Awaited<ReturnType<typeof startHoopaiSandbox>>;
  let control: SandboxControl;

  beforeAll(async () => {
    sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
    control = sandboxControl(sandbox.url);
  });
  afterAll(() => sandbox.close());

  const refreshForm = (refreshToken: string) =>
    new URLSearchParams({
      client_id: SANDBOX_OAUTH_APP.clientId,
      client_secret: SANDBOX_OAUTH_APP.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });

  it('drops a refresh whose client went away while it waited: the refresh token still works', async () => {
    const pair = await install(sandbox.url);
    await control.faults({ tokenLatencyMs: 400 });
    const before = await control.stats();

    const leaving = new AbortController();
    const abandoned = fetch(`${sandbox.url}/oauth/token`, { method: 'POST', body: refreshForm(pair.refresh_token), signal: leaving.signal });
    while ((await control.requests('POST /oauth/token')) === (before.requests['POST /oauth/token'] ?? 0)) await new Promise((resolve) => setTimeout(resolve, 5));
    leaving.abort();
    await expect(abandoned).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the endpoint's wait: it has decided by now

    expect((await control.stats()).tokenRefreshes).toBe(before.tokenRefreshes);
    const refreshed = await tokenRequest(sandbox.url, { grant_type: 'refresh_token', refresh_token: pair.refresh_token });
    expect(refreshed.status).toBe(200);
    expect((await control.stats()).tokenRefreshes).toBe(before.tokenRefreshes + 1);
    await control.faults({});
  });

  it('refuses a delay out of range', async () => {
    const answer = await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ tokenLatencyMs: -1 }) });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'tokenLatencyMs must be a number from 0 to 120000' });
  });
});
