import { afterEach, describe, expect, it } from 'vitest';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import { CatalogStore } from '../src/sandbox/hoopr/catalog/store';
import { signStreamUrl } from '../src/sandbox/hoopr/stream-signing';
import { encodeGlobalId } from '../src/schema/global-id';
import { graphql } from './helpers/gateway';
import { HOOPR_PAGE_SIZE_MODES, useCatalogGateway } from './helpers/catalog-gateway';

/**
 * The golden queries of the catalog graph, over real sockets against the Hoopr sandbox, with
 * the upstream calls each one cost read from the sandbox's own counters. The expected data
 * comes from the sandbox's seed catalog, in the order its list endpoints page through.
 */

const oracle = new CatalogStore(seedCatalog());
const allTracks = oracle.tracks();

interface TrackPage {
  tracks: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    edges: { cursor: string; node: { rawId: string } }[];
  };
}

const PAGE_OF_TRACKS = `query Page($first: Int, $after: String, $last: Int, $before: String) {
  tracks(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { rawId } }
  }
}`;

describe.each(HOOPR_PAGE_SIZE_MODES)('$name', ({ servedPageSize }) => {
  // The gateway's caches run on a clock the tests can move; tracks are trusted for an hour,
  // so in golden 5 only the stream URL decides whether a cached track is served.
  let offsetMs = 0;
  const harness = useCatalogGateway({
    faults: servedPageSize === undefined ? undefined : { servedPageSize },
    services: { clock: () => Date.now() + offsetMs, catalogCache: { ttlMs: { track: 60 * 60_000 } } },
  });

  /**
   * Pages of the size Hoopr serves (under the fault) that hold list positions [start, end).
   * Not cut at the end of the list: the gateway plans a window before any answer tells it
   * the total, and requests the pages of a proven size together.
   */
  const servedPagesHolding = (start: number, end: number) =>
    Math.floor((end - 1) / servedPageSize!) - Math.floor(start / servedPageSize!) + 1;

  /** Upstream calls per route since the last reset, without the token grant (an auth detail). */
  async function catalogCalls(): Promise<Record<string, number>> {
    const { requests } = await harness.control.stats();
    return Object.fromEntries(Object.entries(requests).filter(([route]) => route !== 'POST /v1/auth/token' && requests[route]! > 0));
  }

  async function query<T>(text: string, variables?: Record<string, unknown>): Promise<T> {
    const { status, body } = await graphql<T>(harness.gateway.graphqlUrl, text, { variables });
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    return body.data as T;
  }

  describe('golden 1: a page of 50 tracks with their artists and filters', () => {
    it('answers from ONE upstream list call (under the fault: the pages of 20 that hold it)', async () => {
      const data = await query<{
        tracks: {
          totalCount: number;
          edges: {
            node: {
              rawId: string;
              name: string;
              slug: string;
              type: string;
              artists: { role: string; rawRole: string; isPrimary: boolean; artist: { id: string; rawId: string; name: string } }[];
              filters: { id: string; rawId: string; name: string; slug: string; type: string }[];
            };
          }[];
        };
      }>(`{
        tracks(first: 50) {
          totalCount
          edges { node {
            rawId name slug type
            artists { role rawRole isPrimary artist { id rawId name } }
            filters { id rawId name slug type }
          } }
        }
      }`);

      expect(data.tracks.totalCount).toBe(allTracks.length);
      const expected = allTracks.slice(0, 50);
      expect(data.tracks.edges.map((edge) => edge.node.rawId)).toEqual(expected.map((track) => track.id));
      data.tracks.edges.forEach(({ node }, index) => {
        const seed = expected[index]!;
        expect(node).toMatchObject({ name: seed.name, slug: seed.slug, type: seed.type.toUpperCase() });
        expect(node.artists).toEqual(
          seed.artists.map((credit) => ({
            role: credit.role,
            rawRole: credit.role,
            isPrimary: credit.isPrimary,
            artist: { id: encodeGlobalId('Artist', credit.id), rawId: credit.id, name: credit.name },
          })),
        );
        expect(node.filters).toEqual(
          seed.filters.map((filter) => ({
            id: encodeGlobalId('Filter', filter.id),
            rawId: filter.id,
            name: filter.name,
            slug: filter.slug,
            type: filter.type.toUpperCase(),
          })),
        );
      });
      expect(await catalogCalls()).toEqual({ 'GET /v1/tracks': servedPageSize === undefined ? 1 : servedPagesHolding(0, 50) });
    });
  });

  describe('golden 2: walking every track with first: 37', () => {
    it('visits each track once, in order, at most two upstream calls per page (under the fault: the pages of 20 that hold it)', async () => {
      const seen: string[] = [];
      const callsPerPage: { start: number; calls: number }[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        await harness.control.reset();
        const page: TrackPage = await query<TrackPage>(PAGE_OF_TRACKS, { first: 37, after });
        callsPerPage.push({ start: seen.length, calls: (await catalogCalls())['GET /v1/tracks'] ?? 0 });
        pages += 1;
        seen.push(...page.tracks.edges.map((edge) => edge.node.rawId));
        expect(page.tracks.totalCount).toBe(allTracks.length);
        expect(page.tracks.pageInfo.hasPreviousPage).toBe(after !== null);
        if (!page.tracks.pageInfo.hasNextPage) break;
        after = page.tracks.pageInfo.endCursor;
        expect(pages).toBeLessThan(100);
      }
      expect(pages).toBe(Math.ceil(allTracks.length / 37));
      expect(seen).toEqual(allTracks.map((track) => track.id));
      expect(new Set(seen).size).toBe(allTracks.length);
      for (const { start, calls } of callsPerPage) {
        if (servedPageSize !== undefined) {
          expect(calls, `window at ${start}`).toBe(servedPagesHolding(start, start + 37));
          continue;
        }
        expect(calls).toBeGreaterThanOrEqual(1);
        expect(calls).toBeLessThanOrEqual(2);
      }
    });
  });

  describe('golden 3: last: 10 without a cursor', () => {
    it('answers the last 10 tracks within the three calls the rule allows, then pages backwards', async () => {
      const tail = await query<TrackPage>(PAGE_OF_TRACKS, { last: 10 });
      expect(tail.tracks.edges.map((edge) => edge.node.rawId)).toEqual(allTracks.slice(-10).map((track) => track.id));
      expect(tail.tracks.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
      const tailCalls = (await catalogCalls())['GET /v1/tracks'] ?? 0;
      expect(tailCalls).toBeGreaterThanOrEqual(1);
      expect(tailCalls).toBeLessThanOrEqual(3);

      await harness.control.reset();
      const before = await query<TrackPage>(PAGE_OF_TRACKS, { last: 10, before: tail.tracks.pageInfo.startCursor });
      expect(before.tracks.edges.map((edge) => edge.node.rawId)).toEqual(allTracks.slice(-20, -10).map((track) => track.id));
      expect(before.tracks.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
      expect((await catalogCalls())['GET /v1/tracks']).toBeLessThanOrEqual(2);
    });
  });

  describe('golden 4: nodes with 30 mixed ids, duplicates included', () => {
    const tracks = allTracks.slice(300, 308);
    const artists = oracle.artists().slice(10, 15);
    const filters = seedCatalog().filters.slice(0, 4);
    const missingTrack = '00000000-0000-4000-8000-000000000000';
    const distinct = [
      ...tracks.map((track) => ({ id: encodeGlobalId('Track', track.id), typename: 'Track', name: track.name })),
      ...artists.map((artist) => ({ id: encodeGlobalId('Artist', artist.id), typename: 'Artist', name: artist.name })),
      ...filters.map((filter) => ({ id: encodeGlobalId('Filter', filter.id), typename: 'Filter', name: filter.name })),
      { id: encodeGlobalId('Track', missingTrack), typename: null, name: null },
    ];
    // 18 distinct ids, then 12 repeats of them in a different order: 30 in all.
    const asked = [...distinct, ...distinct.filter((_, index) => index % 3 !== 2).reverse()];
    const NODES = `query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Track { name } ... on Artist { name } ... on Filter { name } } }`;

    it('fetches each distinct id once, answers null for an unknown one, and keeps order', async () => {
      expect(asked).toHaveLength(30);
      const data = await query<{ nodes: ({ __typename: string; id: string; name: string } | null)[] }>(NODES, { ids: asked.map((node) => node.id) });
      expect(data.nodes).toEqual(asked.map((node) => (node.typename === null ? null : { __typename: node.typename, id: node.id, name: node.name })));
      expect(await catalogCalls()).toEqual({
        // One call per distinct id (no batch-by-ids call exists), the unknown track included.
        'GET /v1/tracks/:id': tracks.length + 1,
        'GET /v1/artists/:id': artists.length,
        // No filter-by-id call exists: one listing of all filters answers every filter id
        // (its pages follow the size Hoopr reports).
        'GET /v1/filters': servedPageSize === undefined ? 1 : Math.ceil(seedCatalog().filters.length / servedPageSize),
      });
    });

    it('answers a second request from the cross-request cache', async () => {
      const first = await query<{ nodes: unknown[] }>(NODES, { ids: asked.map((node) => node.id) });
      await harness.control.reset();
      const again = await query<{ nodes: unknown[] }>(NODES, { ids: asked.map((node) => node.id) });
      expect(again.nodes).toEqual(first.nodes);
      // The unknown id does not ask again either: a miss is remembered for a minute.
      expect(await catalogCalls()).toEqual({});
    });
  });

  describe('golden 5: a cached track whose stream URL has expired', () => {
    const seed = allTracks[42]!;
    const TRACK = `query Track($id: ID!) { track(id: $id) { rawId stream { url expiresAt } } }`;
    afterEach(() => {
      offsetMs = 0;
    });

    it('re-fetches the track and serves a fresh, playable URL', async () => {
      const hooprUrl = harness.gateway.sandboxes.hoopr!.url;
      // Cached 40 minutes ago with the URL signed then: fresh at that time, expired now.
      const signedAt = new Date(Date.now() - 40 * 60_000);
      offsetMs = -40 * 60_000;
      const upstreamTrack = await harness.gateway.upstreams.hoopr.getTrack(seed.id);
      const cache = harness.gateway.services.catalog.cache;
      const expiredUrl = signStreamUrl(hooprUrl, seed.id, { signedAt });
      cache.rememberTrack({ ...upstreamTrack, streamUrl: expiredUrl });
      expect(cache.track(seed.id)?.streamUrl).toBe(expiredUrl);
      offsetMs = 0;
      await harness.control.reset();

      const data = await query<{ track: { rawId: string; stream: { url: string; expiresAt: string } } }>(TRACK, {
        id: encodeGlobalId('Track', seed.id),
      });
      expect(data.track.rawId).toBe(seed.id);
      expect(data.track.stream.url).not.toBe(expiredUrl);
      expect(Date.parse(data.track.stream.expiresAt)).toBeGreaterThan(Date.now() + 25 * 60_000);
      expect(await catalogCalls()).toEqual({ 'GET /v1/tracks/:id': 1 });

      const [expired, fresh] = await Promise.all([fetch(expiredUrl), fetch(data.track.stream.url)]);
      expect(expired.status).toBe(403);
      expect(fresh.status).toBe(200);
      await Promise.all([expired.arrayBuffer(), fresh.arrayBuffer()]);
    });

    it('serves the cached track while its URL has more than 5 minutes left, and re-fetches after', async () => {
      const id = encodeGlobalId('Track', seed.id);
      offsetMs = 0;
      await query(TRACK, { id });
      await harness.control.reset();

      offsetMs = 24 * 60_000; // about 6 minutes left
      await query(TRACK, { id });
      expect(await catalogCalls()).toEqual({});

      offsetMs = 26 * 60_000; // about 4 minutes left
      await query(TRACK, { id });
      expect(await catalogCalls()).toEqual({ 'GET /v1/tracks/:id': 1 });
    });
  });
});
