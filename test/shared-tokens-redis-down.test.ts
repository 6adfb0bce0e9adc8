import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_KEY, type FleetProcess, type Sandboxes, startGateways, startSandboxes } from './helpers/fleet';
import { graphql } from './helpers/gateway';
import { installLocation, newTokenStoreKey, OAUTH_LOCATIONS, oauthFleetEnv } from './helpers/oauth-fleet';
import { redisServerInstalled, NEEDS_REDIS_SERVER } from './helpers/own-redis';
import { type OwnRedis, startOwnRedis } from './helpers/redis';
import { type SandboxControl, sandboxControl } from './helpers/upstream-sandbox-control';

const [ACME] = OAUTH_LOCATIONS as [string];
const TTL_SECONDS = 12;
const UNLIMITED = 1_000_000;
const BOTH_UPSTREAMS = `query($loc: ID!, $q: String!) {
  search(query: $q, first: 1) { pageInfo { hasNextPage } }
  contacts(locationId: $loc, query: $q, first: 1) { totalCount }
}`;

/**
 * Two gateway processes (every location by OAuth) on a Redis of the test's own, stopped and started again mid-run
 * (empty: it keeps nothing across a restart). Tokens a gateway knows keep working; a refresh
 * fails closed (TOKENS_UNAVAILABLE, nothing sent) while the Hoopr grant falls back to the
 * instance; with Redis back, the location refreshes once for both, without a restart.
 */
describe.skipIf(!redisServerInstalled())(`tokens while Redis is down ${NEEDS_REDIS_SERVER}`, () => {
  let own: OwnRedis;
  let sandboxes: Sandboxes;
  let gateways: FleetProcess[];
  let hoopai: SandboxControl;
  let hoopr: SandboxControl;
  let installedAt: number;

  beforeAll(async () => {
    own = await startOwnRedis();
    sandboxes = await startSandboxes();
    hoopai = sandboxControl(sandboxes.hoopai);
    hoopr = sandboxControl(sandboxes.hoopr);
    // Every token lives 12 s: long enough to be used during the outage, short enough to run out in it.
    await hoopai.faults({ tokenTtlSeconds: TTL_SECONDS, rateLimitPer10s: UNLIMITED });
    await hoopr.faults({ tokenTtlSeconds: TTL_SECONDS });
    gateways = await startGateways(2, sandboxes, oauthFleetEnv(sandboxes, { url: own.url, prefix: 'hoop:', tokenStoreKey: newTokenStoreKey() }));
    for (const locationId of OAUTH_LOCATIONS) await installLocation(gateways[0]!, locationId);
    installedAt = Date.now();
  }, 180_000);

  afterAll(async () => {
    await Promise.all((gateways ?? []).map((gateway) => gateway.stop()));
    await sandboxes?.process.stop();
  });

  const ask = (instance: number, locationId = ACME) =>
    graphql<any>(gateways[instance]!.announced, BOTH_UPSTREAMS, { key: FLEET_KEY, variables: { loc: locationId, q: `q${randomBytes(4).toString('hex')}` } });
  const everyInstanceAndLocation = [0, 1].flatMap((instance) => OAUTH_LOCATIONS.map((locationId) => [instance, locationId] as const));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('uses known tokens, refreshes nothing without the lock, and recovers once Redis is back', async () => {
    for (const [instance, locationId] of everyInstanceAndLocation) expect((await ask(instance, locationId)).body.errors).toBeUndefined();
    const warm = { hoopai: await hoopai.stats(), hoopr: await hoopr.stats() };

    await own.stop();
    // Tokens this instance already holds are still valid: both upstreams answer, nothing is asked for.
    for (const [instance, locationId] of everyInstanceAndLocation) {
      const { body } = await ask(instance, locationId);
      expect(body.errors).toBeUndefined();
      expect(typeof body.data.contacts.totalCount).toBe('number');
    }
    expect((await hoopai.stats()).tokenRefreshes).toBe(warm.hoopai.tokenRefreshes);
    expect((await hoopr.stats()).tokenGrants).toBe(warm.hoopr.tokenGrants);

    // The tokens run out during the outage.
    await sleep(Math.max(0, installedAt + TTL_SECONDS * 1_000 + 500 - Date.now()));
    for (const [instance, locationId] of everyInstanceAndLocation) {
      const { body } = await ask(instance, locationId);
      // HoopAI fails closed: its refresh token is single-use and may not be spent outside the lock.
      expect(body.data.contacts).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]).toMatchObject({ path: ['contacts'], extensions: { code: 'TOKENS_UNAVAILABLE', upstream: 'hoopai' } });
      // Hoopr's grant spends nothing: each instance asks for its own.
      expect(body.data.search).not.toBeNull();
    }
    const outage = { hoopai: await hoopai.stats(), hoopr: await hoopr.stats() };
    expect(outage.hoopai.tokenRefreshes).toBe(warm.hoopai.tokenRefreshes);
    expect(outage.hoopai.requests['POST /oauth/token'] ?? 0).toBe(warm.hoopai.requests['POST /oauth/token'] ?? 0);
    expect(outage.hoopr.tokenGrants - warm.hoopr.tokenGrants).toBe(2);
    // No location can get a token, on any instance, and every instance is in the same state: none leaves the load balancer's pool for it.
    for (const gateway of gateways) expect((await fetch(new URL('/readyz', gateway.announced))).status).toBe(200);

    // Redis comes back empty; the instances put the pair they hold back and refresh it, once for both.
    await own.start();
    const restartedAt = Date.now();
    let recovered: Awaited<ReturnType<typeof ask>> | undefined;
    while (Date.now() - restartedAt < 20_000) {
      recovered = await ask(0);
      if (!recovered.body.errors) break;
      expect(recovered.body.errors![0]!.extensions?.code).toBe('TOKENS_UNAVAILABLE');
      await sleep(200);
    }
    const recoveryMs = Date.now() - restartedAt;
    expect(recovered?.body.errors).toBeUndefined();
    expect((await ask(1)).body.errors).toBeUndefined();
    const after = await hoopai.stats();
    expect(after.tokenRefreshes - outage.hoopai.tokenRefreshes).toBe(1);
    console.info(`Redis back: the location answered again after ${recoveryMs} ms, with ${after.tokenRefreshes - outage.hoopai.tokenRefreshes} refresh for both instances`);
  }, 120_000);
});
