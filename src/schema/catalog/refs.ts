import { builder } from '../../builder';
import type { HooprArtist, HooprFilter, HooprTrack } from '../../upstream/index';

/**
 * The catalog's object types, declared apart from their fields so the domain files can refer
 * to each other (a Track lists Artists, an Artist pages Tracks) without import cycles.
 * Backed by Hoopr's wire shapes as they come; the quirks are absorbed in field resolvers.
 */
export const TrackRef = builder.objectRef<HooprTrack>('Track');
/** A credit inside a track carries only id and name; fields that need more load the artist. */
export const ArtistRef = builder.objectRef<HooprArtist>('Artist');
export const FilterRef = builder.objectRef<HooprFilter>('Filter');
