import type { ArtistRecord, Catalog, FilterRecord, TrackRecord, TrackType } from './types';

/** Every given condition must hold; an absent or empty one does not filter. */
export interface TrackQuery {
  type?: TrackType;
  /** The track carries every one of these filter slugs. */
  filterSlugs?: readonly string[];
  /** The track credits at least one of these artists. */
  artistIds?: readonly string[];
}

export type SearchHit = { kind: 'artist'; artist: ArtistRecord } | { kind: 'track'; track: TrackRecord };

/**
 * Read-only queries over the catalog, in the stable orders the list endpoints page through:
 * tracks newest release first (then by id), artists and filters by name (filters grouped
 * by type in seed order).
 */
export class CatalogStore {
  private readonly tracksInOrder: readonly TrackRecord[];
  private readonly artistsInOrder: readonly ArtistRecord[];
  private readonly filtersInOrder: readonly FilterRecord[];
  private readonly tracksById: ReadonlyMap<string, TrackRecord>;
  private readonly artistsById: ReadonlyMap<string, ArtistRecord>;
  /** Lower-cased name, slug and tags of each track, for search. */
  private readonly trackText: ReadonlyMap<TrackRecord, string>;

  constructor(catalog: Catalog) {
    this.tracksInOrder = [...catalog.tracks].sort(
      (a, b) => b.releaseDate.localeCompare(a.releaseDate) || a.id.localeCompare(b.id),
    );
    this.artistsInOrder = [...catalog.artists].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const typeRank = new Map<string, number>();
    for (const filter of catalog.filters) if (!typeRank.has(filter.type)) typeRank.set(filter.type, typeRank.size);
    this.filtersInOrder = [...catalog.filters].sort(
      (a, b) => typeRank.get(a.type)! - typeRank.get(b.type)! || a.name.localeCompare(b.name),
    );
    this.tracksById = new Map(catalog.tracks.map((track) => [track.id, track]));
    this.artistsById = new Map(catalog.artists.map((artist) => [artist.id, artist]));
    this.trackText = new Map(
      catalog.tracks.map((track) => [track, [track.name, track.slug, ...track.tags].join('\n').toLowerCase()]),
    );
  }

  tracks(query: TrackQuery = {}): TrackRecord[] {
    const slugs = query.filterSlugs ?? [];
    const artistIds = new Set(query.artistIds ?? []);
    return this.tracksInOrder.filter(
      (track) =>
        (query.type === undefined || track.type === query.type) &&
        slugs.every((slug) => track.filters.some((filter) => filter.slug === slug)) &&
        (artistIds.size === 0 || track.artists.some((credit) => artistIds.has(credit.id))),
    );
  }

  track(id: string): TrackRecord | undefined {
    return this.tracksById.get(id);
  }

  artists(): readonly ArtistRecord[] {
    return this.artistsInOrder;
  }

  artist(id: string): ArtistRecord | undefined {
    return this.artistsById.get(id);
  }

  /** All filters, or those of one (open-ended) type. */
  filters(type?: string): readonly FilterRecord[] {
    return type === undefined ? this.filtersInOrder : this.filtersInOrder.filter((filter) => filter.type === type);
  }

  /**
   * Case-insensitive substring match on artist names and slugs, then on track names, slugs
   * and tags: matching artists first, each group in its list order.
   */
  search(text: string): SearchHit[] {
    const needle = text.toLowerCase();
    const artists = this.artistsInOrder
      .filter((artist) => artist.name.toLowerCase().includes(needle) || artist.slug.includes(needle))
      .map((artist): SearchHit => ({ kind: 'artist', artist }));
    const tracks = this.tracksInOrder
      .filter((track) => this.trackText.get(track)!.includes(needle))
      .map((track): SearchHit => ({ kind: 'track', track }));
    return [...artists, ...tracks];
  }
}
