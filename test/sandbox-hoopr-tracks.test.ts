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

describe('GET /v1/tracks', () => {
  it('pages 20 at a time by default, and the pages tile the whole list without overlap', async () => {
    const first = await page('/v1/tracks');
    expect(first).toMatchObject({ currentPage: 1, pageSize: 20, totalRecords: 1430, totalPages: 72 });
    expect(first.items).toHaveLength(20);
    const second = await page('/v1/tracks', { page: 2 });
    const firstTwoAtOnce = await page('/v1/tracks', { pageSize: 40 });
    expect(firstTwoAtOnce.items.map((track) => track.id)).toEqual([...first.items, ...second.items].map((track) => track.id));
    const last = await page('/v1/tracks', { page: 72 });
    expect(last.items).toHaveLength(1430 - 71 * 20);
  });

  it('serves a large ask at 50 and reports the size it used, not the one asked', async () => {
    const clamped = await page('/v1/tracks', { pageSize: 500 });
    expect(clamped.pageSize).toBe(50);
    expect(clamped.items).toHaveLength(50);
    expect(clamped.totalPages).toBe(Math.ceil(clamped.totalRecords / 50));
    const small = await page('/v1/tracks', { pageSize: 7, page: 3 });
    expect(small).toMatchObject({ pageSize: 7, currentPage: 3 });
    expect(small.items).toHaveLength(7);
  });

  it('answers a page past the end with no items and the real totals', async () => {
    const past = await page('/v1/tracks', { type: 'sfx', page: 99 });
    expect(past).toEqual({ totalRecords: 150, totalPages: 8, currentPage: 99, pageSize: 20, items: [] });
  });

  it('keeps a stable order: newest release first, ties by id', async () => {
    const all = await everything('/v1/tracks', { type: 'sfx' });
    const keys = all.map((track) => `${track.releaseDate} ${track.id}`);
    const expected = [...all].sort((a, b) => b.releaseDate.localeCompare(a.releaseDate) || a.id.localeCompare(b.id));
    expect(keys).toEqual(expected.map((track) => `${track.releaseDate} ${track.id}`));
    expect((await everything('/v1/tracks', { type: 'sfx' })).map((track) => track.id)).toEqual(all.map((track) => track.id));
  });

  it('filters by type', async () => {
    const music = await page('/v1/tracks', { type: 'music', pageSize: 50 });
    expect(music.totalRecords).toBe(1280);
    expect(music.items.every((track) => track.type === 'music')).toBe(true);
    const sfx = await everything('/v1/tracks', { type: 'sfx' });
    expect(sfx.every((track) => track.type === 'sfx')).toBe(true);
  });

  it('matches every slug of filterSlugs (AND), checked against each item\'s own filters', async () => {
    const sample = (await page('/v1/tracks', { type: 'music', pageSize: 50 })).items.find((track) => track.filters.length >= 2)!;
    const [genre, mood] = sample.filters.map((filter: { slug: string }) => filter.slug) as [string, string];
    const both = await everything('/v1/tracks', { filterSlugs: `${genre},${mood}` });
    const genreOnly = await page('/v1/tracks', { filterSlugs: genre });
    const moodOnly = await page('/v1/tracks', { filterSlugs: mood });
    expect(both.map((track) => track.id)).toContain(sample.id);
    for (const track of both) {
      const slugs = track.filters.map((filter: { slug: string }) => filter.slug);
      expect(slugs).toEqual(expect.arrayContaining([genre, mood]));
    }
    expect(both.length).toBeLessThan(Math.min(genreOnly.totalRecords, moodOnly.totalRecords));
    // Blank entries are ignored; an unknown slug matches nothing rather than failing.
    expect((await page('/v1/tracks', { filterSlugs: ` ${genre} ,, ${mood}` })).totalRecords).toBe(both.length);
    expect((await page('/v1/tracks', { filterSlugs: `${genre},no-such-filter` })).totalRecords).toBe(0);
  });

  it('matches any of artistIds, and combines with type', async () => {
    const artists = (await page('/v1/artists', { pageSize: 3 })).items;
    const ids = artists.map((artist) => artist.id);
    const byAll = await everything('/v1/tracks', { artistIds: ids.join(',') });
    for (const track of byAll) expect(track.artists.some((credit: { id: string }) => ids.includes(credit.id))).toBe(true);
    const byEach = await Promise.all(ids.map((id) => everything('/v1/tracks', { artistIds: id })));
    const union = new Set(byEach.flat().map((track) => track.id));
    expect(new Set(byAll.map((track) => track.id))).toEqual(union);
    for (const [index, tracks] of byEach.entries()) expect(tracks.length).toBe(artists[index]!.trackCount);
    const sfxOnly = await everything('/v1/tracks', { artistIds: ids.join(','), type: 'sfx' });
    expect(sfxOnly.map((track) => track.id)).toEqual(byAll.filter((track) => track.type === 'sfx').map((track) => track.id));
  });

  it('answers 400 for page 0, non-numeric paging or an unknown type', async () => {
    expectBadRequest(await api.get('/v1/tracks', { query: { page: 0 } }));
    expectBadRequest(await api.get('/v1/tracks', { query: { page: 'two' } }));
    expectBadRequest(await api.get('/v1/tracks', { query: { page: '1.5' } }));
    expectBadRequest(await api.get('/v1/tracks', { query: { pageSize: 0 } }));
    expectBadRequest(await api.get('/v1/tracks', { query: { pageSize: '-5' } }));
    expectBadRequest(await api.get('/v1/tracks', { query: { type: 'podcast' } }));
  });

  it('sends tracks in the documented shape, quirks included', async () => {
    const all = await everything('/v1/tracks');
    const track = all[0]!;
    expect(Object.keys(track)).toEqual([
      'id', 'name', 'slug', 'type', 'bpm', 'songKey', 'timeSignature', 'durationSeconds', 'region', 'releaseDate',
      'hasVocals', 'isPRO', 'tags', 'artists', 'filters', 'artworkUrl', 'streamUrl',
    ]);
    for (const item of all) {
      expect(typeof item.bpm).toBe('string');
      expect(Array.isArray(item.songKey)).toBe(true);
      expect(typeof item.isPRO).toBe('boolean');
      expect(item.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\.000Z$/);
      expect(item.artists.filter((credit: { isPrimary: boolean }) => credit.isPrimary)).toHaveLength(1);
    }
    const unparseable = all.filter((item) => item.type === 'music' && !/^\d+$/.test(item.bpm)).map((item) => item.bpm);
    expect(new Set(unparseable)).toEqual(new Set(['', '90-120', 'N/A', 'varies', '120.5']));
    const roles = new Set(all.flatMap((item) => item.artists.map((credit: { role: string }) => credit.role)));
    for (const role of ['COMPOSER', 'PRODUCER', 'SINGER', 'LYRICIST', 'MIXING_ENGINEER']) expect(roles).toContain(role);
    const filterTypes = new Set(all.flatMap((item) => item.filters.map((filter: { type: string }) => filter.type)));
    expect(filterTypes).toEqual(new Set(['genre', 'mood', 'instrument', 'theme', 'era']));
    expect(all.some((item) => item.songKey.length > 1)).toBe(true);
    expect(all.some((item) => item.isPRO)).toBe(true);
  });
});

describe('GET /v1/tracks/:id', () => {
  it('answers the same track as the list, with fresh links', async () => {
    const listed = (await page('/v1/tracks', { pageSize: 1 })).items[0]!;
    const response = await api.get(`/v1/tracks/${listed.id}`);
    expect(response.status).toBe(200);
    expect(response.body.error).toEqual({ code: 0, message: 'OK' });
    const { streamUrl: listedUrl, ...listedRest } = listed;
    const { streamUrl, ...rest } = response.body.data;
    expect(rest).toEqual(listedRest);
    expect(streamUrl).toMatch(new RegExp(`^${api.url}/cdn/musics/${listed.id}/audio\\.mp3\\?`));
    expect(typeof listedUrl).toBe('string');
  });

  it('answers 404 in the envelope for an unknown id', async () => {
    const response = await api.get('/v1/tracks/00000000-0000-4000-8000-000000000000');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ data: null, error: { code: HOOPR_ERROR_CODES.notFound, message: expect.stringMatching(/not found/i) } });
  });
});
