import { graphql } from 'react-relay';

/** An artist with its tracks: a connection nested in a Node, paged forwards through `node(id:)`. */
export const ArtistPageQuery = graphql`
  query ArtistPageQuery($id: ID!) {
    artist(id: $id) {
      name
      ...ArtistTracks_artist
    }
  }
`;

export const ArtistTracksFragment = graphql`
  fragment ArtistTracks_artist on Artist
  @refetchable(queryName: "ArtistTracksPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    tracks(first: $count, after: $cursor) @connection(key: "ArtistTracks_tracks") {
      edges {
        node {
          id
          ...TrackCard_track
        }
      }
    }
  }
`;
