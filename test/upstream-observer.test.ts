import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { startHooprSandbox } from '../src/sandbox/hoopr/index';
import { createServices } from '../src/services';
import { CallScope } from '../src/upstream/http/call-scope';
import { CircuitOpenError, MemoryTokenStore, RateLimitedError, UpstreamUnavailableError } from '../src/upstream/index';
import { LocationRateLimiter } from '../src/upstream/rate-limit/location-limiter';
import { tokenKeys } from '../src/upstream/tokens/token-store';
import { recordingObserver } from './helpers/recording-observer';
import { testUpstreams, type TestUpstreams } from './helpers/upstream-gateway';
import { captureLogger } from './helpers/upstream-log-capture';
import { installThroughBrowser, startOAuthGateway } from './helpers/upstream-oauth-gateway';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/**
 * The upstream layer's one observer interface (src/upstream/observability.ts): every send,
 * retry, rate-limit wait, token request, breaker change and cache lookup is told, over real
 * sockets against the sandboxes, and what it is told matches what the sandboxes counted.
 */

const [MUMBAI, BEATLINE] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];

let hoopr: Awaited<ReturnType<typeof startHooprSandbox>>;
let hoopai: Awaited<ReturnType<typeof startHoopaiSandbox>>;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  [hoopr, hoopai] = await Promise.all([startHooprSandbox({ port: 0, host: '127.0.0.1' }), startHoopaiSandbox({ port: 0, host: '127.0.0.1' })]);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((each) => each.close()));
  await Promise.all([sandboxControl(hoopr.url).faults({}), sandboxControl(hoopai.url).faults({})]);
  await Promise.all([sandboxControl(hoopr.url).reset(), sandboxControl(hoopai.url).reset()]);
});
afterAll(async () => {
  await Promise.all([hoopr.close(), hoopai.close()]);
});

function upstreams(overrides: Parameters<typeof testUpstreams>[0]): TestUpstreams {
  const started = testUpstreams(overrides);
  opened.push(started);
  return started;
}

const beatlineByKey = { locationId: BEATLINE, auth: { kind: 'private-key' as const, key: privateIntegrationKey(BEATLINE) } };

describe('the upstream observer', () => {
  it('is told of every send (route pattern, attempt, status), every retry and every change of the breaker', async () => {
    const observer = recordingObserver();
    const catalog = upstreams({ observer, retry: { initialDelayMs: 5, maxDelayMs: 10 }, breaker: { failureThreshold: 3 }, hoopr: { baseUrl: hoopr.url } });
    expect(observer.eventsOf('breakerChanged')).toEqual([
      ['hoopr', 'closed'],
      ['hoopai', 'closed'],
    ]);

    await catalog.hoopr.listTracks({ page: 1, pageSize: 1 });
    expect(observer.requests.map(({ route, attempt, status }) => ({ route, attempt, status }))).toEqual([
      { route: 'POST /v1/auth/token', attempt: 0, status: 200 },
      { route: 'GET /v1/tracks', attempt: 0, status: 200 },
    ]);
    expect(observer.eventsOf('tokenRequested')).toEqual([['hoopr', 'grant', 'ok']]);

    const control = sandboxControl(hoopr.url);
    await control.faults({ errorRate: 1, errorStatus: 503 });
    await expect(catalog.hoopr.getTrack('any-track')).rejects.toBeInstanceOf(UpstreamUnavailableError);
    const sent = observer.requests.filter((request) => request.route === 'GET /v1/tracks/:id');
    expect(sent.map(({ attempt, status, finished }) => ({ attempt, status, finished }))).toEqual([
      { attempt: 0, status: 503, finished: true },
      { attempt: 1, status: 503, finished: true },
      { attempt: 2, status: 503, finished: true },
    ]);
    expect(await control.requests('GET /v1/tracks/:id')).toBe(3);
    expect(observer.eventsOf('retryScheduled').map(([upstream, route, code]) => [upstream, route, code])).toEqual([
      ['hoopr', 'GET /v1/tracks/:id', 'UPSTREAM_UNAVAILABLE'],
      ['hoopr', 'GET /v1/tracks/:id', 'UPSTREAM_UNAVAILABLE'],
    ]);
    expect(observer.eventsOf('breakerChanged').at(-1)).toEqual(['hoopr', 'open']);

    // Open: the call is refused without a byte sent, and the observer is told so.
    await expect(catalog.hoopr.getTrack('any-track')).rejects.toBeInstanceOf(CircuitOpenError);
    expect(observer.requests.at(-1)).toMatchObject({ route: 'GET /v1/tracks/:id', status: undefined, error: expect.any(CircuitOpenError) });
    expect(await control.requests('GET /v1/tracks/:id')).toBe(3);
  });

  it('is told of a refused client-credentials grant', async () => {
    const observer = recordingObserver();
    const refused = upstreams({ observer, hoopr: { baseUrl: hoopr.url, clientSecret: `hpr_test_${randomBytes(8).toString('hex')}` } });
    await expect(refused.hoopr.listTracks()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(observer.eventsOf('tokenRequested')).toEqual([['hoopr', 'grant', 'failed']]);
  });

  it('is told of rate-limit waits: granted after waiting, refused with the reason, abandoned by the caller', async () => {
    const observer = recordingObserver();
    const limiter = new LocationRateLimiter({ perWindow: 1, windowMs: 100, daily: 1_000, maxQueue: 2 }, captureLogger().logger, observer);
    const scope = (timeoutMs: number, signal?: AbortSignal) => new CallScope('hoopai', { signal, deadline: Date.now() + timeoutMs }, timeoutMs);
    const first = await limiter.acquire(BEATLINE, scope(5_000));
    const cancel = new AbortController();
    const waiting = [limiter.acquire(BEATLINE, scope(5_000)), limiter.acquire(BEATLINE, scope(5_000, cancel.signal))];
    await expect(limiter.acquire(BEATLINE, scope(5_000))).rejects.toBeInstanceOf(RateLimitedError);
    cancel.abort();
    first.answered({}, 200);
    const [granted, abandoned] = await Promise.allSettled(waiting);
    expect([granted?.status, abandoned?.status]).toEqual(['fulfilled', 'rejected']);

    const waits = observer.eventsOf('rateLimited') as [string, { outcome: string; reason?: string; waitedMs: number }][];
    expect(waits.map(([upstream, { outcome, reason }]) => [upstream, outcome, reason])).toEqual([
      ['hoopai', 'refused', 'queue_full'],
      ['hoopai', 'cancelled', undefined],
      ['hoopai', 'granted', undefined],
    ]);
    expect(waits.at(-1)![1].waitedMs).toBeGreaterThan(0);
    limiter.close();
  });

  it('is told of every OAuth refresh, and of a refresh token that is dead', async () => {
    const observer = recordingObserver();
    const store = new MemoryTokenStore();
    const locations = [{ locationId: MUMBAI, auth: { kind: 'oauth' as const } }];
    const restart = async () => {
      const gateway = await startOAuthGateway(hoopai.url, { tokenStore: store, locations }, { observer });
      opened.push(gateway);
      return gateway;
    };
    /** Makes the stored pair look expired (and its refresh token another one), as a restart a day later finds it. */
    const expireStoredPair = async (refreshToken?: string) => {
      const key = tokenKeys.location(MUMBAI);
      const record = (await store.get(key))!;
      await store.compareAndSet(key, record.version, { ...record.tokens, expiresAt: Date.now() - 1, ...(refreshToken ? { refreshToken } : {}) });
    };
    expect((await installThroughBrowser((await restart()).url, `locationId=${MUMBAI}`)).status).toBe(200);

    await expireStoredPair();
    await (await restart()).upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 });
    expect(observer.eventsOf('tokenRequested')).toEqual([['hoopai', 'refresh', 'ok']]);

    await expireStoredPair(`spent-${randomBytes(8).toString('hex')}`);
    await expect((await restart()).upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1 })).rejects.toMatchObject({ code: 'REAUTH_REQUIRED' });
    expect(observer.eventsOf('tokenRequested')).toEqual([
      ['hoopai', 'refresh', 'ok'],
      ['hoopai', 'refresh', 'reauth_required'],
    ]);
    // The sandbox counts every refresh asked for, the refused one too.
    expect((await sandboxControl(hoopai.url).stats()).tokenRefreshes).toBe(2);
  });

  it('is told of cache hits, misses and evictions, in the catalog, CRM and idempotency caches', async () => {
    const observer = recordingObserver();
    const both = upstreams({ observer, hoopr: { baseUrl: hoopr.url }, hoopai: { baseUrl: hoopai.url, locations: [beatlineByKey] } });
    let now = Date.now();
    const services = createServices(both, { catalogMode: 'test', observer, caches: { crmCacheMaxEntries: 1 }, clock: () => now });
    const lookups = (cache: string) => observer.eventsOf('cacheLookup').filter(([name]) => name === cache).map(([, hit]) => (hit ? 'hit' : 'miss'));
    const evictions = (cache: string) => observer.eventsOf('cacheEvicted').filter(([name]) => name === cache).map(([, reason]) => reason);

    // A track Hoopr does not have: asked once, then answered by the remembered miss.
    await services.catalog.tracks(['no-such-track'], {});
    await services.catalog.tracks(['no-such-track'], {});
    expect(lookups('catalog')).toEqual(['miss', 'hit']);
    expect(await sandboxControl(hoopr.url).requests('GET /v1/tracks/:id')).toBe(1);

    const [first, second] = (await both.hoopai.searchContacts(BEATLINE, { pageLimit: 2 })).contacts.map((contact) => contact.id) as [string, string];
    await services.crm.contacts(BEATLINE, [first], {});
    await services.crm.contacts(BEATLINE, [first], {});
    // The cache holds one entry: the second contact pushes the first out.
    await services.crm.contacts(BEATLINE, [second], {});
    expect(lookups('crm')).toEqual(['miss', 'hit', 'miss']);
    expect(evictions('crm')).toEqual(['capacity']);
    now += 60_000;
    await services.crm.contacts(BEATLINE, [second], {});
    expect(lookups('crm').at(-1)).toBe('miss');
    expect(evictions('crm')).toEqual(['capacity', 'expired']);
    expect(await sandboxControl(hoopai.url).requests('GET /contacts/:contactId')).toBe(3);

    const keyed = {
      scope: { locationId: BEATLINE, caller: 'observer-test', mutation: 'test', key: 'key-1' },
      fingerprint: 'same input',
      deadline: now + 10_000,
      write: async () => 'done',
      outcomeUnknown: () => false,
    };
    await services.idempotency.run(keyed);
    await services.idempotency.run(keyed);
    expect(lookups('idempotency')).toEqual(['miss', 'hit']);
    expect(observer.eventsOf('idempotentWrite')).toEqual([
      ['test', 'written'],
      ['test', 'replayed'],
    ]);
  });
});
