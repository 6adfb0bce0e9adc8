import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { type OwnRedis, ownRedis } from './own-redis';
import { deleteKeysUnder } from './redis-keys';

export type { OwnRedis } from './own-redis';

/**
 * The Redis the shared-mode tests use: 127.0.0.1:6379 (Debian's redis-server; `.ci/run`
 * starts one if none answers), or `TEST_REDIS_URL`. On a machine without one those tests
 * skip, saying so: `npm test` never needs Redis.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisAnswers(url = TEST_REDIS_URL): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 500, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** How a skipped shared-mode suite names itself. */
export const NEEDS_REDIS = `(needs Redis at ${TEST_REDIS_URL}: start redis-server, or set TEST_REDIS_URL)`;

/**
 * A key prefix of this test file's own, so runs never collide; every key under it is
 * deleted after the file's tests.
 */
export function useRedisPrefix(name: string): { url: string; prefix: string } {
  const prefix = `test:${name}:${randomBytes(4).toString('hex')}:`;
  afterAll(async () => {
    if (await redisAnswers()) await deleteKeysUnder(TEST_REDIS_URL, prefix);
  });
  return { url: TEST_REDIS_URL, prefix };
}

/**
 * A redis-server of the test file's own (`./own-redis`), stopped after the file's tests: for
 * the "Redis fails" tests, which stop and start it mid-run, as they must never do to the shared one.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const own = await ownRedis();
  afterAll(() => own.stop());
  return own;
}
