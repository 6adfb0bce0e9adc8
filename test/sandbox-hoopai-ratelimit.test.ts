import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { privateIntegrationKey, SANDBOX_COMPANY_ID, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { SlidingWindowRateLimiter } from '../src/sandbox/hoopai/rate-limit';
import { call, controlPost, install, stats, type CallResult } from './helpers/hoopai-sandbox';

const [A, B] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];
const RATE_HEADERS = [
  'x-ratelimit-limit-daily',
  'x-ratelimit-daily-remaining',
  'x-ratelimit-interval-milliseconds',
  'x-ratelimit-max',
  'x-ratelimit-remaining',
];

function rateHeaders(answer: CallResult): Record<string, number> {
  return Object.fromEntries(RATE_HEADERS.map((name) => [name, Number(answer.headers.get(name))]));
}

describe('the sliding window (fake clock)', () => {
  const INTERVAL = 10_000;

  it('never accepts more than max in any interval, and refuses only when max were accepted in the interval before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 4_000 }), { minLength: 1, maxLength: 120 }),
        (max, gaps) => {
          let time = 0;
          const limiter = new SlidingWindowRateLimiter({ intervalMs: INTERVAL, now: () => time });
          const accepted: number[] = [];
          for (const gap of gaps) {
            time += gap;
            const inWindowBefore = accepted.filter((at) => at > time - INTERVAL).length;
            const decision = limiter.take('bucket', max);
            expect(decision.allowed).toBe(inWindowBefore < max);
            if (decision.allowed) accepted.push(time);
            expect(decision.remaining).toBe(Math.max(0, max - inWindowBefore - (decision.allowed ? 1 : 0)));
          }
          // Every window [s, s + INTERVAL) starting at an accepted request holds at most max.
          for (const start of accepted) {
            expect(accepted.filter((at) => at >= start && at < start + INTERVAL).length).toBeLessThanOrEqual(max);
          }
        },
      ),
      { seed: 20240607, numRuns: 200 },
    );
  });

  it('counts the daily budget per UTC day, refusals excluded', () => {
    let time = Date.UTC(2025, 0, 1, 23, 59, 0);
    const limiter = new SlidingWindowRateLimiter({ dailyLimit: 3, now: () => time });
    const take = () => {
      time += 11_000; // past the burst window each time
      return limiter.take('bucket', 100);
    };
    expect([take(), take(), take()].map((d) => d.dailyRemaining)).toEqual([2, 1, 0]);
    const refused = take();
    expect(refused).toMatchObject({ allowed: false, dailyRemaining: 0 });
    time = Date.UTC(2025, 0, 2, 0, 0, 1);
    expect(limiter.take('bucket', 100)).toMatchObject({ allowed: true, dailyRemaining: 2 });
  });

  it('keeps buckets apart and forgets everything on reset', () => {
    const time = 0;
    const limiter = new SlidingWindowRateLimiter({ now: () => time });
    expect(limiter.take('a', 1).allowed).toBe(true);
    expect(limiter.take('a', 1).allowed).toBe(false);
    expect(limiter.take('b', 1).allowed).toBe(true);
    limiter.reset();
    expect(limiter.take('a', 1).allowed).toBe(true);
  });
});

describe('rate limits on the sandbox (real sockets)', () => {
  let sandbox: RunningHoopaiSandbox;
  let url: string;

  beforeAll(async () => {
    sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
    url = sandbox.url;
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(async () => {
    await controlPost(url, '/__sandbox/faults', {});
    await controlPost(url, '/__sandbox/reset');
  });

  const search = (token: string, locationId: string) => call(url, 'POST', '/contacts/search', { token, json: { locationId, pageLimit: 1 } });

  it('sends the five headers on every authenticated response with the right arithmetic, 429 past the limit', async () => {
    await controlPost(url, '/__sandbox/faults', { rateLimitPer10s: 5 });
    const key = privateIntegrationKey(A);
    const answers = [
      await search(key, A), // 200
      await search(key, B), // 403: another location
      await call(url, 'POST', '/contacts/search', { token: key, json: { locationId: A } }), // 422
      await call(url, 'GET', '/contacts/noSuchContact', { token: key }), // 400
      await search(key, A), // 200
      await search(key, A), // 429
      await search(key, A), // 429
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 403, 422, 400, 200, 429, 429]);
    answers.forEach((answer, index) => {
      const used = Math.min(index + 1, 5);
      expect(rateHeaders(answer)).toEqual({
        'x-ratelimit-limit-daily': 200_000,
        'x-ratelimit-daily-remaining': 200_000 - used,
        'x-ratelimit-interval-milliseconds': 10_000,
        'x-ratelimit-max': 5,
        'x-ratelimit-remaining': 5 - used,
      });
    });
    const refused = answers[5]!;
    expect(refused.body).toEqual({ statusCode: 429, message: 'Too many requests' });
    expect(refused.headers.get('retry-after')).toBeNull();
    const counted = await stats(url);
    expect(counted.rateLimited).toBe(2);
    expect(counted.byLocation[A]).toBe(7);
  });

  it('defaults to 100 per 10 s and sends no budget headers before authentication', async () => {
    expect(rateHeaders(await search(privateIntegrationKey(A), A))).toMatchObject({ 'x-ratelimit-max': 100, 'x-ratelimit-remaining': 99 });
    const anonymous = await call(url, 'POST', '/contacts/search', { json: { locationId: A, pageLimit: 1 } });
    expect(anonymous.status).toBe(401);
    for (const name of RATE_HEADERS) expect(anonymous.headers.has(name)).toBe(false);
  });

  it('a burst: exactly the limit is accepted, the rest is 429, and other locations keep their own budget', async () => {
    await controlPost(url, '/__sandbox/faults', { rateLimitPer10s: 5 });
    const burst = await Promise.all(Array.from({ length: 20 }, () => search(privateIntegrationKey(A), A)));
    const statuses = burst.map((answer) => answer.status);
    // The whole burst fits in one 10 s window, so "accepted in total" bounds every window.
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    expect((await stats(url)).rateLimited).toBe(15);

    const other = await search(privateIntegrationKey(B), B);
    expect(other.status).toBe(200);
    expect(rateHeaders(other)['x-ratelimit-remaining']).toBe(4);
    // An agency token spends the company's budget, not a location's.
    const agency = await install(url, { user_type: 'Company' });
    const mint = await call(url, 'POST', '/oauth/locationToken', { token: agency.access_token, form: { companyId: SANDBOX_COMPANY_ID, locationId: A } });
    expect(mint.status).toBe(200);
    expect(rateHeaders(mint)['x-ratelimit-remaining']).toBe(4);
    expect((await stats(url)).byLocation[SANDBOX_COMPANY_ID]).toBe(1);
  });

  it('the control plane reset gives every budget back', async () => {
    await controlPost(url, '/__sandbox/faults', { rateLimitPer10s: 1 });
    expect((await search(privateIntegrationKey(A), A)).status).toBe(200);
    expect((await search(privateIntegrationKey(A), A)).status).toBe(429);
    await controlPost(url, '/__sandbox/reset');
    expect((await search(privateIntegrationKey(A), A)).status).toBe(200);
  });
});
