import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';

/** What each scenario sends: to the gateway as GraphQL, to the baseline as its plain JSON route. */
export interface Scenario {
  name: string;
  description: string;
  gateway: { query: string; variables: Record<string, unknown> };
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

export const SCENARIOS: Scenario[] = [
  {
    name: 'catalog page',
    description: '50 music tracks with artists and filters (examples/operations/browse-tracks.graphql)',
    gateway: {
      query: readFileSync(resolve(import.meta.dirname, '../examples/operations/browse-tracks.graphql'), 'utf8'),
      variables: { first: 50, filter: { type: 'MUSIC' } },
    },
    baseline: { path: '/catalog', body: { first: 50, type: 'MUSIC' } },
  },
  {
    name: 'nodes',
    description: `nodes(ids) with ${mixedIds.length} mixed ids (35 tracks, 15 artists)`,
    gateway: { query: NODES_QUERY, variables: { ids: mixedIds } },
    baseline: { path: '/nodes', body: { ids: mixedIds } },
  },
];
