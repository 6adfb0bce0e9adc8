/**
 * Hoopr wire shapes as the sandbox stores them. Records are already in the documented
 * shape (CONTRACT.md, "Track object"), quirks included, so a route only adds the URLs
 * that depend on the request: `artworkUrl` and the freshly signed `streamUrl`.
 */

export type TrackType = 'music' | 'sfx';

export interface ArtistCreditRecord {
  id: string;
  name: string;
  /** Open-ended: COMPOSER, PRODUCER, SINGER, LYRICIST, and rarer ones. */
  role: string;
  isPrimary: boolean;
}

export interface FilterRecord {
  id: string;
  name: string;
  slug: string;
  /** Open-ended: genre, mood, instrument, theme, and rarer ones. */
  type: string;
}

export interface ArtistRecord {
  id: string;
  name: string;
  slug: string;
  trackCount: number;
}

export interface TrackRecord {
  id: string;
  name: string;
  slug: string;
  type: TrackType;
  /** A string, sometimes one no client can parse as a number ("", "90-120", "N/A"). */
  bpm: string;
  songKey: string[];
  timeSignature: string;
  durationSeconds: number;
  region: string;
  releaseDate: string;
  hasVocals: boolean;
  isPRO: boolean;
  tags: string[];
  artists: ArtistCreditRecord[];
  filters: FilterRecord[];
}

/** The whole seed catalog; read-only once built (no Hoopr call writes to it). */
export interface Catalog {
  tracks: readonly TrackRecord[];
  artists: readonly ArtistRecord[];
  filters: readonly FilterRecord[];
}
