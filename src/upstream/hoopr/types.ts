/**
 * Hoopr wire shapes (CONTRACT.md), raw: `bpm` is a string, `songKey` a list, `isPRO`
 * keeps its casing, artist `role` and filter `type` are open-ended strings. Fields the
 * contract does not promise on every object are optional.
 */

/** Every Hoopr body: `error.code` 0 is success, even when HTTP says 200 nothing else is. */
export interface HooprEnvelope<T> {
  data: T | null;
  error: { code: number; message: string };
}

/** A page as the server reports it: its `pageSize`/`currentPage` are the truth, not what was asked. */
export interface HooprPage<T> {
  totalRecords: number;
  totalPages: number;
  currentPage: number;
  pageSize: number;
  items: T[];
}

export interface HooprArtistCredit {
  id: string;
  name: string;
  /** `COMPOSER`, … (new values appear). */
  role: string;
  isPrimary: boolean;
}

export interface HooprFilter {
  id: string;
  name: string;
  slug: string;
  /** `genre`, `mood`, `instrument`, `theme`, … (new values appear). */
  type: string;
}

export interface HooprTrack {
  id: string;
  name: string;
  slug: string;
  /** `music`, `sfx`, or a value we do not know yet. */
  type: string;
  bpm?: string;
  songKey?: string[];
  timeSignature?: string;
  durationSeconds?: number;
  region?: string;
  releaseDate?: string;
  hasVocals?: boolean;
  isPRO?: boolean;
  tags?: string[];
  artists?: HooprArtistCredit[];
  filters?: HooprFilter[];
  artworkUrl?: string;
  /** Signed, valid about 30 minutes (`X-Goog-Date` + `X-Goog-Expires`). */
  streamUrl?: string;
}

export interface HooprArtist {
  id: string;
  name: string;
  slug?: string;
  trackCount?: number;
}

/** A search hit; `kind` is open-ended, so hits of kinds we do not know yet are passed on as they came. */
export type HooprSearchItem =
  | ({ kind: 'track' } & HooprTrack)
  | ({ kind: 'artist' } & HooprArtist)
  | { kind: string & {}; id: string; name?: string };

export interface HooprTokenInfo {
  /** `test` for `hpr_test_` credentials, `live` for live ones (as the token answer says). */
  mode?: string;
  scopes: string[];
  expiresInSeconds: number;
}

export interface ListTracksParams {
  /** `music` | `sfx`. */
  type?: string;
  /** A track must match all of them. */
  filterSlugs?: readonly string[];
  artistIds?: readonly string[];
  /** 1-based. */
  page?: number;
  /** The server clamps it; read the page's own `pageSize`. */
  pageSize?: number;
}

export interface PageParams {
  page?: number;
  pageSize?: number;
}

export interface ListFiltersParams extends PageParams {
  type?: string;
}

export interface SearchParams extends PageParams {
  q: string;
}
