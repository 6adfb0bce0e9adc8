import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { RedisDeliveryClaims } from '../src/server/webhooks/redis-delivery-claims';
import { SharedRedis } from '../src/upstream/redis/connection';
import { type OwnRedis, startOwnRedis } from './helpers/redis';
import { NEEDS_REDIS_SERVER, redisServerInstalled } from './helpers/own-redis';

/**
 * The fleet's delivery claims on a Redis of the test's own, stopped mid-run: while it is down
 * each instance claims in memory (a repeat to the same instance is still a replay, and so is
 * one claimed in Redis before the outage), and it claims in Redis again once Redis is back,
 * without a restart.
 */
describe.skipIf(!redisServerInstalled())(`webhook claims while Redis is down ${NEEDS_REDIS_SERVER}`, () => {
  let redis: OwnRedis;
  let shared: SharedRedis;
  let claims: RedisDeliveryClaims;
  let other: RedisDeliveryClaims;
  let logged = '';

  beforeAll(async () => {
    redis = await startOwnRedis();
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void (logged += line) } });
    shared = new SharedRedis({ url: redis.url, keyPrefix: 'test:claims:', commandTimeoutMs: 300, logger });
    await shared.ready();
    claims = new RedisDeliveryClaims(shared, { ttlMs: 600_000, instanceId: 'a', logger });
    other = new RedisDeliveryClaims(shared, { ttlMs: 600_000, instanceId: 'b', logger });
  });
  afterAll(async () => {
    await shared?.close();
  });

  it('claims in Redis, in memory while Redis is down, and in Redis again when it is back', async () => {
    expect(await claims.claim('before')).toBe(true);
    expect(await other.claim('before')).toBe(false);

    await redis.stop();
    expect(await claims.claim('during')).toBe(true);
    expect(await claims.claim('during')).toBe(false);
    expect(await claims.claim('before')).toBe(false);
    expect(logged).toContain('webhook deliveries are claimed in this instance only');

    await redis.start();
    await shared.ready(10_000);
    for (let attempt = 0; attempt < 50 && !shared.connected; attempt++) await new Promise((wait) => setTimeout(wait, 100));
    expect(await claims.claim('after')).toBe(true);
    expect(await other.claim('after')).toBe(false);
    expect(logged).toContain('claimed in Redis again');
  });
});
