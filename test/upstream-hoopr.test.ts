import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHooprSandbox } from '../src/sandbox/hoopr/index';
import { UpstreamError } from '../src/upstream/index';
import { settleAll, testUpstreams, type TestUpstreams } from './helpers/upstream-gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const TRACKS = 'GET /v1/tracks';
const TOKEN = 'POST /v1/auth/token';

let sandbox: Awaited<ReturnType<typeof startHooprSandbox>>;
let control: SandboxControl;
let upstreams: TestUpstreams | undefined;

beforeAll(async () => {
  sandbox = await startHooprSandbox({ port: 0, host: '127.0.0.1' });
  control = sandboxControl(sandbox.url);
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await control.faults({});
  await control.reset();
});
afterEach(async () => {
  await upstreams?.close();
  upstreams = undefined;
});

function hoopr(overrides: Parameters<typeof testUpstreams>[0] = {}): TestUpstreams {
  upstreams = testUpstreams({ ...overrides, hoopr: { baseUrl: sandbox.url, ...overrides.hoopr } });
  return upstreams;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof UpstreamError ? error.code : undefined;
}

describe('Hoopr client against the sandbox', () => {
  it('reads the catalog with one token for every call, honouring the page size the server reports', async () => {
    const { hoopr: client } = hoopr();
    const info = await client.issueToken();
    expect(info.mode).toBe('test');
    const page = await client.listTracks({ type: 'music', pageSize: 500 });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.pageSize).toBeLessThan(500);
    expect(page.items.length).toBeLessThanOrEqual(page.pageSize);
    const track = await client.getTrack(page.items[0]!.id);
    expect(track).toMatchObject({ id: page.items[0]!.id, name: expect.any(String), slug: expect.any(String) });
    const artists = await client.listArtists({ pageSize: 5 });
    const artist = await client.getArtist(artists.items[0]!.id);
    expect(artist.id).toBe(artists.items[0]!.id);
    const byArtist = await client.listTracks({ artistIds: [artist.id] });
    expect(byArtist.items.every((item) => item.artists?.some((credit) => credit.id === artist.id))).toBe(true);
    const filters = await client.listFilters({ type: 'genre' });
    expect(filters.items.every((filter) => filter.type === 'genre')).toBe(true);
    const hits = await client.search({ q: track.name.split(' ')[0]!, pageSize: 5 });
    expect(hits.items.length).toBeGreaterThan(0);
    expect((await control.stats()).tokenGrants).toBe(1);
  });

  it('answers NOT_FOUND for an unknown track', async () => {
    const failure = await hoopr().hoopr.getTrack('00000000-0000-4000-8000-000000000000').catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('NOT_FOUND');
  });

  it('500 concurrent calls on a token that just expired make exactly one token request, and all succeed', async () => {
    const { hoopr: client } = hoopr();
    await client.listTracks({ pageSize: 1 });
    // From now on every token lives 4 s, the one already issued included: wait for it to die
    // upstream. (4 s also leaves the replacement token time to serve all 500 calls.)
    await control.faults({ tokenTtlSeconds: 4 });
    await sleep(4_100);
    const { values, errors } = await settleAll(Array.from({ length: 500 }, () => client.listTracks({ pageSize: 1 })));
    expect(errors).toEqual([]);
    expect(values).toHaveLength(500);
    const stats = await control.stats();
    expect(stats.tokenGrants).toBe(2);
    // Each call: one 401 with the dead token, one success with the new one.
    expect(stats.requests[TRACKS]).toBe(1 + 500 * 2);
  });

  it('a persistent 401 renews once, then fails UNAUTHENTICATED instead of looping', async () => {
    const { hoopr: client } = hoopr();
    await control.faults({ tokenTtlSeconds: 0 });
    const failure = await client.listTracks().catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('UNAUTHENTICATED');
    const stats = await control.stats();
    expect(stats.tokenGrants).toBe(2);
    expect(stats.requests[TRACKS]).toBe(2);
  });

  it('with 20% injected 5xx every read still succeeds, through retries', async () => {
    const { hoopr: client } = hoopr({ retry: { initialDelayMs: 5, maxDelayMs: 20 } });
    await control.faults({ errorRate: 0.2, errorStatus: 503 });
    for (let i = 0; i < 40; i++) await client.listTracks({ page: 1 + (i % 3), pageSize: 2 });
    const stats = await control.stats();
    // 41 successes (1 token + 40 reads); every 5th request failed and was sent again: 51 in all.
    expect((stats.requests[TRACKS] ?? 0) + (stats.requests[TOKEN] ?? 0)).toBe(51);
  });

  it('opens the circuit after repeated faults, fails fast while open, and closes after a good probe', async () => {
    const { hoopr: client } = hoopr({ breaker: { failureThreshold: 3, cooldownMs: 300 }, retry: { initialDelayMs: 5, maxDelayMs: 10 } });
    await client.issueToken();
    await control.faults({ errorRate: 1, errorStatus: 502 });
    expect(codeOf(await client.listTracks().catch((error: unknown) => error))).toBe('UPSTREAM_UNAVAILABLE');
    const sentWhileFailing = await control.requests(TRACKS);
    expect(sentWhileFailing).toBe(3);

    const fast = await client.listTracks().catch((error: unknown) => error);
    expect(codeOf(fast)).toBe('UPSTREAM_UNAVAILABLE');
    expect((fast as Error).message).toMatch(/paused/);
    expect(await control.requests(TRACKS)).toBe(sentWhileFailing);

    await control.faults({});
    await sleep(350);
    await expect(client.listTracks({ pageSize: 1 })).resolves.toMatchObject({ items: expect.any(Array) });
    await expect(client.listTracks({ pageSize: 1 })).resolves.toMatchObject({ items: expect.any(Array) });
  });

  it('retries a reset connection on a read', async () => {
    const { hoopr: client } = hoopr({ retry: { initialDelayMs: 5, maxDelayMs: 10 } });
    await client.issueToken();
    await control.faults({ errorRate: 0.5, resetConnections: true });
    for (let i = 0; i < 6; i++) await client.listTracks({ pageSize: 1 });
    expect(await control.requests(TRACKS)).toBeGreaterThan(6);
  });
});
