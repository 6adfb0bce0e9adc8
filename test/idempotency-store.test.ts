import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  type IdempotencyStore,
  IdempotencyUnavailableError,
  IdempotentWrites,
  type KeyedWrite,
  MemoryIdempotencyStore,
  RedisIdempotencyStore,
} from '../src/upstream/idempotency/index';
import type { PendingRecord } from '../src/upstream/idempotency/records';
import { SharedRedis } from '../src/upstream/redis/connection';
import { recordingObserver } from './helpers/recording-observer';
import { NEEDS_REDIS, type OwnRedis, redisAnswers, startOwnRedis, useRedisPrefix } from './helpers/redis';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('idempotency-store');
const connections: SharedRedis[] = [];
afterAll(() => Promise.all(connections.map((connection) => connection.close())));

function redisConnection(redisUrl = url): SharedRedis {
  const connection = new SharedRedis({ url: redisUrl, keyPrefix: prefix, commandTimeoutMs: 500 });
  connections.push(connection);
  return connection;
}

const scope = () => ({ locationId: 'loc-1', caller: 'caller-1', mutation: 'sendMessage', key: randomUUID() });
const pending = (attempt: string = randomUUID()): PendingRecord => ({ state: 'pending', fingerprint: 'f', attempt, startedAt: 1, leaseUntil: 2 });

/** A write that counts its calls; fails as told, once each, before it succeeds. */
function countingWrite(...failures: Error[]) {
  const state = { calls: 0 };
  const write = async (): Promise<{ written: number | string }> => {
    state.calls++;
    const failure = failures.shift();
    if (failure) throw failure;
    return { written: state.calls };
  };
  return { state, write };
}

class LostAnswer extends Error {}

const stores: [string, () => Promise<IdempotencyStore>][] = [
  ['memory', async () => new MemoryIdempotencyStore()],
  ['redis', async () => {
    const connection = redisConnection();
    await connection.ready();
    return new RedisIdempotencyStore(connection);
  }],
];

describe.each(stores)('the %s idempotency store', (name, makeStore) => {
  const skip = name === 'redis' && !redisUp;

  it.skipIf(skip)(`claims a key once; only the attempt holding it may replace or release it ${skip ? NEEDS_REDIS : ''}`, async () => {
    const store = await makeStore();
    const key = scope();
    const first = pending('first');
    expect(await store.claim(key, first)).toEqual({ claimed: true });
    expect(await store.claim(key, pending('second'))).toEqual({ claimed: false, existing: first });
    expect(await store.replace(key, 'second', { ...first, attempt: 'second' })).toBe(false);
    const done = { state: 'done', fingerprint: 'f', attempt: 'first', startedAt: 1, result: { id: 'x' } } as const;
    expect(await store.replace(key, 'first', done)).toBe(true);
    await store.release(key, 'second');
    expect(await store.claim(key, pending())).toEqual({ claimed: false, existing: done });
    await store.release(key, 'first');
    expect(await store.claim(key, pending('third'))).toEqual({ claimed: true });
  });

  it.skipIf(skip)('lets exactly one of 20 concurrent claims of a key win', async () => {
    const [one, other] = [await makeStore(), name === 'redis' ? await makeStore() : undefined];
    const key = scope();
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 && other ? other : one).claim(key, pending(`a${i}`))));
    expect(claims.filter((claim) => claim.claimed)).toHaveLength(1);
  });

  describe('behind IdempotentWrites', () => {
    const plan = <T>(key: ReturnType<typeof scope>, write: () => Promise<T>, extra: Partial<KeyedWrite<T>> = {}): KeyedWrite<T> => ({
      scope: key,
      fingerprint: 'input-1',
      deadline: Date.now() + 10_000,
      write,
      outcomeUnknown: (error) => error instanceof LostAnswer,
      ...extra,
    });

    it.skipIf(skip)('replays the first answer, and refuses the key with other input', async () => {
      const writes = new IdempotentWrites(await makeStore());
      const key = scope();
      const { state, write } = countingWrite();
      expect(await writes.run(plan(key, write))).toEqual({ value: { written: 1 }, replayed: false });
      expect(await writes.run(plan(key, write))).toEqual({ value: { written: 1 }, replayed: true });
      await expect(writes.run(plan(key, write, { fingerprint: 'input-2' }))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      expect(state.calls).toBe(1);
    });

    it.skipIf(skip)('frees the key after a failure that wrote nothing', async () => {
      const writes = new IdempotentWrites(await makeStore());
      const key = scope();
      const { state, write } = countingWrite(new Error('refused'));
      await expect(writes.run(plan(key, write))).rejects.toThrow('refused');
      expect(await writes.run(plan(key, write))).toEqual({ value: { written: 2 }, replayed: false });
      expect(state.calls).toBe(2);
    });

    it.skipIf(skip)('makes a retry wait for the attempt in flight, then replays its answer', async () => {
      const writes = new IdempotentWrites(await makeStore(), { pollMs: 20 });
      const key = scope();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let calls = 0;
      const slow = async () => {
        calls++;
        await gate;
        return { written: calls };
      };
      const first = writes.run(plan(key, slow));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const retry = writes.run(plan(key, slow));
      release();
      expect(await first).toEqual({ value: { written: 1 }, replayed: false });
      expect(await retry).toEqual({ value: { written: 1 }, replayed: true });
      expect(calls).toBe(1);
    });

    it.skipIf(skip)('answers IDEMPOTENCY_IN_PROGRESS to a retry that would wait past its bound', async () => {
      const writes = new IdempotentWrites(await makeStore(), { pollMs: 20, maxWaitMs: 60 });
      const key = scope();
      let release!: () => void;
      const first = writes.run(plan(key, () => new Promise<object>((resolve) => (release = () => resolve({})))));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const refused = await writes.run(plan(key, async () => ({}))).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(IdempotencyInProgressError);
      expect(refused).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', settling: false });
      release();
      await first;
    });

    it.skipIf(skip)('after an unknown outcome, answers what reconciliation finds, without writing again', async () => {
      const observer = recordingObserver();
      const writes = new IdempotentWrites(await makeStore(), { observer });
      const key = scope();
      const { state, write } = countingWrite(new LostAnswer());
      const looked: number[] = [];
      const reconcile = async (since: number) => {
        looked.push(since);
        return { written: 'found upstream' };
      };
      const before = Date.now();
      await expect(writes.run(plan(key, write, { reconcile }))).rejects.toBeInstanceOf(LostAnswer);
      expect(await writes.run(plan(key, write, { reconcile }))).toEqual({ value: { written: 'found upstream' }, replayed: true });
      expect(await writes.run(plan(key, write, { reconcile }))).toEqual({ value: { written: 'found upstream' }, replayed: true });
      expect(state.calls).toBe(1);
      expect(observer.eventsOf('idempotentWrite').map(([, outcome]) => outcome)).toEqual(['outcome_unknown', 'reconciled', 'replayed']);
      expect(looked).toHaveLength(1);
      expect(looked[0]).toBeGreaterThanOrEqual(before);
    });

    it.skipIf(skip)('after an unknown outcome with no trace upstream, waits out the settle time, then writes once', async () => {
      let now = 1_000_000;
      const writes = new IdempotentWrites(await makeStore(), { settleMs: 30_000, clock: () => now });
      const key = scope();
      const { state, write } = countingWrite(new LostAnswer());
      const reconcile = async () => undefined;
      const keyed = () => plan(key, write, { reconcile, deadline: now + 10_000 });
      await expect(writes.run(keyed())).rejects.toBeInstanceOf(LostAnswer);
      now += 10_000;
      const early = await writes.run(keyed()).catch((error: unknown) => error);
      expect(early).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS', settling: true, retryAfterMs: 20_000 });
      now += 20_000;
      expect(await writes.run(keyed())).toEqual({ value: { written: 2 }, replayed: false });
      expect(await writes.run(keyed())).toEqual({ value: { written: 2 }, replayed: true });
      expect(state.calls).toBe(2);
    });

    it.skipIf(skip)('writes a repeatable write again at once when reconciliation finds nothing, without waiting out the settle time', async () => {
      const writes = new IdempotentWrites(await makeStore(), { settleMs: 60_000 });
      const key = scope();
      const { state, write } = countingWrite(new LostAnswer());
      const extra = { reconcile: async () => undefined, repeatable: true };
      await expect(writes.run(plan(key, write, extra))).rejects.toBeInstanceOf(LostAnswer);
      expect(await writes.run(plan(key, write, extra))).toEqual({ value: { written: 2 }, replayed: false });
      expect(state.calls).toBe(2);
    });

    it.skipIf(skip)('writes a repeatable write (no reconciliation) again at once after an unknown outcome', async () => {
      const writes = new IdempotentWrites(await makeStore());
      const key = scope();
      const { state, write } = countingWrite(new LostAnswer());
      await expect(writes.run(plan(key, write))).rejects.toBeInstanceOf(LostAnswer);
      expect(await writes.run(plan(key, write))).toEqual({ value: { written: 2 }, replayed: false });
      expect(state.calls).toBe(2);
    });
  });
});

describe.skipIf(!redisUp)(`the Redis idempotency store at start-up ${NEEDS_REDIS}`, () => {
  it('takes a keyed write that arrives before its first connection is up, instead of refusing it', async () => {
    const writes = new IdempotentWrites(new RedisIdempotencyStore(redisConnection()));
    const keyed = { scope: scope(), fingerprint: 'f', deadline: Date.now() + 10_000, write: async () => ({ written: 1 }), outcomeUnknown: () => true };
    expect(await writes.run(keyed)).toEqual({ value: { written: 1 }, replayed: false });
  });
});

describe.skipIf(!redisUp)(`keyed writes while Redis is down ${NEEDS_REDIS}`, () => {
  let own: OwnRedis;
  beforeAll(async () => {
    own = await startOwnRedis();
  });

  it('fail closed with IDEMPOTENCY_UNAVAILABLE before writing, and work again once Redis is back', async () => {
    const connection = redisConnection(own.url);
    await connection.ready();
    const writes = new IdempotentWrites(new RedisIdempotencyStore(connection));
    const { state, write } = countingWrite();
    const keyed = (key: ReturnType<typeof scope>) => ({ scope: key, fingerprint: 'f', deadline: Date.now() + 10_000, write, outcomeUnknown: () => true });

    await own.stop();
    const refused = await writes.run(keyed(scope())).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IdempotencyUnavailableError);
    expect(refused).toMatchObject({ code: 'IDEMPOTENCY_UNAVAILABLE' });
    expect(state.calls).toBe(0);

    await own.start();
    await connection.ready(10_000);
    const key = scope();
    expect(await writes.run(keyed(key))).toEqual({ value: { written: 1 }, replayed: false });
    expect(await writes.run(keyed(key))).toEqual({ value: { written: 1 }, replayed: true });
  }, 30_000);
});
