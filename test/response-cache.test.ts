import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { signedUrlExpiresAt } from '../src/upstream/catalog-cache/index';
import { createGateway } from '../src/server/yoga';
import { STREAM_URL_MARGIN_MS } from '../src/server/response-cache/index';
import type { RunningGateway } from '../src/server/start';
import { createLogger } from '../src/logger';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const CATALOG_ONLY_KEY = 'response-cache-catalog-reader';
const LOCATION_ID = SANDBOX_LOCATIONS[0]!.id;

const PAGE = `query Page($first: Int!, $after: String) {
  tracks(first: $first, after: $after) {
    edges { cursor node { id name slug bpm tags artists { isPrimary artist { id name } } stream { url expiresAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

function callerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    API_KEYS: JSON.stringify([
      { name: 'catalog reader', sha256: createHash('sha256').update(CATALOG_ONLY_KEY).digest('hex'), scopes: ['catalog:read'], locations: [LOCATION_ID] },
    ]),
    ...extra,
  };
}

async function upstreamCalls(control: SandboxControl): Promise<number> {
  const { requests } = await control.stats();
  return Object.values(requests).reduce((sum, count) => sum + count, 0);
}

async function metric(gateway: RunningGateway, line: RegExp): Promise<number> {
  const { body } = await gateway.observability.metrics.text();
  const found = body.split('\n').find((each) => line.test(each));
  return found ? Number(found.split(' ').at(-1)) : 0;
}

describe('response cache of catalog-only queries', () => {
  let gateway: RunningGateway;
  let hoopr: SandboxControl;
  let hoopai: SandboxControl;

  beforeAll(async () => {
    gateway = await startSandboxGateway(callerEnv());
    hoopr = sandboxControl(gateway.sandboxes.hoopr!.url);
    hoopai = sandboxControl(gateway.sandboxes.hoopai!.url);
  }, 60_000);
  afterAll(async () => {
    await gateway?.close(1_000);
  });
  beforeEach(async () => {
    gateway.responseCache!.clear();
    gateway.services.catalog.cache.clear();
    await Promise.all([hoopr.reset(), hoopai.reset()]);
  });

  /** The entity caches forgotten too: whatever a repeat does not call upstream came from the response cache. */
  async function forgetEntities() {
    gateway.services.catalog.cache.clear();
    await hoopr.reset();
  }

  it('answers a repeated catalog page with no upstream call and the same data; extensions.cost says 0 calls', async () => {
    const first = await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 20 } });
    expect(first.body.errors).toBeUndefined();
    const firstCalls = await upstreamCalls(hoopr);
    expect(firstCalls).toBeGreaterThan(0);
    await forgetEntities();
    const hitsBefore = await metric(gateway, /^gateway_cache_lookups_total\{cache="response",result="hit"\}/);

    const repeat = await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 20 } });
    expect(repeat.body.data).toEqual(first.body.data);
    expect(await upstreamCalls(hoopr)).toBe(0);
    const cost = (repeat.body as { extensions?: { cost?: { calls: number; estimatedCalls: number } } }).extensions?.cost;
    expect(cost?.calls).toBe(0);
    expect(cost?.estimatedCalls).toBeGreaterThan(0);
    expect(await metric(gateway, /^gateway_cache_lookups_total\{cache="response",result="hit"\}/)).toBe(hitsBefore + 1);
    console.info(`catalog page of 20 tracks: ${firstCalls} upstream calls on a miss, 0 on the repeat`);
  });

  it('never shares an entry between callers with different scopes', async () => {
    await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 5 } });
    await forgetEntities();
    const other = await graphql(gateway.graphqlUrl, PAGE, { key: CATALOG_ONLY_KEY, variables: { first: 5 } });
    expect(other.body.errors).toBeUndefined();
    // Computed for this caller's scopes: it went upstream.
    expect(await upstreamCalls(hoopr)).toBeGreaterThan(0);
    await forgetEntities();
    // Each caller now hits its own entry.
    await graphql(gateway.graphqlUrl, PAGE, { key: CATALOG_ONLY_KEY, variables: { first: 5 } });
    await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 5 } });
    expect(await upstreamCalls(hoopr)).toBe(0);
    expect(gateway.responseCache!.size).toBe(2);
  });

  it('never keeps a document that touches a CRM field', async () => {
    const mixed = `query($first: Int!) {
      tracks(first: $first) { edges { node { id name } } }
      contacts(locationId: "${LOCATION_ID}", first: 2) { edges { node { id } } }
    }`;
    const first = await graphql(gateway.graphqlUrl, mixed, { variables: { first: 3 } });
    expect(first.body.errors).toBeUndefined();
    expect(await upstreamCalls(hoopai)).toBeGreaterThan(0);
    await forgetEntities();
    await graphql(gateway.graphqlUrl, mixed, { variables: { first: 3 } });
    expect(await upstreamCalls(hoopr)).toBeGreaterThan(0);
    expect(gateway.responseCache!.size).toBe(0);
  });

  it('never keeps an answer with errors', async () => {
    const partial = `query($first: Int!) { tracks(first: $first) { edges { node { id } } } artist(id: "not-an-id") { id } }`;
    const first = await graphql(gateway.graphqlUrl, partial, { variables: { first: 3 } });
    expect(first.body.errors?.length).toBeGreaterThan(0);
    expect(first.body.data).toBeTruthy();
    await forgetEntities();
    const again = await graphql(gateway.graphqlUrl, partial, { variables: { first: 3 } });
    expect(again.body.errors?.length).toBeGreaterThan(0);
    expect(await upstreamCalls(hoopr)).toBeGreaterThan(0);
    expect(gateway.responseCache!.size).toBe(0);
  });

  it('still refuses a document over the cost limit, cached or not', async () => {
    const huge = `{ a: tracks(first: 100) { edges { node { artists { artist { tracks(first: 100) { edges { node { id } } } } } } } } }`;
    const answer = await graphql(gateway.graphqlUrl, huge);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
    expect(gateway.responseCache!.size).toBe(0);
  });

  it('keeps apart the test and the live catalog modes, sharing one cache', async () => {
    // A second gateway on the same services and the same cache object, but in live mode.
    const live = createGateway({
      services: { ...gateway.services, catalogMode: 'live' },
      sandboxLocationIds: SANDBOX_LOCATIONS.map((location) => location.id),
      readiness: [],
      logger: createLogger({ level: 'silent' }) as never,
      responseCache: gateway.responseCache,
    });
    const server: Server = createServer(live);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const liveUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 4 } });
      await forgetEntities();
      await graphql(liveUrl, PAGE, { variables: { first: 4 } });
      expect(await upstreamCalls(hoopr)).toBeGreaterThan(0);
      expect(gateway.responseCache!.size).toBe(2);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('response cache and stream URL expiry (a driven clock)', () => {
  let gateway: RunningGateway;
  let hoopr: SandboxControl;
  let offsetMs = 0;

  beforeAll(async () => {
    // The longest lifetime allowed: only the stream URLs' expiry can end an entry here.
    gateway = await startSandboxGateway({ RESPONSE_CACHE_TTL_SECONDS: '1500' }, undefined, { clock: () => Date.now() + offsetMs });
    hoopr = sandboxControl(gateway.sandboxes.hoopr!.url);
  }, 60_000);
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  it('serves an entry until 5 minutes before its earliest stream URL expires, never after', async () => {
    const first = await graphql<{ tracks: { edges: { node: { stream: { url: string } } }[] } }>(gateway.graphqlUrl, PAGE, { variables: { first: 3 } });
    const urls = first.body.data!.tracks.edges.map((edge) => edge.node.stream.url);
    const earliest = Math.min(...urls.map((url) => signedUrlExpiresAt(url)!.getTime()));
    const servedUntil = earliest - STREAM_URL_MARGIN_MS;

    offsetMs = servedUntil - 5_000 - Date.now();
    gateway.services.catalog.cache.clear();
    await hoopr.reset();
    const justBefore = await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 3 } });
    expect(justBefore.body.data).toEqual(first.body.data);
    expect(await upstreamCalls(hoopr)).toBe(0);

    offsetMs = servedUntil + 1_000 - Date.now();
    gateway.services.catalog.cache.clear();
    await hoopr.reset();
    const after = await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 3 } });
    expect(after.body.errors).toBeUndefined();
    // Not served from the entry: the page (and its stream URLs) came from Hoopr again.
    expect(await hoopr.requests('GET /v1/tracks')).toBeGreaterThan(0);
  });
});

describe('response cache memory bound', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    // 128 KB: a few pages of 10 tracks (each some 35 KB as the cache counts it).
    gateway = await startSandboxGateway({ RESPONSE_CACHE_MB: '0.125' });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  it('evicts the least recently used answers to stay within RESPONSE_CACHE_MB', async () => {
    const hoopr = sandboxControl(gateway.sandboxes.hoopr!.url);
    let after: string | undefined;
    for (let page = 0; page < 8; page++) {
      const answer = await graphql<{ tracks: { pageInfo: { endCursor: string } } }>(gateway.graphqlUrl, PAGE, { variables: { first: 10, after } });
      after = answer.body.data!.tracks.pageInfo.endCursor;
    }
    const cache = gateway.responseCache!;
    expect(cache.calculatedBytes).toBeLessThanOrEqual(0.125 * 1024 * 1024);
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThan(8);
    expect(await metric(gateway, /^gateway_cache_evictions_total\{cache="response",reason="capacity"\}/)).toBeGreaterThan(0);
    // The first page was pushed out: asking it again goes upstream.
    gateway.services.catalog.cache.clear();
    await hoopr.reset();
    await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 10 } });
    expect(await upstreamCalls(hoopr)).toBeGreaterThan(0);
    console.info(`memory bound 128 KB: ${cache.size} of 8 pages kept, ${cache.calculatedBytes} bytes`);
  });

  it('is off with RESPONSE_CACHE_MB=off', async () => {
    const off = await startSandboxGateway({ RESPONSE_CACHE_MB: 'off' });
    try {
      expect(off.responseCache).toBeUndefined();
      const hoopr = sandboxControl(off.sandboxes.hoopr!.url);
      await graphql(off.graphqlUrl, PAGE, { variables: { first: 3 } });
      off.services.catalog.cache.clear();
      await hoopr.reset();
      await graphql(off.graphqlUrl, PAGE, { variables: { first: 3 } });
      expect(await upstreamCalls(hoopr)).toBeGreaterThan(0);
    } finally {
      await off.close(1_000);
    }
  });
});

describe('response cache and the caller budget', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startSandboxGateway({ CALLER_UPSTREAM_CALLS_PER_MINUTE: '20', MAX_UPSTREAM_CALLS_PER_REQUEST: '20' });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  it('charges a hit nothing: the budget left stays where the miss left it', async () => {
    type Costed = { extensions?: { cost?: { calls: number; callerBudget: { remaining: number } } } };
    const miss = (await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 10 } })).body as Costed;
    const afterMiss = miss.extensions!.cost!.callerBudget.remaining;
    expect(miss.extensions!.cost!.calls).toBeGreaterThan(0);
    expect(afterMiss).toBe(20 - miss.extensions!.cost!.calls);
    for (let repeat = 0; repeat < 30; repeat++) {
      const hit = (await graphql(gateway.graphqlUrl, PAGE, { variables: { first: 10 } })).body as Costed & { errors?: unknown };
      expect(hit.errors).toBeUndefined();
      expect(hit.extensions!.cost!.calls).toBe(0);
      expect(hit.extensions!.cost!.callerBudget.remaining).toBe(afterMiss);
    }
  });
});
