import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';

/** What each scenario sends: to the gateway as GraphQL, to the baseline as its plain JSON route. */
export interface Scenario {
  name: string;
  /** The sandbox whose latency is injected and whose calls are counted. */
  upstream: 'hoopr' | 'hoopai';
  description: string;
  gateway: { query: string; variables: Record<string, unknown> };
  /**
   * Measured against a gateway whose response cache is on (the other scenarios run with
   * RESPONSE_CACHE_MB=off, so that they keep measuring the work of a miss).
   */
  warm?: boolean;
  baseline: { path: string; body: Record<string, unknown> };
}

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString('base64');
const catalog = seedCatalog();
/** 50 mixed ids: 35 tracks and 15 artists, spread over the seed. */
const mixedIds = [
  ...catalog.tracks.filter((_, i) => i % 37 === 0).slice(0, 35).map((t) => globalId('Track', t.id)),
  ...catalog.artists.filter((_, i) => i % 13 === 0).slice(0, 15).map((a) => globalId('Artist', a.id)),
];

const NODES_QUERY = `query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    id
    ... on Track { name type bpm durationSeconds artworkUrl
      artists { role isPrimary artist { id name } }
      filters { slug name type } }
    ... on Artist { name }
  }
}`;

/** examples/operations/inbox.graphql without Message.tracks (a catalog join the baseline would not do). */
const INBOX_QUERY = `query Inbox($locationId: ID, $first: Int) {
  conversations(locationId: $locationId, first: $first) {
    totalCount
    edges { node { id type unreadCount lastMessageBody lastMessageDate
      contact { id name email }
      messages(first: 5) { edges { node { id direction status messageType body dateAdded } } } } }
  }
}`;
const INBOX_LOCATION = SANDBOX_LOCATIONS[0]!.id;

const CATALOG_PAGE = {
  upstream: 'hoopr',
  gateway: {
    query: readFileSync(resolve(import.meta.dirname, '../examples/operations/browse-tracks.graphql'), 'utf8'),
    variables: { first: 50, filter: { type: 'MUSIC' } },
  },
  baseline: { path: '/catalog', body: { first: 50, type: 'MUSIC' } },
} as const satisfies Partial<Scenario>;

export const SCENARIOS: Scenario[] = [
  {
    name: 'catalog page',
    description: '50 music tracks with artists and filters (examples/operations/browse-tracks.graphql)',
    ...CATALOG_PAGE,
  },
  {
    name: 'catalog page (repeated)',
    description: 'the same catalog page again and again, the gateway\'s response cache on (the baseline has no cache)',
    ...CATALOG_PAGE,
    warm: true,
  },
  {
    name: 'nodes',
    upstream: 'hoopr',
    description: `nodes(ids) with ${mixedIds.length} mixed ids (35 tracks, 15 artists)`,
    gateway: { query: NODES_QUERY, variables: { ids: mixedIds } },
    baseline: { path: '/nodes', body: { ids: mixedIds } },
  },
  {
    name: 'inbox',
    upstream: 'hoopai',
    description: '25 conversations with their contact and last 5 messages (HoopAI)',
    gateway: { query: INBOX_QUERY, variables: { locationId: INBOX_LOCATION, first: 25 } },
    baseline: { path: '/inbox', body: { locationId: INBOX_LOCATION, first: 25 } },
  },
];
