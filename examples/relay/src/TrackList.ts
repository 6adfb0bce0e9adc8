import { graphql } from 'react-relay';

/** The catalog, paged forwards with `first`/`after` (usePaginationFragment's loadNext). */
export const TrackListQuery = graphql`
  query TrackListQuery($filter: TrackFilter) {
    ...TrackList_query @arguments(filter: $filter)
  }
`;

export const TrackListFragment = graphql`
  fragment TrackList_query on Query
  @refetchable(queryName: "TrackListPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "TrackFilter" }
  ) {
    tracks(first: $count, after: $cursor, filter: $filter) @connection(key: "TrackList_tracks", filters: ["filter"]) {
      totalCount
      edges {
        node {
          id
          ...TrackCard_track
        }
      }
    }
  }
`;
