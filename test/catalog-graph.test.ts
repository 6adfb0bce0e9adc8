import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import { CatalogStore } from '../src/sandbox/hoopr/catalog/store';
import { encodeGlobalId } from '../src/schema/global-id';
import { HOOPR_PAGE_SIZE_MODES, useCatalogGateway } from './helpers/catalog-gateway';

/**
 * The catalog types and lists, over real sockets against the Hoopr sandbox, whether Hoopr
 * serves the page size asked or its own (HOOPR_PAGE_SIZE_MODES): the answers are the same.
 */

const catalog = seedCatalog();
const oracle = new CatalogStore(catalog);
const allTracks = oracle.tracks();

describe.each(HOOPR_PAGE_SIZE_MODES)('$name', ({ servedPageSize }) => {
  const harness = useCatalogGateway({ faults: servedPageSize === undefined ? undefined : { servedPageSize } });
  const { ask } = harness;

  async function data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const body = await ask<T>(query, variables);
    expect(body.errors).toBeUndefined();
    return body.data as T;
  }

  const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => body.errors?.map((error) => error.extensions?.code);

  describe('Track', () => {
    it('absorbs the upstream quirks: bpm string, songKey list, isPRO casing, signed stream', async () => {
      const odd = allTracks.slice(0, 400).filter((track) => ['N/A', '90-120', '120.5'].includes(track.bpm)).slice(0, 3);
      const plain = allTracks.find((track) => /^\d+$/.test(track.bpm))!;
      for (const seed of [...odd, plain]) {
        const { track } = await data(`query($slug: String!) { track(slug: $slug) {
          id rawId name slug type rawType bpm songKeys timeSignature durationSeconds region releaseDate hasVocals isPro tags artworkUrl
          stream { url expiresAt }
        } }`, { slug: seed.slug });
        expect(track).toMatchObject({
          id: encodeGlobalId('Track', seed.id),
          rawId: seed.id,
          type: seed.type.toUpperCase(),
          rawType: seed.type,
          bpm: seed.bpm === '120.5' ? 121 : /^\d+$/.test(seed.bpm) ? Number(seed.bpm) : null,
          songKeys: seed.songKey,
          timeSignature: seed.timeSignature,
          durationSeconds: seed.durationSeconds,
          region: seed.region,
          releaseDate: seed.releaseDate,
          hasVocals: seed.hasVocals,
          isPro: seed.isPRO,
          tags: seed.tags,
        });
        const expiresIn = Date.parse(track.stream.expiresAt) - Date.now();
        expect(expiresIn).toBeGreaterThan(25 * 60_000);
        expect(expiresIn).toBeLessThanOrEqual(30 * 60_000);
        const audio = await fetch(track.stream.url);
        expect(audio.status).toBe(200);
        await audio.arrayBuffer();
      }
    });

    it('finds a track by slug and answers null for an unknown slug or id, without errors', async () => {
      const seed = allTracks[7]!;
      const body = await ask(`query($slug: String!, $missing: ID!) {
        bySlug: track(slug: $slug) { rawId }
        noSlug: track(slug: "no-such-track-slug") { rawId }
        noId: track(id: $missing) { rawId }
        noNode: node(id: $missing) { id }
      }`, { slug: seed.slug, missing: encodeGlobalId('Track', 'no-such-track') });
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ bySlug: { rawId: seed.id }, noSlug: null, noId: null, noNode: null });
    });

    it('refuses track() with both or neither of id and slug, before it runs', async () => {
      for (const args of ['', `(id: "${encodeGlobalId('Track', 'x')}", slug: "x")`]) {
        const body = await ask(`{ track${args} { rawId } }`);
        expect(codes(body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      }
      expect(await harness.control.stats().then((stats) => stats.requests['GET /v1/tracks/:id'] ?? 0)).toBe(0);
    });
  });

  describe('lists', () => {
    it('filters tracks by type and filter slugs (all must match), binding cursors to the filter', async () => {
      const expected = oracle.tracks({ type: 'music', filterSlugs: ['dark', 'pop'] });
      const { tracks } = await data(`{ tracks(first: 5, filter: { type: MUSIC, filterSlugs: ["pop", "dark", "pop"] }) {
        totalCount pageInfo { endCursor } edges { node { rawId } } } }`);
      expect(tracks.totalCount).toBe(expected.length);
      expect(tracks.edges.map((edge: any) => edge.node.rawId)).toEqual(expected.slice(0, 5).map((track) => track.id));

      // Same set of slugs in another order: same list, the cursor is accepted.
      const next = await data(`query($after: String) { tracks(first: 5, after: $after, filter: { type: MUSIC, filterSlugs: ["dark", "pop"] }) {
        edges { node { rawId } } } }`, { after: tracks.pageInfo.endCursor });
      expect(next.tracks.edges.map((edge: any) => edge.node.rawId)).toEqual(expected.slice(5, 10).map((track) => track.id));

      const foreign = await ask(`query($after: String) { tracks(first: 5, after: $after) { totalCount } }`, { after: tracks.pageInfo.endCursor });
      expect(codes(foreign)).toEqual(['BAD_USER_INPUT']);
    });

    it('refuses first above 100 and an UNKNOWN filter value', async () => {
      expect(codes(await ask('{ tracks(first: 101) { totalCount } }'))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await ask('{ tracks(first: 1, filter: { type: UNKNOWN }) { totalCount } }'))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await ask('{ filters(type: UNKNOWN) { totalCount } }'))).toEqual(['BAD_USER_INPUT']);
    });

    it('lists artists with their tracks, and filters by type', async () => {
      const [first, second] = oracle.artists();
      const { artists, filters } = await data(`{
        artists(first: 2) { totalCount edges { node { rawId name slug trackCount
          tracks(first: 3) { totalCount edges { node { rawId } } } } } }
        filters(type: GENRE, first: 100) { totalCount edges { node { rawId slug type rawType } } }
      }`);
      expect(artists.totalCount).toBe(catalog.artists.length);
      expect(artists.edges.map((edge: any) => edge.node)).toEqual(
        [first!, second!].map((artist) => {
          const credited = oracle.tracks({ artistIds: [artist.id] });
          return {
            rawId: artist.id,
            name: artist.name,
            slug: artist.slug,
            trackCount: artist.trackCount,
            tracks: { totalCount: credited.length, edges: credited.slice(0, 3).map((track) => ({ node: { rawId: track.id } })) },
          };
        }),
      );
      const genres = oracle.filters('genre');
      expect(filters.totalCount).toBe(genres.length);
      expect(filters.edges.map((edge: any) => edge.node)).toEqual(
        genres.map((filter) => ({ rawId: filter.id, slug: filter.slug, type: 'GENRE', rawType: 'genre' })),
      );
    });

    it('loads an artist known only from a credit once when its slug is asked for', async () => {
      const credit = allTracks[0]!.artists[0]!;
      const artist = catalog.artists.find((candidate) => candidate.id === credit.id)!;
      const { tracks } = await data(`{ tracks(first: 1) { edges { node { artists { artist { name slug trackCount } } } } } }`);
      expect(tracks.edges[0].node.artists[0].artist).toEqual({ name: artist.name, slug: artist.slug, trackCount: artist.trackCount });
      expect(await harness.control.requests('GET /v1/artists/:id')).toBe(1);
    });

    it('searches artists and tracks as a union, in upstream order', async () => {
      const artist = oracle.artists()[3]!;
      const text = artist.name.split(' ')[0]!.toLowerCase();
      const hits = oracle.search(text).slice(0, 10);
      const { search } = await data(`query($q: String!) { search(query: $q, first: 10) {
        totalCount edges { node { __typename ... on Artist { rawId } ... on Track { rawId } } } } }`, { q: text });
      expect(search.totalCount).toBe(oracle.search(text).length);
      expect(search.edges.map((edge: any) => edge.node)).toEqual(
        hits.map((hit) => (hit.kind === 'artist' ? { __typename: 'Artist', rawId: hit.artist.id } : { __typename: 'Track', rawId: hit.track.id })),
      );
    });
  });

  describe('example operations', () => {
    const operation = (name: string) => readFileSync(new URL(`../examples/operations/${name}.graphql`, import.meta.url), 'utf8');

    it('browse forwards, page backwards and show a track detail, as the examples are written', async () => {
      const browse = await data(operation('browse-tracks'), { first: 3, filter: { filterSlugs: ['pop'] } });
      const pop = oracle.tracks({ filterSlugs: ['pop'] });
      expect(browse.tracks.edges.map((edge: any) => edge.node.name)).toEqual(pop.slice(0, 3).map((track) => track.name));

      const tail = await data(operation('page-backwards'), { last: 2, filter: { filterSlugs: ['pop'] } });
      const earlier = await data(operation('page-backwards'), { last: 2, before: tail.tracks.pageInfo.startCursor, filter: { filterSlugs: ['pop'] } });
      expect([...earlier.tracks.edges, ...tail.tracks.edges].map((edge: any) => edge.node.name)).toEqual(pop.slice(-4).map((track) => track.name));

      const detail = await data(operation('track-detail'), { slug: pop[0]!.slug });
      expect(detail.track).toMatchObject({ id: browse.tracks.edges[0].node.id, name: pop[0]!.name, stream: { url: expect.stringMatching(/^http/) } });
    });
  });
});
