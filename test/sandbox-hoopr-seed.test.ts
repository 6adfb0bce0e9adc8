import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOPR_TRACK_SLUGS } from '../src/sandbox/hoopai/data/message-bodies';
import { generateCatalog, SEED_COUNTS, seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import type { Catalog } from '../src/sandbox/hoopr/catalog/types';
import { startHooprHarness, type HooprHarness } from './helpers/hoopr-sandbox';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const catalog = generateCatalog();

function digest(value: Catalog): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

function expectUnique(values: string[]): void {
  expect(new Set(values).size).toBe(values.length);
}

describe('Hoopr seed catalog', () => {
  it('has the promised sizes', () => {
    expect(SEED_COUNTS).toEqual({ musicTracks: 1280, sfxTracks: 150, artists: 200 });
    expect(catalog.tracks.filter((track) => track.type === 'music')).toHaveLength(1280);
    expect(catalog.tracks.filter((track) => track.type === 'sfx')).toHaveLength(150);
    expect(catalog.artists).toHaveLength(200);
    expect(catalog.filters).toHaveLength(40);
    const perType = new Map<string, number>();
    for (const filter of catalog.filters) perType.set(filter.type, (perType.get(filter.type) ?? 0) + 1);
    for (const type of ['genre', 'mood', 'instrument', 'theme']) expect(perType.get(type)).toBeGreaterThanOrEqual(5);
  });

  it('uses unique UUID-shaped ids and unique slugs', () => {
    const ids = [...catalog.tracks, ...catalog.artists, ...catalog.filters].map((record) => record.id);
    expect(ids.filter((id) => !UUID.test(id))).toEqual([]);
    expectUnique(ids);
    for (const records of [catalog.tracks, catalog.artists, catalog.filters]) {
      const slugs = records.map((record) => record.slug);
      expect(slugs.filter((slug) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug))).toEqual([]);
      expectUnique(slugs);
    }
  });

  it('is the same data on every generation, in this process and in a fresh one in another time zone', async () => {
    expect(digest(generateCatalog())).toBe(digest(catalog));
    const script =
      "import { createHash } from 'node:crypto'; import { generateCatalog } from './src/sandbox/hoopr/catalog/seed';" +
      "console.log(createHash('sha256').update(JSON.stringify(generateCatalog())).digest('hex'))";
    const { stdout } = await promisify(execFile)(path.join(repoRoot, 'node_modules/.bin/tsx'), ['-e', script], {
      cwd: repoRoot,
      env: { ...process.env, TZ: 'Pacific/Kiritimati' },
      timeout: 30_000,
    });
    expect(stdout.trim()).toBe(digest(catalog));
  });

  it('keeps embedded credits and filters consistent with the artist and filter lists', () => {
    const artists = new Map(catalog.artists.map((artist) => [artist.id, artist]));
    const filters = new Map(catalog.filters.map((filter) => [filter.id, filter]));
    const credited = new Map<string, number>();
    for (const track of catalog.tracks) {
      expect(track.artists.filter((credit) => credit.isPrimary)).toHaveLength(1);
      expectUnique(track.artists.map((credit) => credit.id));
      for (const credit of track.artists) {
        expect(artists.get(credit.id)?.name).toBe(credit.name);
        credited.set(credit.id, (credited.get(credit.id) ?? 0) + 1);
      }
      for (const filter of track.filters) expect(filters.get(filter.id)).toEqual(filter);
    }
    for (const artist of catalog.artists) expect(artist.trackCount).toBe(credited.get(artist.id) ?? 0);
  });

  it('gives tracks realistic names, values and spreads', () => {
    for (const track of catalog.tracks) {
      expect(track.name).toMatch(/^[A-Z][A-Za-z0-9-]*( [A-Za-z0-9][A-Za-z0-9-]*)+$/);
      if (track.type === 'music') expect(track.durationSeconds).toBeGreaterThanOrEqual(60);
      else expect(track.durationSeconds).toBeLessThanOrEqual(20);
    }
    const music = catalog.tracks.filter((track) => track.type === 'music');
    const parseableBpm = music.filter((track) => /^\d+$/.test(track.bpm)).length;
    expect(parseableBpm / music.length).toBeGreaterThan(0.9);
    expect(parseableBpm).toBeLessThan(music.length);
    const years = new Set(catalog.tracks.map((track) => track.releaseDate.slice(0, 4)));
    expect(years.size).toBeGreaterThanOrEqual(5);
    expect(music.some((track) => track.hasVocals) && music.some((track) => !track.hasVocals)).toBe(true);
  });

  it('has a track for every slug the HoopAI sandbox\'s messages link to', () => {
    const slugs = new Set(catalog.tracks.filter((track) => track.type === 'music').map((track) => track.slug));
    expect(HOOPR_TRACK_SLUGS.filter((slug) => !slugs.has(slug))).toEqual([]);
  });

  it('is frozen, since every sandbox in a process shares it', () => {
    const shared = seedCatalog();
    expect(seedCatalog()).toBe(shared);
    expect(Object.isFrozen(shared.tracks)).toBe(true);
    expect(Object.isFrozen(shared.tracks[0]!.artists[0])).toBe(true);
    expect(() => {
      (shared.artists[0] as { trackCount: number }).trackCount = -1;
    }).toThrow(TypeError);
  });
});

describe('two sandboxes', () => {
  let first: HooprHarness;
  let second: HooprHarness;

  beforeAll(async () => {
    [first, second] = await Promise.all([startHooprHarness(), startHooprHarness()]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  /** Every track a sandbox serves, without the links that name its own address. */
  async function servedTracks(api: HooprHarness): Promise<unknown[]> {
    const tracks: unknown[] = [];
    for (let page = 1; ; page++) {
      const data = (await api.get('/v1/tracks', { query: { page, pageSize: 50 } })).body.data;
      for (const { streamUrl, artworkUrl, ...track } of data.items) tracks.push(track);
      if (page >= data.totalPages) return tracks;
    }
  }

  it('serve the same data, equal to a fresh generation of the seed', async () => {
    const [a, b] = await Promise.all([servedTracks(first), servedTracks(second)]);
    expect(a).toHaveLength(1430);
    expect(b).toEqual(a);
    const fresh = [...catalog.tracks].sort((x, y) => y.releaseDate.localeCompare(x.releaseDate) || x.id.localeCompare(y.id));
    expect(a).toEqual(fresh);
  });
});
