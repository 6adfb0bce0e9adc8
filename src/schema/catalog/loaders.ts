import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import type { Context } from '../../context';
import type { HooprArtist, HooprFilter, HooprTrack } from '../../upstream/index';
import { asFieldError } from './access';

/**
 * Request-scoped loaders of catalog entities by raw Hoopr id (one set per GraphQL request,
 * keyed on its context). Each batch asks the shared catalog cache first; an id that failed
 * or does not exist resolves to a field error (NOT_FOUND for a miss).
 */
export interface CatalogLoaders {
  track: DataLoader<string, HooprTrack>;
  /** An artist as far as known: a credit inside a track (id and name) is enough. */
  artist: DataLoader<string, HooprArtist>;
  /** An artist as the artist call answers it (slug, trackCount). */
  artistDetails: DataLoader<string, HooprArtist>;
  filter: DataLoader<string, HooprFilter>;
}

export const catalogLoaders = createContextCache((ctx: Context): CatalogLoaders => {
  const catalog = ctx.services.catalog;
  const call = ctx.upstreamCall;
  return {
    track: new DataLoader(async (ids) => asFieldErrors(await catalog.tracks(ids, call))),
    artist: new DataLoader(async (ids) => asFieldErrors(await catalog.artists(ids, { ...call, complete: false }))),
    artistDetails: new DataLoader(async (ids) => asFieldErrors(await catalog.artists(ids, { ...call, complete: true }))),
    filter: new DataLoader(async (ids) => asFieldErrors(await catalog.filters(ids, call))),
  };
});

/**
 * Entities that arrive inside a list answer (a track's credits and filters) are loaded for
 * the rest of the request: resolving them costs no further upstream call.
 */
export function primeTrack(ctx: Context, track: HooprTrack): void {
  const loaders = catalogLoaders(ctx);
  loaders.track.prime(track.id, track);
  for (const credit of track.artists ?? []) loaders.artist.prime(credit.id, { id: credit.id, name: credit.name });
  for (const filter of track.filters ?? []) loaders.filter.prime(filter.id, filter);
}

/** An artist from the artists list or search: complete, so it serves both artist loaders. */
export function primeArtist(ctx: Context, artist: HooprArtist): void {
  const loaders = catalogLoaders(ctx);
  loaders.artist.clear(artist.id).prime(artist.id, artist);
  loaders.artistDetails.prime(artist.id, artist);
}

export function primeFilter(ctx: Context, filter: HooprFilter): void {
  catalogLoaders(ctx).filter.prime(filter.id, filter);
}

function asFieldErrors<T>(results: (T | Error)[]): (T | Error)[] {
  return results.map((result) => (result instanceof Error ? (asFieldError(result) as Error) : result));
}
