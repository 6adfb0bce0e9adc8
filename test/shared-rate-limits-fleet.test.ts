import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_KEY, type FleetProcess, type Sandboxes, startGateways, startSandboxes } from './helpers/fleet';
import { graphql } from './helpers/gateway';
import { NEEDS_REDIS, redisAnswers, useRedisPrefix } from './helpers/redis';
import { type SandboxControl, sandboxControl } from './helpers/upstream-sandbox-control';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('shared-rate-limits-fleet');

const ACME = 've9EPM428h8vShlRW1KT';
const LIMIT = 20;
const BURST = 45;
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Three gateway processes sharing one Redis in front of one HoopAI sandbox whose limit is
 * lowered to 20 per 10 s: the fleet learns the limit from the headers and spends it
 * together, so a burst through all three never reaches the upstream as a 429.
 */
describe.skipIf(!redisUp)(`HoopAI's limit spent by three instances together ${NEEDS_REDIS}`, () => {
  let sandboxes: Sandboxes;
  let gateways: FleetProcess[];
  let hoopai: SandboxControl;

  beforeAll(async () => {
    sandboxes = await startSandboxes();
    hoopai = sandboxControl(sandboxes.hoopai);
    await hoopai.faults({ rateLimitPer10s: LIMIT });
    gateways = await startGateways(3, sandboxes, {
      REDIS_URL: url,
      REDIS_KEY_PREFIX: prefix,
      // HoopAI's documented budget: the fleet must learn the lower one from the headers.
      HOOPAI_RATE_LIMIT_PER_10S: '100',
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      METRICS_ON_GATEWAY_PORT: 'on',
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all((gateways ?? []).map((gateway) => gateway.stop()));
    await sandboxes?.process.stop();
  });

  it(`serves a burst of ${BURST} searches of one location through all three without one upstream 429; those past the deadline get RATE_LIMITED`, async () => {
    const before = await hoopai.stats();
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        graphql<{ contacts: { totalCount: number } | null }>(
          gateways[i % 3]!.announced,
          // A different search each time: none is answered from an instance's cache.
          'query($loc: ID!, $q: String!) { contacts(locationId: $loc, query: $q, first: 1) { totalCount } }',
          { key: FLEET_KEY, variables: { loc: ACME, q: `burst-${i}` } },
        ),
      ),
    );
    const after = await hoopai.stats();

    const served = answers.filter(({ body }) => body.errors === undefined && body.data?.contacts !== null);
    const refused = answers.filter(({ body }) => body.errors !== undefined);
    const codes = new Set(refused.flatMap(({ body }) => (body.errors ?? []).map((error) => error.extensions?.code)));
    const upstreamCalls = (after.byLocation[ACME] ?? 0) - (before.byLocation[ACME] ?? 0);

    expect(after.rateLimited - before.rateLimited).toBe(0);
    expect(answers.every(({ status }) => status === 200)).toBe(true);
    expect(served.length + refused.length).toBe(BURST);
    // Only the rate limit refuses anything, and only as RATE_LIMITED.
    expect(refused.length === 0 || [...codes].every((code) => code === 'RATE_LIMITED')).toBe(true);
    // Callers waited for the next interval instead of failing: more than one interval's budget
    // was served, and no more than two intervals' (the 15 s deadline spans two).
    expect(served.length).toBeGreaterThan(LIMIT);
    expect(served.length).toBeLessThanOrEqual(2 * LIMIT);
    expect(refused.length).toBeGreaterThanOrEqual(BURST - 2 * LIMIT);
    // One upstream call per served search, none for a refused one, none retried.
    expect(upstreamCalls).toBe(served.length);
    // Every instance took part.
    // The metrics still count: every refusal, and the calls that waited for a slot.
    const scraped = await Promise.all(gateways.map(async (gateway) => (await fetch(new URL('/metrics', gateway.announced))).text()));
    const sum = (pattern: RegExp) => scraped.reduce((total, text) => total + [...text.matchAll(pattern)].reduce((n, match) => n + Number(match[1]), 0), 0);
    expect(sum(/^gateway_rate_limit_refusals_total\{upstream="hoopai",reason="[a-z_]+"\} (\d+)$/gm)).toBe(refused.length);
    expect(sum(/^gateway_rate_limit_wait_seconds_count\{upstream="hoopai",outcome="granted"\} (\d+)$/gm)).toBeGreaterThanOrEqual(served.length - LIMIT);
    expect(sum(/^gateway_upstream_429_total\{upstream="hoopai"[^}]*\} (\d+)$/gm)).toBe(0);
    const servedBy = new Set(answers.flatMap((answer, i) => (served.includes(answer) ? [i % 3] : [])));
    expect([...servedBy].sort()).toEqual([0, 1, 2]);
  }, 90_000);
});
