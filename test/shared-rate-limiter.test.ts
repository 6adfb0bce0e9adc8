import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallScope } from '../src/upstream/http/call-scope';
import { RateLimitedError } from '../src/upstream/http/errors';
import { FleetPresence } from '../src/upstream/rate-limit/fleet-presence';
import type { UpstreamName } from '../src/upstream/http/errors';
import { LocationRateLimiter, type RateLimitTuning } from '../src/upstream/rate-limit/location-limiter';
import { SharedLocationRateLimiter } from '../src/upstream/rate-limit/shared-limiter';
import { SharedRedis } from '../src/upstream/redis/connection';
import { NEEDS_REDIS, redisAnswers, startOwnRedis, useRedisPrefix } from './helpers/redis';
import { captureLogger, type CapturedLogger } from './helpers/upstream-log-capture';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('shared-rate-limiter');
const LOCATION = 've9EPM428h8vShlRW1KT';

function scope(timeoutMs: number): CallScope {
  return new CallScope('hoopai', { deadline: Date.now() + timeoutMs }, timeoutMs);
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const giveUp = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Instance {
  limiter: SharedLocationRateLimiter;
  redis: SharedRedis;
  presence: FleetPresence;
  log: CapturedLogger;
}

/** One gateway instance's limiter: its own Redis connection and presence, the fleet's prefix. */
async function instance(redisUrl: string, keyPrefix: string, tuning: Partial<RateLimitTuning>, upstream: UpstreamName = 'hoopai'): Promise<Instance> {
  const redis = new SharedRedis({ url: redisUrl, keyPrefix, commandTimeoutMs: 500 });
  await redis.ready();
  const presence = new FleetPresence(redis, 200);
  presence.start();
  const log = captureLogger('info');
  const fullTuning = { perWindow: 10, windowMs: 1_000, daily: 1_000, maxQueue: 100, ...tuning };
  const limiter = new SharedLocationRateLimiter({
    upstream,
    tuning: fullTuning,
    redis,
    presence,
    logger: log.logger,
    retryRedisAfterMs: 200,
    fallback: () => new LocationRateLimiter(fullTuning, log.logger, undefined, () => 1 / presence.instances),
  });
  return { limiter, redis, presence, log };
}

async function stopAll(instances: Instance[]): Promise<void> {
  for (const { limiter, redis, presence } of instances) {
    limiter.close();
    presence.stop();
    await redis.close();
  }
}

describe.skipIf(!redisUp)(`one budget per location for the fleet, in Redis ${NEEDS_REDIS}`, () => {
  it('never lets two instances together start more than the budget within any interval', async () => {
    const windowMs = 400;
    const fleet = [await instance(url, `${prefix}share:`, { perWindow: 4, windowMs }), await instance(url, `${prefix}share:`, { perWindow: 4, windowMs })];
    const counting = new SharedRedis({ url, keyPrefix: `${prefix}share:`, commandTimeoutMs: 500 });
    try {
      const startedAt: number[] = [];
      const answeredAt: number[] = [];
      const granted = [0, 0];
      await Promise.all(
        Array.from({ length: 14 }, async (_, i) => {
          const which = i % 2;
          const permit = await fleet[which]!.limiter.acquire(LOCATION, scope(20_000));
          startedAt.push(Date.now());
          granted[which]! += 1;
          answeredAt.push(Date.now());
          permit.answered({}, 200);
        }),
      );
      startedAt.sort((a, b) => a - b);
      answeredAt.sort((a, b) => a - b);
      expect(granted).toEqual([7, 7]);
      // The (i+4)-th start of the fleet happens only after its i-th answer has left the interval.
      for (let i = 0; i + 4 < startedAt.length; i++) expect(startedAt[i + 4]! - answeredAt[i]!).toBeGreaterThanOrEqual(windowMs);
      // Everything the fleet sent is in the shared log.
      await until(async () => (await counting.client.zcard(counting.key('ratelimit', 'hoopai', LOCATION, 'log'))) > 0, 'the shared log');
    } finally {
      await counting.close();
      await stopAll(fleet);
    }
  });

  it("follows one instance's upstream headers on every instance: a smaller limit, fewer remaining", async () => {
    const keyPrefix = `${prefix}headers:`;
    const [a, b] = [await instance(url, keyPrefix, { perWindow: 10, windowMs: 60_000 }), await instance(url, keyPrefix, { perWindow: 10, windowMs: 60_000 })];
    const meta = `${keyPrefix}ratelimit:hoopai:${LOCATION}:meta`;
    try {
      // A learns from HoopAI that the budget is 3 per 60 s, 2 left after its request.
      (await a!.limiter.acquire(LOCATION, scope(5_000))).answered(
        { 'x-ratelimit-max': '3', 'x-ratelimit-remaining': '2', 'x-ratelimit-interval-milliseconds': '60000' },
        200,
      );
      await until(async () => (await a!.redis.client.hget(meta, 'limit')) === '3', 'the learnt limit');
      // B, which never saw those headers, gets the two slots left, and no third.
      (await b!.limiter.acquire(LOCATION, scope(5_000))).answered({}, 200);
      (await b!.limiter.acquire(LOCATION, scope(5_000))).answered({ 'x-ratelimit-remaining': '0' }, 200);
      const refused = await b!.limiter.acquire(LOCATION, scope(2_000)).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect((refused as RateLimitedError).retryAfterMs).toBeGreaterThan(50_000);

      // Another location has a budget of its own; there HoopAI reports 8 left where the fleet believes 9: one is booked.
      const other = 'kZ3mQ7rT1wX5yB9nC2dF';
      (await b!.limiter.acquire(other, scope(5_000))).answered({ 'x-ratelimit-max': '10', 'x-ratelimit-remaining': '8' }, 200);
      const otherLog = `${keyPrefix}ratelimit:hoopai:${other}:log`;
      await until(async () => (await a!.redis.client.zcard(otherLog)) === 2, 'the booked request');
      const granted = [];
      for (let i = 0; i < 8; i++) granted.push(await a!.limiter.acquire(other, scope(5_000)));
      await expect(a!.limiter.acquire(other, scope(1_000))).rejects.toBeInstanceOf(RateLimitedError);
      for (const permit of granted) permit.unused();
    } finally {
      await stopAll([a!, b!]);
    }
  });

  it('serves the callers waiting on every instance in the order they came, whichever instance frees up', async () => {
    const keyPrefix = `${prefix}line:`;
    const [a, b] = [await instance(url, keyPrefix, { perWindow: 2, windowMs: 600 }), await instance(url, keyPrefix, { perWindow: 2, windowMs: 600 })];
    try {
      (await a!.limiter.acquire(LOCATION, scope(5_000))).answered({}, 200);
      (await a!.limiter.acquire(LOCATION, scope(5_000))).answered({}, 200);
      const order: string[] = [];
      const wait = (who: Instance, name: string) =>
        who.limiter.acquire(LOCATION, scope(20_000)).then((permit) => {
          order.push(name);
          permit.answered({}, 200);
        });
      // A's three callers come first, then B's three: each interval has room for two.
      const waiting = [wait(a!, 'a1'), wait(a!, 'a2'), wait(a!, 'a3')];
      await until(async () => (await a!.redis.client.zcard(`${keyPrefix}ratelimit:hoopai:${LOCATION}:line`)) === 3, "A's callers in the fleet's line");
      await new Promise((resolve) => setTimeout(resolve, 5));
      waiting.push(wait(b!, 'b1'), wait(b!, 'b2'), wait(b!, 'b3'));
      await Promise.all(waiting);
      // Two per interval, oldest first across both instances (within an interval the two may start in either order).
      expect([order.slice(0, 2).sort(), order.slice(2, 4).sort(), order.slice(4).sort()]).toEqual([
        ['a1', 'a2'],
        ['a3', 'b1'],
        ['b2', 'b3'],
      ]);
      expect(await a!.redis.client.zcard(`${keyPrefix}ratelimit:hoopai:${LOCATION}:line`)).toBe(0);
    } finally {
      await stopAll([a!, b!]);
    }
  });

  it('makes a caller wait for the next slot, within its deadline, rather than fail', async () => {
    const keyPrefix = `${prefix}wait:`;
    const [a, b] = [await instance(url, keyPrefix, { perWindow: 2, windowMs: 500 }), await instance(url, keyPrefix, { perWindow: 2, windowMs: 500 })];
    try {
      (await a!.limiter.acquire(LOCATION, scope(5_000))).answered({}, 200);
      (await a!.limiter.acquire(LOCATION, scope(5_000))).answered({}, 200);
      // B's callers find the budget spent; each waits for a slot instead of failing.
      const waiting = await Promise.allSettled(
        Array.from({ length: 4 }, () => b!.limiter.acquire(LOCATION, scope(10_000)).then((permit) => permit.answered({}, 200))),
      );
      expect(waiting.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    } finally {
      await stopAll([a!, b!]);
    }
  });
});

describe.skipIf(!redisUp)(`one budget for the Hoopr client, for the fleet ${NEEDS_REDIS}`, () => {
  it("pauses every instance's Hoopr calls when one of them is answered 429, for the Retry-After it names", async () => {
    const keyPrefix = `${prefix}hoopr:`;
    const unbounded = { perWindow: 1_000_000, windowMs: 10_000, daily: 1_000_000_000 };
    const [a, b] = [await instance(url, keyPrefix, unbounded, 'hoopr'), await instance(url, keyPrefix, unbounded, 'hoopr')];
    try {
      (await a!.limiter.acquire('sandbox-client', scope(5_000))).answered({}, 200);
      const many = await Promise.all(Array.from({ length: 30 }, () => b!.limiter.acquire('sandbox-client', scope(5_000))));
      for (const permit of many) permit.answered({}, 200);
      const backoff = (await a!.limiter.acquire('sandbox-client', scope(5_000))).answered({ 'retry-after': '30' }, 429);
      expect(backoff).toBe(30_000);
      await until(async () => Number(await a!.redis.client.hget(`${keyPrefix}ratelimit:hoopr:sandbox-client:meta`, 'blockedUntil')) > 0, 'the pause');
      const refused = await b!.limiter.acquire('sandbox-client', scope(2_000)).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect(refused).toMatchObject({ code: 'RATE_LIMITED', upstream: 'hoopr' });
      expect((refused as RateLimitedError).retryAfterMs).toBeGreaterThan(25_000);
    } finally {
      await stopAll([a!, b!]);
    }
  });
});

describe.skipIf(!redisUp)(`rate limits while Redis is down ${NEEDS_REDIS}`, () => {
  let own: Awaited<ReturnType<typeof startOwnRedis>>;
  beforeAll(async () => {
    own = await startOwnRedis();
  }, 30_000);
  afterAll(() => own?.stop());

  it("falls back to this instance's share of the budget, with a warning, and shares the budget again once Redis is back", async () => {
    const keyPrefix = 'limits-down:';
    const [a, b] = [await instance(own.url, keyPrefix, { perWindow: 10, windowMs: 60_000 }), await instance(own.url, keyPrefix, { perWindow: 10, windowMs: 60_000 })];
    try {
      await until(async () => (await a!.presence.beat()) === 2, 'both instances counted');
      (await a!.limiter.acquire(LOCATION, scope(5_000))).answered({ 'x-ratelimit-max': '10', 'x-ratelimit-remaining': '9' }, 200);
      // Recorded before Redis stops (a command still unanswered then would be sent again on reconnecting).
      await until(async () => (await a!.redis.client.hget(`${keyPrefix}ratelimit:hoopai:${LOCATION}:meta`, 'calibrated')) === '1', 'the first answer');

      await own.stop();
      await until(() => !a!.redis.connected, 'the connection to notice');
      expect(a!.limiter.shared).toBe(false);
      // Half of HoopAI's 10 for A alone: the first request calibrates, then four more, then none within the deadline.
      const first = await a!.limiter.acquire(LOCATION, scope(5_000));
      first.answered({ 'x-ratelimit-max': '10', 'x-ratelimit-remaining': '8' }, 200);
      const granted = [];
      for (let i = 0; i < 4; i++) granted.push(await a!.limiter.acquire(LOCATION, scope(5_000)));
      await expect(a!.limiter.acquire(LOCATION, scope(1_000))).rejects.toBeInstanceOf(RateLimitedError);
      for (const permit of granted) permit.answered({}, 200);
      const warnings = a!.log.lines().filter((line) => line.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ instances: 2, share: '1/2' });
      expect(String(warnings[0]!.msg)).toMatch(/Redis unavailable/);

      await own.start();
      await until(() => a!.limiter.shared, 'the shared budget to return', 20_000);
      // Shared again: the grant is recorded in the (new, empty) Redis, and A's budget is the fleet's whole 10 again.
      const permit = await a!.limiter.acquire(LOCATION, scope(5_000));
      expect(await a!.redis.client.zcard(`${keyPrefix}ratelimit:hoopai:${LOCATION}:log`)).toBe(1);
      permit.answered({ 'x-ratelimit-max': '10', 'x-ratelimit-remaining': '9' }, 200);
      await until(async () => (await a!.redis.client.hget(`${keyPrefix}ratelimit:hoopai:${LOCATION}:meta`, 'calibrated')) === '1', 'calibration');
      const again = [];
      for (let i = 0; i < 9; i++) again.push(await a!.limiter.acquire(LOCATION, scope(5_000)));
      for (const held of again) held.unused();
      expect(a!.log.text()).toMatch(/Redis answers again/);
    } finally {
      await stopAll([a!, b!]);
    }
  }, 60_000);

  it('hands the callers waiting for a shared slot to the fallback when Redis stops under them', async () => {
    const keyPrefix = 'limits-down-queued:';
    const a = await instance(own.url, keyPrefix, { perWindow: 4, windowMs: 1_500 });
    try {
      (await a.limiter.acquire(LOCATION, scope(5_000))).answered({ 'x-ratelimit-max': '4', 'x-ratelimit-remaining': '3' }, 200);
      for (let i = 0; i < 3; i++) (await a.limiter.acquire(LOCATION, scope(5_000))).answered({}, 200);
      await until(async () => (await a.redis.client.zcard(`${keyPrefix}ratelimit:hoopai:${LOCATION}:log`)) === 4, 'four answers recorded');
      // The budget is spent: these wait for the interval to pass…
      const waiting = Array.from({ length: 3 }, () => a.limiter.acquire(LOCATION, scope(15_000)).then((permit) => permit.answered({}, 200)));
      // …and Redis stops before it does.
      await own.stop();
      const outcomes = await Promise.allSettled(waiting);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect(a.log.lines().filter((line) => line.level === 40)).toHaveLength(1);
    } finally {
      await own.start();
      await stopAll([a]);
    }
  }, 60_000);
});
