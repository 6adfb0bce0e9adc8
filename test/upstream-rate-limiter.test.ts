import { describe, expect, it } from 'vitest';
import { CallScope } from '../src/upstream/http/call-scope';
import { RateLimitedError } from '../src/upstream/http/errors';
import { LocationRateLimiter, type RateLimitTuning } from '../src/upstream/rate-limit/location-limiter';
import { WindowBucket } from '../src/upstream/rate-limit/window-bucket';
import { captureLogger } from './helpers/upstream-log-capture';

const LOCATION = 've9EPM428h8vShlRW1KT';

describe('WindowBucket', () => {
  it('lets one request through until the first answer, then the whole budget', () => {
    const bucket = new WindowBucket(5, 5, 1_000);
    expect(bucket.free(0)).toBe(1);
    bucket.take();
    expect(bucket.free(0)).toBe(0);
    bucket.answered(10, {});
    expect(bucket.free(10)).toBe(4);
  });

  it('holds a slot from sending until one interval after the answer', () => {
    const bucket = new WindowBucket(2, 2, 1_000);
    bucket.calibrated = true;
    bucket.take();
    bucket.take();
    expect(bucket.free(5_000)).toBe(0);
    bucket.answered(100, {});
    bucket.answered(300, {});
    expect(bucket.free(1_099)).toBe(0);
    expect(bucket.free(1_100)).toBe(1);
    expect(bucket.nextChange(1_100)).toBe(1_300);
    expect(bucket.free(1_300)).toBe(2);
  });

  it('adopts a smaller upstream limit, its interval, and books requests it did not see', () => {
    const bucket = new WindowBucket(100, 100, 10_000);
    bucket.take();
    bucket.answered(0, { max: 20, intervalMs: 5_000, remaining: 10 });
    // 20 allowed, 1 answered by us, and the upstream says 10 are left: 9 were used elsewhere.
    expect(bucket.limit).toBe(20);
    expect(bucket.windowMs).toBe(5_000);
    expect(bucket.free(0)).toBe(10);
    expect(bucket.free(5_000)).toBe(20);
    // A larger upstream limit never raises the configured one.
    bucket.take();
    bucket.answered(6_000, { max: 500 });
    expect(bucket.limit).toBe(100);
  });

  it('books only what the upstream counted beyond everything we sent', () => {
    const bucket = new WindowBucket(10, 10, 1_000);
    bucket.take();
    bucket.answered(0, {});
    for (let i = 0; i < 5; i++) bucket.take();
    // Upstream saw the first, this one and three still in flight here: 5 left. We hold 2 answered + 4 in flight.
    bucket.answered(1, { remaining: 5 });
    expect(bucket.free(1)).toBe(4);
    // Now it reports 1 left while we believe 4 (3 answered, 3 in flight): three came from elsewhere.
    bucket.answered(2, { remaining: 1 });
    expect(bucket.free(2)).toBe(1);
  });

  it('blocks every slot after a 429 until the back-off ends', () => {
    const bucket = new WindowBucket(10, 10, 1_000);
    bucket.calibrated = true;
    bucket.block(0, 1_200);
    expect(bucket.free(1_199)).toBe(0);
    expect(bucket.free(1_200)).toBe(10);
  });

  it('estimates when a waiter could start, optimistically', () => {
    const bucket = new WindowBucket(2, 2, 1_000);
    expect(bucket.slotTime(0, 0)).toBeUndefined();
    bucket.calibrated = true;
    bucket.take();
    bucket.take();
    bucket.answered(100, {});
    expect(bucket.slotTime(0, 200)).toBe(1_100);
    expect(bucket.slotTime(1, 200)).toBe(1_200);
    expect(bucket.slotTime(5, 200)).toBe(1_200);
  });

  it('counts a long log exactly as a plain list of answers would, across compactions', () => {
    const windowMs = 1_000;
    const bucket = new WindowBucket(100_000, 100_000, windowMs);
    const answers: number[] = [];
    for (let now = 0; now < 5_000; now += 1) {
      // Three answers per millisecond: a log of ~3,000 entries, pruned and compacted as it goes.
      for (let i = 0; i < 3; i++) {
        bucket.take();
        bucket.answered(now, {});
        answers.push(now);
      }
      if (now % 97 === 0) {
        const inside = answers.filter((at) => at + windowMs > now).length;
        expect(bucket.free(now)).toBe(100_000 - inside);
        const oldestInside = answers.find((at) => at + windowMs > now)!;
        expect(bucket.nextChange(now)).toBe(oldestInside + windowMs);
      }
    }
  });
});

function limiter(tuning: Partial<RateLimitTuning>): LocationRateLimiter {
  return new LocationRateLimiter({ perWindow: 10, windowMs: 300, daily: 1_000, maxQueue: 100, ...tuning }, captureLogger().logger);
}

function scope(timeoutMs: number, signal?: AbortSignal): CallScope {
  return new CallScope('hoopai', { signal, deadline: Date.now() + timeoutMs }, timeoutMs);
}

describe('LocationRateLimiter', () => {
  it('never starts more than the budget within any interval, measured from the answers', async () => {
    const windowMs = 300;
    const rateLimiter = limiter({ perWindow: 10, windowMs });
    const answeredAt: number[] = [];
    const startedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        const permit = await rateLimiter.acquire(LOCATION, scope(5_000));
        startedAt.push(Date.now());
        answeredAt.push(Date.now());
        permit.answered({}, 200);
      }),
    );
    startedAt.sort((a, b) => a - b);
    answeredAt.sort((a, b) => a - b);
    expect(startedAt).toHaveLength(30);
    // The (i+10)-th start happens only after the i-th answer has left the interval.
    for (let i = 0; i + 10 < startedAt.length; i++) expect(startedAt[i + 10]! - answeredAt[i]!).toBeGreaterThanOrEqual(windowMs);
  });

  it('turns a caller away at once, with the wait, when its deadline cannot be met', async () => {
    const rateLimiter = limiter({ perWindow: 2, windowMs: 60_000 });
    (await rateLimiter.acquire(LOCATION, scope(1_000))).answered({}, 200);
    (await rateLimiter.acquire(LOCATION, scope(1_000))).answered({}, 200);
    const refused = await rateLimiter.acquire(LOCATION, scope(1_000)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterMs).toBeGreaterThan(50_000);
    // Another location has its own budget.
    await expect(rateLimiter.acquire('kZ3mQ7rT1wX5yB9nC2dF', scope(1_000))).resolves.toBeDefined();
  });

  it('fails a queued caller with RATE_LIMITED when its deadline passes while waiting', async () => {
    const rateLimiter = limiter({ perWindow: 1, windowMs: 300 });
    const first = await rateLimiter.acquire(LOCATION, scope(1_000));
    // The budget is free again only once `first` is answered: its end is unknown, so the caller waits.
    const waiting = rateLimiter.acquire(LOCATION, scope(150)).catch((error: unknown) => error);
    const refused = await waiting;
    expect(refused).toBeInstanceOf(RateLimitedError);
    first.answered({}, 200);
  });

  it('bounds the queue', async () => {
    const rateLimiter = limiter({ perWindow: 1, windowMs: 60_000, maxQueue: 3 });
    const first = await rateLimiter.acquire(LOCATION, scope(5_000));
    const queued = Array.from({ length: 3 }, () => rateLimiter.acquire(LOCATION, scope(5_000)).catch((error: unknown) => error));
    await expect(rateLimiter.acquire(LOCATION, scope(5_000))).rejects.toThrow(/queue full/);
    rateLimiter.close();
    for (const outcome of await Promise.all(queued)) expect(outcome).toBeInstanceOf(RateLimitedError);
    first.unused();
  });

  it('gives a cancelled waiter its own abort reason and frees its place', async () => {
    const rateLimiter = limiter({ perWindow: 1, windowMs: 300 });
    const first = await rateLimiter.acquire(LOCATION, scope(5_000));
    const controller = new AbortController();
    const cancelled = rateLimiter.acquire(LOCATION, scope(5_000, controller.signal)).catch((error: unknown) => error);
    const next = rateLimiter.acquire(LOCATION, scope(5_000));
    controller.abort(new Error('client went away'));
    expect(await cancelled).toMatchObject({ message: 'client went away' });
    first.unused();
    await expect(next).resolves.toBeDefined();
  });

  it('backs off a whole interval, with jitter, after an upstream 429', async () => {
    const rateLimiter = limiter({ perWindow: 10, windowMs: 60_000 });
    const permit = await rateLimiter.acquire(LOCATION, scope(1_000));
    const backoff = permit.answered({ 'x-ratelimit-interval-milliseconds': '10000', 'x-ratelimit-remaining': '0' }, 429);
    expect(backoff).toBeGreaterThanOrEqual(10_000);
    expect(backoff).toBeLessThanOrEqual(12_000);
    const refused = await rateLimiter.acquire(LOCATION, scope(1_000)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterMs).toBeGreaterThan(9_000);
  });

  it('spends the daily budget and believes the upstream when it reports less left', async () => {
    const rateLimiter = limiter({ perWindow: 100, daily: 3 });
    (await rateLimiter.acquire(LOCATION, scope(1_000))).answered({}, 200);
    (await rateLimiter.acquire(LOCATION, scope(1_000))).unused();
    (await rateLimiter.acquire(LOCATION, scope(1_000))).answered({ 'x-ratelimit-daily-remaining': '0' }, 200);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(rateLimiter.acquire(LOCATION, scope(1_000))).rejects.toThrow(/daily budget spent/);
  });
});
