import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_KEY, type FleetProcess, type Sandboxes, startGateways, startSandboxes } from './helpers/fleet';
import { graphql } from './helpers/gateway';
import { installLocation, newTokenStoreKey, OAUTH_LOCATIONS, oauthFleetEnv, pairVersions } from './helpers/oauth-fleet';
import { NEEDS_REDIS, redisAnswers, useRedisPrefix } from './helpers/redis';
import { type SandboxControl, sandboxControl } from './helpers/upstream-sandbox-control';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('shared-tokens');
const [ACME] = OAUTH_LOCATIONS as [string];
const HOOPR_RECORD = `${prefix}tokens:hoopr/client/sandbox-client`;
const TOKEN_ROUTE = 'POST /oauth/token';
const UNLIMITED = 1_000_000;

/**
 * One Hoopr call and one HoopAI call that no cache can answer: lookups of ids nobody has
 * (each a new one), which both upstreams answer with a cheap 404 after checking the token.
 */
const BOTH_UPSTREAMS = `query($artist: ID!, $contact: ID!) {
  artist(id: $artist) { id }
  contact(id: $contact) { id }
}`;
const unknownIds = (locationId: string) => {
  const raw = randomBytes(10).toString('hex');
  return {
    artist: Buffer.from(`Artist:${raw}`).toString('base64'),
    contact: Buffer.from(`Contact:${locationId}:${raw}`).toString('base64'),
  };
};
const CONTACTS = 'query($loc: ID!, $q: String!) { contacts(locationId: $loc, query: $q, first: 1) { totalCount } }';

/**
 * Three gateway processes on one pair of sandboxes and one Redis, every HoopAI location by
 * OAuth (single-use refresh tokens), every token living 2 s: the fleet must make one Hoopr
 * grant and one refresh per location per expiry, and survive a refresh holder killed mid-refresh.
 */
describe.skipIf(!redisUp)(`tokens shared by three instances ${NEEDS_REDIS}`, () => {
  let sandboxes: Sandboxes;
  let gateways: FleetProcess[];
  let hoopai: SandboxControl;
  let hoopr: SandboxControl;
  let redis: Redis;

  beforeAll(async () => {
    sandboxes = await startSandboxes();
    hoopai = sandboxControl(sandboxes.hoopai);
    hoopr = sandboxControl(sandboxes.hoopr);
    await hoopai.faults({ tokenTtlSeconds: 2, rateLimitPer10s: UNLIMITED });
    await hoopr.faults({ tokenTtlSeconds: 2 });
    gateways = await startGateways(3, sandboxes, {
      ...oauthFleetEnv(sandboxes, { url, prefix, tokenStoreKey: newTokenStoreKey() }),
      METRICS_PORT: 'off',
      METRICS_ON_GATEWAY_PORT: 'on',
    });
    for (const locationId of OAUTH_LOCATIONS) await installLocation(gateways[0]!, locationId);
    redis = new Redis(url);
  }, 180_000);

  afterAll(async () => {
    redis?.disconnect();
    await Promise.all((gateways ?? []).map((gateway) => gateway.stop()));
    await sandboxes?.process.stop();
  });

  const ask = (instance: number, query: string, locationId: string) =>
    graphql<any>(gateways[instance]!.announced, query, {
      key: FLEET_KEY,
      variables: { loc: locationId, q: `q${randomBytes(4).toString('hex')}`, ...unknownIds(locationId) },
    });
  /** The fleet's `gateway_upstream_token_requests_total` for one upstream and kind that went well, summed over the instances. */
  const tokenRequestsCounted = async (upstream: string, kind: string): Promise<number> => {
    let total = 0;
    for (const gateway of gateways.filter((g) => g.process.exitCode === null && g.process.signalCode === null)) {
      const text = await (await fetch(new URL('/metrics', gateway.announced))).text();
      for (const line of text.split('\n')) {
        if (!line.startsWith('gateway_upstream_token_requests_total{')) continue;
        if (line.includes(`upstream="${upstream}"`) && line.includes(`kind="${kind}"`) && line.includes('outcome="ok"')) total += Number(line.split(' ').at(-1));
      }
    }
    return total;
  };
  const hooprVersion = async () => Number((await redis.hget(HOOPR_RECORD, 'version')) ?? 0);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('makes one Hoopr grant and one HoopAI refresh per location per expiry for 300 concurrent queries over three instances', async () => {
    const [hooprBefore, hoopaiBefore, versionsBefore, hooprVersionBefore] = await Promise.all([hoopr.stats(), hoopai.stats(), pairVersions(url, prefix), hooprVersion()]);
    const countedBefore = { grants: await tokenRequestsCounted('hoopr', 'grant'), refreshes: await tokenRequestsCounted('hoopai', 'refresh') };

    // 10 waves of 30 concurrent queries, 500 ms apart: every token expires twice or more meanwhile.
    const started = Date.now();
    const answers: Promise<Awaited<ReturnType<typeof ask>>>[] = [];
    const latencies: number[] = [];
    for (let wave = 0; wave < 10; wave++) {
      for (let i = 0; i < 30; i++) {
        const sent = Date.now();
        const answered = ask(i % 3, BOTH_UPSTREAMS, OAUTH_LOCATIONS[(i + wave) % 3]!);
        answers.push(answered.finally(() => latencies.push(Date.now() - sent)));
      }
      await sleep(500);
    }
    const settled = await Promise.all(answers);
    const durationMs = Date.now() - started;
    latencies.sort((a, b) => a - b);
    console.info(`query latency p50 ${latencies[150]} ms, p99 ${latencies[296]} ms, max ${latencies[299]} ms`);

    // Both lookups ran upstream and found nothing: null, with no error.
    const failures = settled.filter(({ body }) => body.errors || body.data?.artist !== null || body.data?.contact !== null);
    expect(failures.map(({ body }) => body.errors)).toEqual([]);
    expect(settled).toHaveLength(300);

    const [hooprAfter, hoopaiAfter, versionsAfter, hooprVersionAfter] = await Promise.all([hoopr.stats(), hoopai.stats(), pairVersions(url, prefix), hooprVersion()]);
    // A token is fresh for the first half of its 2 s: one generation per second at most, never two at once.
    const mostPerLocation = Math.ceil(durationMs / 1_000) + 1;
    const refreshes = hoopaiAfter.tokenRefreshes - hoopaiBefore.tokenRefreshes;
    const written = OAUTH_LOCATIONS.map((id) => versionsAfter[id]! - versionsBefore[id]!);
    // Every refresh the sandbox saw wrote exactly one new pair (none was refused: a refresh token spent twice would be).
    expect(refreshes).toBe(written.reduce((sum, n) => sum + n, 0));
    for (const count of written) {
      expect(count).toBeGreaterThanOrEqual(2);
      expect(count).toBeLessThanOrEqual(mostPerLocation);
    }
    const grants = hooprAfter.tokenGrants - hooprBefore.tokenGrants;
    expect(grants).toBe(hooprVersionAfter - hooprVersionBefore);
    expect(grants).toBeGreaterThanOrEqual(2);
    expect(grants).toBeLessThanOrEqual(mostPerLocation);
    // The instances' metrics count the same grants and refreshes as the upstreams did.
    expect(await tokenRequestsCounted('hoopr', 'grant')).toBe(countedBefore.grants + grants);
    expect(await tokenRequestsCounted('hoopai', 'refresh')).toBe(countedBefore.refreshes + refreshes);
    console.info(`300 queries over 3 instances in ${durationMs} ms: ${grants} Hoopr grants, HoopAI refreshes per location ${written.join('/')} (at most ${mostPerLocation} each)`);
  }, 120_000);

  it('keeps a location working through the other instances when the refresh holder is killed mid-refresh, and loses no refresh token', async () => {
    const [, , victim] = [0, 1, 2];
    const lockKey = `${prefix}tokens-lock:hoopai/location/${ACME}`;
    // The token endpoint answers after 4 s; the last pair of the previous test has gone stale.
    await hoopai.faults({ tokenTtlSeconds: 2, tokenLatencyMs: 4_000, rateLimitPer10s: UNLIMITED });
    await sleep(1_100);
    const before = await hoopai.stats();

    const doomed = ask(victim, CONTACTS, ACME).catch(() => undefined);
    let holder: string | null = null;
    for (let attempt = 0; attempt < 1_000 && !holder; attempt++) {
      holder = await redis.get(lockKey);
      if (!holder) await sleep(10);
    }
    expect(holder, 'the victim took the refresh lock').toMatch(new RegExp(`^${gateways[victim]!.process.pid}-`));
    for (let attempt = 0; attempt < 1_000 && (await hoopai.requests(TOKEN_ROUTE)) === (before.requests[TOKEN_ROUTE] ?? 0); attempt++) await sleep(10);
    expect(await hoopai.requests(TOKEN_ROUTE), 'its refresh reached the token endpoint').toBe((before.requests[TOKEN_ROUTE] ?? 0) + 1);

    await gateways[victim]!.stop('SIGKILL');
    await doomed;
    await hoopai.faults({ tokenTtlSeconds: 2, rateLimitPer10s: UNLIMITED });

    const killedAt = Date.now();
    const survivors = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(i % 2, CONTACTS, ACME)));
    const recoveredMs = Date.now() - killedAt;
    expect(survivors.map(({ body }) => body.errors)).toEqual(Array(10).fill(undefined));
    expect(survivors.every(({ body }) => typeof body.data?.contacts?.totalCount === 'number')).toBe(true);
    const afterKill = await hoopai.stats();
    // The victim's refresh was never processed (its client was gone); the survivors refreshed once, with the same refresh token.
    expect(afterKill.requests[TOKEN_ROUTE]).toBe((before.requests[TOKEN_ROUTE] ?? 0) + 2);
    expect(afterKill.tokenRefreshes - before.tokenRefreshes).toBe(1);

    // The refresh token the survivors stored works: the location refreshes again at its next expiry.
    await sleep(1_100);
    const later = await Promise.all([ask(0, CONTACTS, ACME), ask(1, CONTACTS, ACME)]);
    expect(later.map(({ body }) => body.errors)).toEqual([undefined, undefined]);
    expect((await hoopai.stats()).tokenRefreshes - before.tokenRefreshes).toBe(2);
    console.info(`refresh holder killed: the other two answered after ${recoveredMs} ms (lock expiry 5 s after it was taken)`);
  }, 120_000);
});
