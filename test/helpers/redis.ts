import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';

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
    if (!(await redisAnswers())) return;
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });
  return { url: TEST_REDIS_URL, prefix };
}

/**
 * A redis-server of the test's own, on a free port, for the "Redis fails" tests: they stop
 * it mid-run and start it again on the same port, which they must never do to the shared one.
 * Needs `redis-server` on the PATH (Debian's package; `.ci/run` installs it).
 */
export interface OwnRedis {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: as abrupt as a crash); resolves once the port refuses. */
  stop(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const { spawn } = await import('node:child_process');
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolvePort, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolvePort(free));
    });
    probe.on('error', reject);
  });
  const url = `redis://127.0.0.1:${port}`;
  let child: import('node:child_process').ChildProcess | undefined;
  const own: OwnRedis = {
    url,
    port,
    async start() {
      child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      for (let attempt = 0; attempt < 100; attempt++) {
        if (await redisAnswers(url)) return;
        await new Promise((wait) => setTimeout(wait, 50));
      }
      throw new Error(`redis-server on port ${port} did not answer within 5 s`);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((exited) => {
        running.once('exit', () => exited());
        running.kill('SIGKILL');
      });
    },
  };
  await own.start();
  afterAll(() => own.stop());
  return own;
}
