import type { CallOptions } from '../http/call-scope';
import { NotFoundError } from '../http/errors';
import type { HooprClient } from '../hoopr/client';
import type {
  HooprArtist,
  HooprFilter,
  HooprPage,
  HooprSearchItem,
  HooprTrack,
  ListFiltersParams,
  ListTracksParams,
  PageParams,
  SearchParams,
} from '../hoopr/types';
import { NO_OBSERVER, type UpstreamObserver } from '../observability';
import { mapWithConcurrency } from './bounded-concurrency';
import type { CatalogCache } from './catalog-cache';

/** Single fetches in flight per batch of ids (Hoopr has no batch-by-ids call). */
const PER_ID_CONCURRENCY = 8;
/** Filters are a small vocabulary (tens); they are listed whole, at the page size Hoopr allows. */
const FILTER_LIST_PAGE_SIZE = 50;
/** Pages a listing of every filter is assumed to take before one has run (200 filters). */
const FILTER_LISTING_PAGES_ASSUMED = 4;
/**
 * Hoopr has no track-by-slug call: a slug is found by one search page of this many hits.
 * Search matches names, slugs and tags by substring, so a slug query hits its own track and
 * the few whose slug contains it (`sky` in `morning-sky`): over all 1,430 sandbox tracks the
 * exact match is at most the second hit. One page of the most Hoopr serves (50) keeps that
 * margin, and bounds what a slug lookup costs: one call.
 */
export const SLUG_SEARCH_PAGE_SIZE = 50;

/**
 * The Hoopr catalog through the shared {@link CatalogCache}: lookups by id answer from the
 * cache when they can, and everything any call returns (list pages, search hits, single
 * entities) is remembered for the next caller. Lists themselves are never served from the
 * cache: a window's pages must come from one consistent view of the upstream list.
 *
 * Batch lookups return one result per id, in id order, an Error for an id that failed or
 * does not exist (NotFoundError), so they can back DataLoaders directly.
 *
 * The observer counts a hit for every lookup the cache answers (a remembered miss too) and
 * a miss for every one that goes to Hoopr; a peek that finds nothing counts neither, so a
 * peek followed by a load is one miss, not two.
 */
export class CachedCatalog {
  #filterListingPages: number | undefined;

  constructor(
    private readonly client: HooprClient,
    readonly cache: CatalogCache,
    private readonly observer: UpstreamObserver = NO_OBSERVER,
  ) {}

  /** The catalog mode Hoopr's token answer states (the cached token costs no call). */
  async tokenMode(options: CallOptions): Promise<string | undefined> {
    return (await this.client.issueToken(options)).mode;
  }

  async listTracks(params: ListTracksParams, options: CallOptions): Promise<HooprPage<HooprTrack>> {
    const page = await this.client.listTracks(params, options);
    this.cache.rememberTracks(page.items);
    return page;
  }

  async listArtists(params: PageParams, options: CallOptions): Promise<HooprPage<HooprArtist>> {
    const page = await this.client.listArtists(params, options);
    for (const artist of page.items) this.cache.rememberArtist(artist, { complete: true });
    return page;
  }

  async listFilters(params: ListFiltersParams, options: CallOptions): Promise<HooprPage<HooprFilter>> {
    const page = await this.client.listFilters(params, options);
    for (const filter of page.items) this.cache.rememberFilter(filter);
    return page;
  }

  async search(params: SearchParams, options: CallOptions): Promise<HooprPage<HooprSearchItem>> {
    const page = await this.client.search(params, options);
    this.cache.rememberTracks(page.items.filter(isTrackHit));
    for (const hit of page.items) if (isArtistHit(hit)) this.cache.rememberArtist(hit, { complete: true });
    return page;
  }

  /** A track id costs at most one call (`GET /v1/tracks/{id}`); Hoopr's 404 is remembered as a miss. */
  tracks(ids: readonly string[], options: CallOptions): Promise<(HooprTrack | Error)[]> {
    return mapWithConcurrency(ids, PER_ID_CONCURRENCY, async (id) => {
      const cached = this.cachedTrack(id);
      if (cached) return cached;
      if (cached === null) return notFound('track', id);
      this.observer.cacheLookup('catalog', false);
      try {
        const track = await this.client.getTrack(id, options);
        this.cache.rememberTrack(track);
        return track;
      } catch (error) {
        if (error instanceof NotFoundError) this.cache.rememberMissing({ id });
        return asError(error);
      }
    });
  }

  /** What the cache alone knows: the track, null for a remembered miss, undefined when only Hoopr can tell. */
  cachedTrack(id: string): HooprTrack | null | undefined {
    return this.#counted(this.cache.track(id) ?? (this.cache.isMissing({ id }) ? null : undefined));
  }

  /** As {@link cachedTrack}, by slug. */
  cachedTrackBySlug(slug: string): HooprTrack | null | undefined {
    return this.#counted(this.cache.trackWithSlug(slug) ?? (this.cache.isMissing({ slug }) ? null : undefined));
  }

  /** What a lookup found, counted as a hit when the cache knew the answer. */
  #counted<T>(found: T | undefined): T | undefined {
    if (found !== undefined) this.observer.cacheLookup('catalog', true);
    return found;
  }

  /**
   * `complete: false` accepts the id-and-name artist known from a track's credits;
   * `complete: true` wants what the artist call answers (slug, trackCount).
   */
  artists(ids: readonly string[], options: CallOptions & { complete: boolean }): Promise<(HooprArtist | Error)[]> {
    return mapWithConcurrency(ids, PER_ID_CONCURRENCY, async (id) => {
      const cached = this.cache.artist(id, { complete: options.complete });
      this.observer.cacheLookup('catalog', cached !== undefined);
      if (cached) return cached;
      try {
        const artist = await this.client.getArtist(id, options);
        this.cache.rememberArtist(artist, { complete: true });
        return artist;
      } catch (error) {
        return asError(error);
      }
    });
  }

  /** Hoopr has no filter-by-id call: ids the cache does not hold cost one listing of all filters. */
  async filters(ids: readonly string[], options: CallOptions): Promise<(HooprFilter | Error)[]> {
    let missing = 0;
    for (const id of ids) {
      const held = this.cache.filter(id) !== undefined;
      this.observer.cacheLookup('catalog', held);
      if (!held) missing++;
    }
    if (missing > 0) {
      try {
        await this.#listAllFilters(options);
      } catch (error) {
        const failure = asError(error);
        return ids.map((id) => this.cache.filter(id) ?? failure);
      }
    }
    return ids.map((id) => this.cache.filter(id) ?? notFound('filter', id));
  }

  /** {@link trackBySlug} for a batch: one result per slug, in slug order (null: no such track). */
  tracksBySlug(slugs: readonly string[], options: CallOptions): Promise<(HooprTrack | null | Error)[]> {
    return mapWithConcurrency(slugs, PER_ID_CONCURRENCY, async (slug) => {
      try {
        return (await this.trackBySlug(slug, options)) ?? null;
      } catch (error) {
        return asError(error);
      }
    });
  }

  /**
   * The track with exactly this slug, or undefined when Hoopr has none: from the cache, else
   * at most one call (a search page; needs the `search` scope). A miss is remembered.
   */
  async trackBySlug(slug: string, options: CallOptions): Promise<HooprTrack | undefined> {
    const cached = this.cachedTrackBySlug(slug);
    if (cached !== undefined) return cached ?? undefined;
    this.observer.cacheLookup('catalog', false);
    const hits = await this.search({ q: slug, page: 1, pageSize: SLUG_SEARCH_PAGE_SIZE }, options);
    const match = hits.items.find((hit): hit is { kind: 'track' } & HooprTrack => isTrackHit(hit) && hit.slug === slug);
    if (!match) this.cache.rememberMissing({ slug });
    return match;
  }

  /**
   * Pages the last complete listing of every filter took; until one has run, an assumed
   * small vocabulary (FILTER_LISTING_PAGES_ASSUMED). Bounds the calls of a filter lookup.
   */
  get filterListingPages(): number {
    return this.#filterListingPages ?? FILTER_LISTING_PAGES_ASSUMED;
  }

  async #listAllFilters(options: CallOptions): Promise<void> {
    for (let page = 1; ; page++) {
      const listed = await this.listFilters({ page, pageSize: FILTER_LIST_PAGE_SIZE }, options);
      if (listed.items.length === 0 || listed.currentPage >= listed.totalPages) {
        this.#filterListingPages = page;
        return;
      }
    }
  }
}

export function isTrackHit(hit: HooprSearchItem): hit is { kind: 'track' } & HooprTrack {
  return hit.kind === 'track';
}

export function isArtistHit(hit: HooprSearchItem): hit is { kind: 'artist' } & HooprArtist {
  return hit.kind === 'artist';
}

function notFound(what: string, id: string): NotFoundError {
  return new NotFoundError(`Hoopr has no ${what} ${id}`, { upstream: 'hoopr' });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
