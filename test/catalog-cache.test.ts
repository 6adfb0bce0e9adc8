import { describe, expect, it } from 'vitest';
import { signStreamUrl } from '../src/sandbox/hoopr/stream-signing';
import { artistRoleOf, filterTypeOf, trackTypeOf } from '../src/schema/catalog/catalog-enums';
import { bpmOf } from '../src/schema/catalog/track-fields';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import { CatalogStore } from '../src/sandbox/hoopr/catalog/store';
import { SLUG_SEARCH_PAGE_SIZE } from '../src/upstream/catalog-cache/cached-catalog';
import { CatalogCache, signedUrlExpiresAt } from '../src/upstream/catalog-cache/index';
import type { HooprTrack } from '../src/upstream/index';

/** The cross-request catalog cache and the quirk readers, without a network. */

const ORIGIN = 'http://127.0.0.1:4010';
const MINUTE = 60_000;

function trackSignedAt(id: string, signedAt: Date, extra: Partial<HooprTrack> = {}): HooprTrack {
  return {
    id,
    name: `Track ${id}`,
    slug: `track-${id}`,
    type: 'music',
    artists: [{ id: `artist-of-${id}`, name: 'Nova', role: 'COMPOSER', isPrimary: true }],
    filters: [{ id: `filter-of-${id}`, name: 'Pop', slug: 'pop', type: 'genre' }],
    streamUrl: signStreamUrl(ORIGIN, id, { signedAt }),
    ...extra,
  };
}

function cacheAt(start: number, options: Partial<ConstructorParameters<typeof CatalogCache>[0]> = {}) {
  const clock = { now: start };
  const cache = new CatalogCache({ mode: 'test', clock: () => clock.now, ...options });
  return { cache, clock };
}

describe('signedUrlExpiresAt', () => {
  it('reads X-Goog-Date plus X-Goog-Expires from a signed URL', () => {
    const signedAt = new Date('2024-03-01T12:00:00Z');
    expect(signedUrlExpiresAt(signStreamUrl(ORIGIN, 't1', { signedAt }))?.toISOString()).toBe('2024-03-01T12:30:00.000Z');
    expect(signedUrlExpiresAt(signStreamUrl(ORIGIN, 't1', { signedAt, expiresSeconds: 60 }))?.toISOString()).toBe('2024-03-01T12:01:00.000Z');
    // Leap day, parameters in any order, the first occurrence wins (as URLSearchParams reads them).
    expect(signedUrlExpiresAt(`${ORIGIN}/a.mp3?X-Goog-Expires=60&X-Goog-Date=20240229T235959Z&X-Goog-Date=20990101T000000Z#t=1`)?.toISOString()).toBe(
      '2024-03-01T00:00:59.000Z',
    );
  });

  it('is undefined when the expiry cannot be read', () => {
    for (const url of [
      'not a url',
      `${ORIGIN}/a.mp3`,
      `${ORIGIN}/a.mp3?X-Goog-Date=20240301T120000Z`,
      `${ORIGIN}/a.mp3?X-Goog-Date=20241301T120000Z&X-Goog-Expires=1800`,
      `${ORIGIN}/a.mp3?X-Goog-Date=20240230T120000Z&X-Goog-Expires=1800`,
      `${ORIGIN}/a.mp3?X-Goog-Date=20230229T120000Z&X-Goog-Expires=1800`,
      `${ORIGIN}/a.mp3?X-Goog-Date=2024030xT120000Z&X-Goog-Expires=1800`,
      `${ORIGIN}/a.mp3?X-Goog-Date=20240301T120000Z&X-Goog-Expires=`,
      `${ORIGIN}/a.mp3?X-Goog-Date=20240301T120000Z&X-Goog-Expires=12345678`,
      `${ORIGIN}/a.mp3?NotX-Goog-Date=20240301T120000Z&X-Goog-Expires=1800`,
      `${ORIGIN}/a.mp3?X-Goog-Date=20240301T240000Z&X-Goog-Expires=1800`,
      `${ORIGIN}/a.mp3#X-Goog-Date=20240301T120000Z&X-Goog-Expires=1800`,
      `/a.mp3?X-Goog-Date=20240301T120000Z&X-Goog-Expires=1800`,
      `${ORIGIN}/a.mp3?X-Goog-Date=20240301T120000Z&X-Goog-Expires=-5`,
    ]) {
      expect(signedUrlExpiresAt(url), url).toBeUndefined();
    }
  });
});

describe('CatalogCache', () => {
  it('serves a track until its stream URL has less than 5 minutes left', () => {
    const signedAt = Date.parse('2024-03-01T12:00:00Z');
    const { cache, clock } = cacheAt(signedAt, { ttlMs: { track: 60 * MINUTE } });
    cache.rememberTrack(trackSignedAt('t1', new Date(signedAt)));
    clock.now = signedAt + 24 * MINUTE;
    expect(cache.track('t1')?.id).toBe('t1');
    clock.now = signedAt + 25 * MINUTE + 1;
    expect(cache.track('t1')).toBeUndefined();
  });

  it('does not keep a track whose URL is already too close to expiry, or whose expiry is unreadable', () => {
    const now = Date.parse('2024-03-01T12:00:00Z');
    const { cache } = cacheAt(now);
    cache.rememberTrack(trackSignedAt('late', new Date(now - 26 * MINUTE)));
    cache.rememberTrack(trackSignedAt('odd', new Date(now), { streamUrl: `${ORIGIN}/a.mp3?unsigned=1` }));
    cache.rememberTrack(trackSignedAt('silent', new Date(now), { streamUrl: undefined }));
    expect(cache.track('late')).toBeUndefined();
    expect(cache.track('odd')).toBeUndefined();
    expect(cache.track('silent')?.id).toBe('silent');
  });

  it('expires entries by their TTL', () => {
    const now = Date.parse('2024-03-01T12:00:00Z');
    const { cache, clock } = cacheAt(now, { ttlMs: { track: 2 * MINUTE, filter: 3 * MINUTE } });
    cache.rememberTrack(trackSignedAt('t1', new Date(now)));
    clock.now = now + 2 * MINUTE + 1;
    expect(cache.track('t1')).toBeUndefined();
    expect(cache.filter('filter-of-t1')?.slug).toBe('pop');
    clock.now = now + 3 * MINUTE + 1;
    expect(cache.filter('filter-of-t1')).toBeUndefined();
  });

  it('remembers embedded credits and filters, and never lets a credit replace a complete artist', () => {
    const now = Date.now();
    const { cache } = cacheAt(now);
    cache.rememberTrack(trackSignedAt('t1', new Date(now)));
    expect(cache.artist('artist-of-t1')).toEqual({ id: 'artist-of-t1', name: 'Nova' });
    expect(cache.artist('artist-of-t1', { complete: true })).toBeUndefined();
    expect(cache.trackIdForSlug('track-t1')).toBe('t1');

    cache.rememberArtist({ id: 'artist-of-t1', name: 'Nova', slug: 'nova', trackCount: 3 }, { complete: true });
    cache.rememberTrack(trackSignedAt('t2', new Date(now), { artists: [{ id: 'artist-of-t1', name: 'Nova', role: 'SINGER', isPrimary: false }] }));
    expect(cache.artist('artist-of-t1', { complete: true })).toEqual({ id: 'artist-of-t1', name: 'Nova', slug: 'nova', trackCount: 3 });
  });


  it('keeps a repeated credit or filter as it is, and takes a changed one', () => {
    const now = Date.now();
    const { cache, clock } = cacheAt(now, { ttlMs: { filter: 60 * MINUTE, artist: 60 * MINUTE } });
    cache.rememberTrack(trackSignedAt('t1', new Date(now)));
    // The same filter and credit again, 59 minutes later: not relearnt, so the TTL still runs from the first time.
    clock.now = now + 59 * MINUTE;
    cache.rememberTrack(trackSignedAt('t2', new Date(clock.now), { filters: [{ id: 'filter-of-t1', name: 'Pop', slug: 'pop', type: 'genre' }] }));
    cache.rememberArtist({ id: 'artist-of-t1', name: 'Nova' }, { complete: false });
    clock.now = now + 61 * MINUTE;
    expect(cache.filter('filter-of-t1')).toBeUndefined();
    expect(cache.artist('artist-of-t1')).toBeUndefined();

    // A renamed filter or credit replaces what was held.
    cache.rememberFilter({ id: 'f1', name: 'Pop', slug: 'pop', type: 'genre' });
    cache.rememberFilter({ id: 'f1', name: 'Pop music', slug: 'pop', type: 'genre' });
    expect(cache.filter('f1')?.name).toBe('Pop music');
    cache.rememberArtist({ id: 'a1', name: 'Nova' }, { complete: false });
    cache.rememberArtist({ id: 'a1', name: 'Nova X' }, { complete: false });
    expect(cache.artist('a1')?.name).toBe('Nova X');
    cache.rememberArtist({ id: 'a1', name: 'Nova X', slug: 'nova-x', trackCount: 3 }, { complete: true });
    cache.rememberArtist({ id: 'a1', name: 'Nova X', slug: 'nova-x', trackCount: 4 }, { complete: true });
    expect(cache.artist('a1', { complete: true })?.trackCount).toBe(4);
  });
  it('stays within its byte bound, dropping the least recently used entries', () => {
    const now = Date.now();
    const { cache } = cacheAt(now, { maxSizeBytes: 4_000 });
    for (let index = 0; index < 40; index++) cache.rememberFilter({ id: `f${index}`, name: `Filter ${index}`, slug: `filter-${index}`, type: 'genre' });
    const kept = Array.from({ length: 40 }, (_, index) => cache.filter(`f${index}`)).filter((filter) => filter !== undefined);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(40);
    expect(cache.filter('f39')?.slug).toBe('filter-39');
    expect(cache.filter('f0')).toBeUndefined();
  });
});

describe('CatalogCache misses', () => {
  it('remembers a track id or slug Hoopr does not have for the miss TTL, then forgets it', () => {
    const now = Date.parse('2024-03-01T12:00:00Z');
    const { cache, clock } = cacheAt(now, { missTtlMs: MINUTE });
    cache.rememberMissing({ id: 'gone' });
    cache.rememberMissing({ slug: 'no-such-track' });
    expect([cache.isMissing({ id: 'gone' }), cache.isMissing({ slug: 'no-such-track' }), cache.isMissing({ slug: 'gone' })]).toEqual([true, true, false]);
    clock.now = now + MINUTE;
    expect([cache.isMissing({ id: 'gone' }), cache.isMissing({ slug: 'no-such-track' })]).toEqual([true, true]);
    clock.now = now + MINUTE + 1;
    expect([cache.isMissing({ id: 'gone' }), cache.isMissing({ slug: 'no-such-track' })]).toEqual([false, false]);
  });

  it('forgets the misses of a track as soon as Hoopr shows it, cacheable or not', () => {
    const now = Date.parse('2024-03-01T12:00:00Z');
    const { cache } = cacheAt(now);
    cache.rememberMissing({ id: 't1' });
    cache.rememberMissing({ slug: 'track-t1' });
    cache.rememberMissing({ id: 'late' });
    cache.rememberTrack(trackSignedAt('t1', new Date(now)));
    // Its stream URL is too close to expiry to cache the track, but Hoopr has it all the same.
    cache.rememberTrack(trackSignedAt('late', new Date(now - 26 * MINUTE)));
    expect([cache.isMissing({ id: 't1' }), cache.isMissing({ slug: 'track-t1' }), cache.isMissing({ id: 'late' })]).toEqual([false, false, false]);
    expect(cache.trackWithSlug('track-t1')?.id).toBe('t1');
  });

  it('holds a bounded number of misses, which never push out entities', () => {
    const now = Date.now();
    const { cache } = cacheAt(now, { maxMisses: 3, maxSizeBytes: 4_000 });
    cache.rememberFilter({ id: 'f1', name: 'Pop', slug: 'pop', type: 'genre' });
    for (let index = 0; index < 1_000; index++) cache.rememberMissing({ slug: `made-up-${index}` });
    expect(Array.from({ length: 1_000 }, (_, index) => cache.isMissing({ slug: `made-up-${index}` })).filter(Boolean)).toHaveLength(3);
    expect(cache.isMissing({ slug: 'made-up-999' })).toBe(true);
    expect(cache.filter('f1')?.slug).toBe('pop');
  });
});

describe('a slug lookup: one search page', () => {
  it('finds every catalog track on the first page of a search for its slug', () => {
    const catalog = new CatalogStore(seedCatalog());
    const positions = catalog.tracks().map((track) => catalog.search(track.slug).findIndex((hit) => hit.kind === 'track' && hit.track.slug === track.slug));
    expect(Math.min(...positions)).toBe(0);
    expect(Math.max(...positions)).toBeLessThan(SLUG_SEARCH_PAGE_SIZE);
  });
});

describe('quirk readers', () => {
  it('reads bpm as an Int when it is a number, null otherwise', () => {
    expect(['120', ' 98 ', '120.5', 'N/A', '90-120', 'varies', '', undefined].map(bpmOf)).toEqual([120, 98, 121, null, null, null, null, null]);
  });

  it('maps open-ended upstream strings onto enums with an UNKNOWN fallback', () => {
    expect([trackTypeOf('music'), trackTypeOf('SFX'), trackTypeOf('loop'), trackTypeOf(undefined)]).toEqual(['MUSIC', 'SFX', 'UNKNOWN', 'UNKNOWN']);
    expect([artistRoleOf('COMPOSER'), artistRoleOf('featured_artist'), artistRoleOf('WHISTLER')]).toEqual(['COMPOSER', 'FEATURED_ARTIST', 'UNKNOWN']);
    expect([filterTypeOf('genre'), filterTypeOf('tempo'), filterTypeOf('hasOwnProperty')]).toEqual(['GENRE', 'UNKNOWN', 'UNKNOWN']);
  });
});
