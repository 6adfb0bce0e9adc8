import { graphql } from 'react-relay';

/**
 * One track as a card shows it. Refetchable: Relay refetches it on its own through
 * `node(id:)` (e.g. for a fresh stream URL once `stream.expiresAt` has passed).
 */
export const TrackCardFragment = graphql`
  fragment TrackCard_track on Track @refetchable(queryName: "TrackCardRefetchQuery") {
    id
    name
    artworkUrl
    durationSeconds
    artists {
      isPrimary
      artist {
        id
        name
      }
    }
    stream {
      url
      expiresAt
    }
  }
`;
