import type { GraphQLClient } from 'graphql-request';
import {
  BrowseTracksDocument,
  type BrowseTracksQuery,
  type TrackFilter,
  TrackDetailDocument,
  ViewerDocument,
} from '../generated/graphql';

/** One row of a catalog list, as a list view renders it. */
export type TrackRow = NonNullable<BrowseTracksQuery['tracks']>['edges'][number]['node'];

/** Who the key belongs to and which HoopAI locations it may use. */
export async function whoAmI(client: GraphQLClient): Promise<{ name: string; locationIds: string[] }> {
  const { viewer } = await client.request(ViewerDocument);
  return { name: viewer.name, locationIds: viewer.locations.map((location) => location.id) };
}

/**
 * Pages forward through the (filtered) catalog until `limit` tracks are collected or the
 * list ends, passing each page's endCursor as the next page's `after`.
 */
export async function collectTracks(
  client: GraphQLClient,
  options: { limit: number; pageSize?: number; filter?: TrackFilter },
): Promise<TrackRow[]> {
  const rows: TrackRow[] = [];
  let after: string | null | undefined;
  do {
    const { tracks } = await client.request(BrowseTracksDocument, {
      first: Math.min(options.pageSize ?? 20, options.limit - rows.length),
      after,
      filter: options.filter,
    });
    // A failing list is null with an error, and graphql-request throws on errors: null ends the walk.
    if (!tracks) break;
    rows.push(...tracks.edges.map((edge) => edge.node));
    after = tracks.pageInfo.hasNextPage ? tracks.pageInfo.endCursor : null;
  } while (after && rows.length < options.limit);
  return rows;
}

/** What a player needs; null when no track has that slug. */
export async function playerFor(
  client: GraphQLClient,
  slug: string,
): Promise<{ title: string; artistNames: string[]; streamUrl: string; playableUntil: Date } | null> {
  const { track } = await client.request(TrackDetailDocument, { slug });
  if (!track?.stream) return null;
  return {
    title: track.name,
    artistNames: track.artists.map((credit) => credit.artist.name),
    streamUrl: track.stream.url,
    playableUntil: new Date(track.stream.expiresAt),
  };
}
