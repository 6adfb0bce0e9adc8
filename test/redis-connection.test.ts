import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { SharedRedis } from '../src/upstream/redis/connection';
import { problemsOf } from './helpers/config-problems';
import { NEEDS_REDIS, redisAnswers, useRedisPrefix } from './helpers/redis';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('connection');

describe('the shared mode settings', () => {
  it('is off without REDIS_URL, and names a bad value', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({ url: 'redis://127.0.0.1:6379', keyPrefix: 'hoop:', commandTimeoutMs: 500 });
    expect(problemsOf({ REDIS_URL: 'http://127.0.0.1:6379' })).toEqual(['REDIS_URL: expected a redis:// or rediss:// URL']);
    expect(problemsOf({ REDIS_URL: 'redis://x', REDIS_KEY_PREFIX: 'a b' })[0]).toMatch(/^REDIS_KEY_PREFIX: expected letters, digits/);
  });
});

describe.skipIf(!redisUp)(`the connection to Redis ${NEEDS_REDIS}`, () => {
  it('prefixes every key, and fails a command at once when Redis cannot be reached', async () => {
    const redis = new SharedRedis({ url, keyPrefix: prefix, commandTimeoutMs: 500 });
    await redis.ready();
    expect(redis.key('tokens', 'loc')).toBe(`${prefix}tokens:loc`);
    await redis.client.set(redis.key('probe'), '1');
    expect(await redis.client.get(`${prefix}probe`)).toBe('1');
    await redis.close();

    const nowhere = new SharedRedis({ url: 'redis://127.0.0.1:1', keyPrefix: prefix, commandTimeoutMs: 200 });
    // No offline queue: the command is refused, not held until Redis comes back.
    await expect(nowhere.client.get('x')).rejects.toThrow();
    await nowhere.close();
  });
});
