import { LRUCache } from 'lru-cache';
import type { HooprArtist, HooprFilter, HooprTrack } from '../hoopr/types';
import { NO_OBSERVER, reportEvictions, type UpstreamObserver } from '../observability';
import { approximateBytes } from './entry-size';
import { signedUrlExpiresAt } from './signed-url-expiry';

export type CatalogMode = 'test' | 'live';

export interface CatalogCacheOptions {
  /** Test and live catalogs are different catalogs: every key carries the mode. */
  mode: CatalogMode;
  /** Bound on the approximate in-memory size of all entries (default 32 MiB). */
  maxSizeBytes?: number;
  /** How long an entity is trusted (defaults: tracks 10 min, artists and filters 1 h). */
  ttlMs?: Partial<Record<'track' | 'artist' | 'filter', number>>;
  /** How long a miss (a track id or slug Hoopr does not have) is remembered (default 60 s). */
  missTtlMs?: number;
  /** Bound on the misses remembered at once (default 10,000); they never evict entities. */
  maxMisses?: number;
  /** A cached track is served only while its stream URL has at least this long left (default 5 min). */
  streamMarginMs?: number;
  /** Epoch ms; injectable so expiry can be tested without waiting. */
  clock?: () => number;
  /** Told of evictions (entries pushed out for room, or expired). */
  observer?: UpstreamObserver;
}

const DEFAULT_CATALOG_CACHE_BYTES = 32 * 1024 * 1024;
const DEFAULT_STREAM_MARGIN_MS = 5 * 60_000;
const DEFAULT_TTL_MS = { track: 10 * 60_000, artist: 60 * 60_000, filter: 60 * 60_000 };
export const DEFAULT_MISS_TTL_MS = 60_000;
const DEFAULT_MAX_MISSES = 10_000;

type Entry =
  | { kind: 'track'; track: HooprTrack; streamExpiresAt: number | undefined }
  | { kind: 'artist'; artist: HooprArtist; complete: boolean }
  | { kind: 'filter'; filter: HooprFilter }
  | { kind: 'slug'; trackId: string };

/**
 * Catalog entities shared by every caller of one gateway: the catalog is not tenant data,
 * so one caller's fetch serves the next. Bounded in bytes, every entry with a TTL.
 *
 * Tracks carry signed stream URLs that expire (about 30 minutes): a track is kept only
 * until its URL has `streamMarginMs` left, and never served past that, so a client always
 * has time to start playback. A track whose URL expiry cannot be read is not cached.
 *
 * Artists arrive in two shapes: complete (`GET /v1/artists…`) and as credits inside tracks
 * (id and name only). A credit never replaces a complete entry.
 *
 * Misses are remembered briefly, apart from the entities: anyone can write a made-up track
 * into a message, and every read of that message would otherwise ask Hoopr again. Only
 * Hoopr's own "no such track" counts; a failure (5xx, timeout) is never remembered as one.
 * A track learnt later (from any list, search or fetch) clears its misses at once.
 */
export class CatalogCache {
  readonly mode: CatalogMode;
  readonly #entries: LRUCache<string, Entry>;
  readonly #misses: LRUCache<string, true>;
  readonly #ttl: typeof DEFAULT_TTL_MS;
  readonly #streamMarginMs: number;
  readonly #clock: () => number;

  constructor(options: CatalogCacheOptions) {
    this.mode = options.mode;
    this.#ttl = { ...DEFAULT_TTL_MS, ...options.ttlMs };
    this.#streamMarginMs = options.streamMarginMs ?? DEFAULT_STREAM_MARGIN_MS;
    this.#clock = options.clock ?? Date.now;
    const clock = this.#clock;
    const dispose = reportEvictions(options.observer ?? NO_OBSERVER, 'catalog');
    this.#entries = new LRUCache<string, Entry>({
      maxSize: options.maxSizeBytes ?? DEFAULT_CATALOG_CACHE_BYTES,
      sizeCalculation: (entry, key) => approximateBytes(key) + approximateBytes(entry),
      ttl: Math.max(...Object.values(this.#ttl)),
      // Expiry follows the injected clock, read on every access (no coarse clock caching).
      perf: { now: () => clock() },
      ttlResolution: 0,
      dispose,
    });
    this.#misses = new LRUCache<string, true>({
      max: options.maxMisses ?? DEFAULT_MAX_MISSES,
      ttl: options.missTtlMs ?? DEFAULT_MISS_TTL_MS,
      perf: { now: () => clock() },
      ttlResolution: 0,
      dispose,
    });
  }

  track(id: string): HooprTrack | undefined {
    const entry = this.#entries.get(this.#key('track', id));
    if (entry?.kind !== 'track') return undefined;
    if (entry.streamExpiresAt !== undefined && entry.streamExpiresAt - this.#clock() < this.#streamMarginMs) {
      this.#entries.delete(this.#key('track', id));
      return undefined;
    }
    return entry.track;
  }

  /** The id of the track with this slug, when a cached list or fetch has shown it. */
  trackIdForSlug(slug: string): string | undefined {
    const entry = this.#entries.get(this.#key('slug', slug));
    return entry?.kind === 'slug' ? entry.trackId : undefined;
  }

  /** The cached track with this slug, while both the slug index and the track are held. */
  trackWithSlug(slug: string): HooprTrack | undefined {
    const id = this.trackIdForSlug(slug);
    const track = id === undefined ? undefined : this.track(id);
    return track?.slug === slug ? track : undefined;
  }

  /** Whether Hoopr said, within the miss TTL, that it has no track with this id or slug. */
  isMissing(key: { id: string } | { slug: string }): boolean {
    return this.#misses.has(this.#missKey(key));
  }

  rememberMissing(key: { id: string } | { slug: string }): void {
    this.#misses.set(this.#missKey(key), true);
  }

  /** `complete`: only an entry from an artist call answers (a credit inside a track does not). */
  artist(id: string, { complete = false } = {}): HooprArtist | undefined {
    const entry = this.#entries.get(this.#key('artist', id));
    if (entry?.kind !== 'artist' || (complete && !entry.complete)) return undefined;
    return entry.artist;
  }

  filter(id: string): HooprFilter | undefined {
    const entry = this.#entries.get(this.#key('filter', id));
    return entry?.kind === 'filter' ? entry.filter : undefined;
  }

  /** Remembers a track with the credits and filters embedded in it. */
  rememberTrack(track: HooprTrack): void {
    this.rememberTracks([track]);
  }

  /** Remembers a page of tracks; a credit or filter that many of them carry is looked at once. */
  rememberTracks(tracks: readonly HooprTrack[]): void {
    const credits = new Map<string, HooprArtist>();
    const filters = new Map<string, HooprFilter>();
    for (const track of tracks) {
      for (const credit of track.artists ?? []) credits.set(credit.id, { id: credit.id, name: credit.name });
      for (const filter of track.filters ?? []) filters.set(filter.id, filter);
    }
    for (const artist of credits.values()) this.rememberArtist(artist, { complete: false });
    for (const filter of filters.values()) this.rememberFilter(filter);
    for (const track of tracks) this.#rememberTrackItself(track);
  }

  #rememberTrackItself(track: HooprTrack): void {
    // Hoopr has it, whether or not it can be cached (its stream URL may be too close to expiry).
    if (this.#misses.size > 0) {
      this.#misses.delete(this.#missKey({ id: track.id }));
      this.#misses.delete(this.#missKey({ slug: track.slug }));
    }
    const streamExpiresAt = track.streamUrl === undefined ? undefined : signedUrlExpiresAt(track.streamUrl)?.getTime();
    if (track.streamUrl !== undefined && streamExpiresAt === undefined) return;
    const servable = streamExpiresAt === undefined ? Infinity : streamExpiresAt - this.#streamMarginMs - this.#clock();
    const ttl = Math.min(this.#ttl.track, servable);
    if (ttl <= 0) return;
    // Every list answer re-signs the stream URL, so the track itself is always replaced.
    this.#entries.set(this.#key('track', track.id), { kind: 'track', track, streamExpiresAt }, { ttl });
    const slugKey = this.#key('slug', track.slug);
    const heldSlug = this.#entries.peek(slugKey);
    if (heldSlug?.kind !== 'slug' || heldSlug.trackId !== track.id) {
      this.#entries.set(slugKey, { kind: 'slug', trackId: track.id }, { ttl: this.#ttl.track });
    }
  }

  /**
   * An entry that already says the same is left as it is (its TTL runs from when it was
   * learnt): every list page carries the same few credits and filters again and again.
   */
  rememberArtist(artist: HooprArtist, { complete }: { complete: boolean }): void {
    const key = this.#key('artist', artist.id);
    const held = this.#entries.get(key);
    if (held?.kind === 'artist') {
      // A credit never replaces a complete entry, and never an entry with the same name.
      if (!complete && (held.complete || held.artist.name === artist.name)) return;
      if (complete && held.complete && sameFields(held.artist, artist)) return;
    }
    this.#entries.set(key, { kind: 'artist', artist, complete }, { ttl: this.#ttl.artist });
  }

  rememberFilter(filter: HooprFilter): void {
    const key = this.#key('filter', filter.id);
    const held = this.#entries.get(key);
    if (held?.kind === 'filter' && sameFields(held.filter, filter)) return;
    this.#entries.set(key, { kind: 'filter', filter }, { ttl: this.#ttl.filter });
  }

  clear(): void {
    this.#entries.clear();
    this.#misses.clear();
  }

  #key(kind: Entry['kind'], id: string): string {
    return `${this.mode}:${kind}:${id}`;
  }

  #missKey(key: { id: string } | { slug: string }): string {
    return 'id' in key ? `${this.mode}:missing-track:${key.id}` : `${this.mode}:missing-slug:${key.slug}`;
  }
}

/** Flat records (filters, artists) with the same keys holding the same values. */
function sameFields(held: object, fresh: object): boolean {
  const heldRecord = held as Record<string, unknown>;
  const freshRecord = fresh as Record<string, unknown>;
  let keys = 0;
  for (const key in freshRecord) {
    if (heldRecord[key] !== freshRecord[key]) return false;
    keys++;
  }
  return keys === Object.keys(heldRecord).length;
}
