import { beforeAll, describe, expect, it } from 'vitest';
import { useHooprHarness } from './helpers/hoopr-sandbox';

const api = useHooprHarness();
let token: string;

beforeAll(async () => {
  token = await api.token();
});

describe('Hoopr control plane', () => {
  it('counts requests per route pattern, token grants, and nothing per location', async () => {
    const track = (await api.get('/v1/tracks', { token, query: { pageSize: 2 } })).body.data.items[0];
    await api.get(`/v1/tracks/${track.id}`, { token });
    await api.get('/v1/tracks/00000000-0000-4000-8000-000000000000', { token });
    await api.get('/v1/artists', { token });
    await api.get('/v1/filters', { token, query: { type: 'mood' } });
    await api.get('/v1/search', { token, query: { q: 'rain' } });
    await api.get('/v1/nowhere', { token });
    await (await fetch(track.streamUrl)).arrayBuffer();
    await api.token();
    await api.grant({ clientId: 'sandbox-client', clientSecret: 'hpr_test_wrong' });

    const stats = await api.control.stats();
    expect(stats.requests).toEqual({
      'GET /v1/tracks': 1,
      'GET /v1/tracks/:id': 2,
      'GET /v1/artists': 1,
      'GET /v1/filters': 1,
      'GET /v1/search': 1,
      'GET <unmatched>': 1,
      'GET /cdn/musics/:trackId/audio.mp3': 1,
      'POST /v1/auth/token': 2,
    });
    expect(stats.tokenGrants).toBe(1);
    expect(stats.byLocation).toEqual({});
    expect(stats.maxInFlight).toBeGreaterThanOrEqual(1);
  });

  it('reset zeroes the counters, keeps tokens, and the catalog answers as before', async () => {
    const before = await api.get('/v1/tracks', { token, query: { page: 4, pageSize: 5 } });
    await api.token();
    expect((await api.control.stats()).tokenGrants).toBe(1);
    await api.control.reset();
    expect(await api.control.stats()).toEqual({ requests: {}, byLocation: {}, tokenGrants: 0, tokenRefreshes: 0, rateLimited: 0, maxInFlight: 0 });
    const after = await api.get('/v1/tracks', { token, query: { page: 4, pageSize: 5 } });
    expect(after.status).toBe(200);
    const ids = (response: typeof before) => response.body.data.items.map((item: { id: string }) => item.id);
    expect(ids(after)).toEqual(ids(before));
  });

  it('injects latency: no answer comes before latencyMs', async () => {
    await api.control.faults({ latencyMs: 250 });
    const started = performance.now();
    const response = await api.get('/v1/filters', { token });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('injects errors at errorRate with errorStatus, in the Hoopr envelope, evenly spaced', async () => {
    await api.control.faults({ errorRate: 0.5, errorStatus: 503 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await api.get('/v1/filters', { token });
      statuses.push(response.status);
      if (response.status === 503) expect(response.body).toEqual({ data: null, error: { code: 50301, message: 'Injected fault' } });
    }
    expect(statuses).toEqual([200, 503, 200, 503, 200, 503]);
    expect((await api.control.stats()).requests['GET /v1/filters']).toBe(6);
    await api.control.faults({});
    expect((await api.get('/v1/filters', { token })).status).toBe(200);
  });

  it('injects 500 when no errorStatus is given, on the token route too', async () => {
    await api.control.faults({ errorRate: 1 });
    const grant = await api.grant();
    expect(grant.status).toBe(500);
    expect(grant.body).toEqual({ data: null, error: { code: 50001, message: 'Injected fault' } });
    expect((await api.control.stats()).tokenGrants).toBe(0);
  });

  it('resets connections: the client sees a connection error, then recovers when the fault is lifted', async () => {
    await api.control.faults({ resetConnections: true });
    const failure = await api.get('/v1/filters', { token }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect(String((failure as Error & { cause?: unknown }).cause)).toMatch(/socket|closed|reset|ECONNRESET/i);
    expect((await api.control.stats()).requests['GET /v1/filters']).toBe(1);
    await api.control.faults({});
    expect((await api.get('/v1/filters', { token })).status).toBe(200);
  });

  it('rejects an unknown fault with 400 and keeps the previous faults', async () => {
    await api.control.faults({ errorRate: 1, errorStatus: 502 });
    const response = await fetch(`${api.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latency: 5 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/unknown fault "latency"/) });
    expect((await api.get('/v1/filters', { token })).status).toBe(502);
  });
});
