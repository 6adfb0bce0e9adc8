import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOPR_ERROR_CODES } from '../src/sandbox/hoopr/envelope';
import { fetchAll, fetchPage, startHooprHarness, type HooprHarness } from './helpers/hoopr-sandbox';

let api: HooprHarness;

beforeAll(async () => {
  api = await startHooprHarness();
});
afterAll(async () => {
  await api.close();
});

const page = (path: string, query: Record<string, string | number> = {}) => fetchPage(api, path, query);
const everything = (path: string, query: Record<string, string | number> = {}) => fetchAll(api, path, query);

function expectBadRequest(response: { status: number; body: any }): void {
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ data: null, error: { code: HOOPR_ERROR_CODES.invalidParameter } });
}

describe('artists', () => {
  it('pages all 200 artists by name, each {id, name, slug, trackCount}', async () => {
    const all = await everything('/v1/artists');
    expect(all).toHaveLength(200);
    expect(Object.keys(all[0]!)).toEqual(['id', 'name', 'slug', 'trackCount']);
    const names = all.map((artist) => artist.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(all.every((artist) => artist.trackCount >= 1)).toBe(true);
    expect((await page('/v1/artists', { pageSize: 80 })).pageSize).toBe(50);
    expectBadRequest(await api.get('/v1/artists', { query: { page: -1 } }));
  });

  it('answers one artist by id, and 404 for an unknown one', async () => {
    const listed = (await page('/v1/artists', { page: 3, pageSize: 5 })).items[2]!;
    const one = await api.get(`/v1/artists/${listed.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ data: listed, error: { code: 0, message: 'OK' } });
    const missing = await api.get('/v1/artists/no-such-artist');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe(HOOPR_ERROR_CODES.notFound);
  });
});

describe('GET /v1/filters', () => {
  it('lists all 40 filters without a type, and only that type with one', async () => {
    const all = await everything('/v1/filters');
    expect(all).toHaveLength(40);
    expect(Object.keys(all[0]!)).toEqual(['id', 'name', 'slug', 'type']);
    for (const type of ['genre', 'mood', 'instrument', 'theme', 'era']) {
      const ofType = await everything('/v1/filters', { type });
      expect(ofType.length).toBeGreaterThan(0);
      expect(ofType.every((filter) => filter.type === type)).toBe(true);
      expect(ofType).toEqual(all.filter((filter) => filter.type === type));
    }
    const genres = await page('/v1/filters', { type: 'genre', pageSize: 5, page: 2 });
    expect(genres).toMatchObject({ currentPage: 2, pageSize: 5, totalRecords: 12, totalPages: 3 });
    expect(genres.items).toHaveLength(5);
  });

  it('answers an unknown type with an empty page, since filter types are open-ended', async () => {
    expect(await page('/v1/filters', { type: 'tempo' })).toEqual({ totalRecords: 0, totalPages: 0, currentPage: 1, pageSize: 20, items: [] });
  });
});

describe('GET /v1/search', () => {
  it('finds artists and tracks by name case-insensitively, tagged with kind', async () => {
    const artist = (await page('/v1/artists', { pageSize: 1, page: 7 })).items[0]!;
    const hits = await everything('/v1/search', { q: artist.name.toUpperCase() });
    const artistHit = hits.find((hit) => hit.kind === 'artist' && hit.id === artist.id);
    expect(artistHit).toEqual({ kind: 'artist', ...artist });

    const hitsForDrive = await everything('/v1/search', { q: 'DrIvE' });
    const tracks = hitsForDrive.filter((hit) => hit.kind === 'track');
    expect(tracks.map((hit) => hit.slug)).toContain('midnight-drive');
    for (const hit of tracks) {
      const text = [hit.name, hit.slug, ...hit.tags].join(' ').toLowerCase();
      expect(text).toContain('drive');
      expect(hit.streamUrl).toMatch(/X-Goog-Signature=[0-9a-f]{64}$/);
    }
  });

  it('puts matching artists before matching tracks', async () => {
    const ensemble = (await everything('/v1/artists')).find((artist) => / (Collective|Beats|Project|Club)$/.test(artist.name))!;
    const lead = ensemble.name.split(' ')[0]!;
    const kinds = (await everything('/v1/search', { q: lead })).map((hit) => hit.kind);
    expect(kinds).toContain('artist');
    expect(kinds).toContain('track');
    expect(kinds.indexOf('track')).toBeGreaterThan(kinds.lastIndexOf('artist'));
  });

  it('matches slugs and tags, and pages like the other lists', async () => {
    const bySlug = await page('/v1/search', { q: 'chai-and-chill' });
    expect(bySlug.items.map((hit) => hit.slug)).toEqual(['chai-and-chill']);
    const byTag = await page('/v1/search', { q: 'foley', pageSize: 5, page: 2 });
    expect(byTag).toMatchObject({ currentPage: 2, pageSize: 5 });
    expect(byTag.totalRecords).toBeGreaterThan(10);
    expect(byTag.items.every((hit) => hit.kind === 'track' && hit.tags.includes('foley'))).toBe(true);
    expect((await page('/v1/search', { q: 'zzqx-nothing' })).totalRecords).toBe(0);
  });

  it('answers 400 without q', async () => {
    expectBadRequest(await api.get('/v1/search'));
    expectBadRequest(await api.get('/v1/search', { query: { q: '   ' } }));
  });
});
