import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index';
import { graphql } from './helpers/gateway';
import { type DocumentSeeds, randomQuery } from './helpers/random-documents';
import { useSandboxGateway } from './helpers/sandbox-gateway';
import type { SandboxControl } from './helpers/upstream-sandbox-control';

/**
 * The cost estimate promises an upper bound of the upstream calls a query makes. Checked
 * here for random queries against the sandboxes' own request counters, each run on cold
 * caches (the most a query can cost), with the limits raised so that every query runs.
 */

const LOCATION = 've9EPM428h8vShlRW1KT';
const harness = useSandboxGateway({
  MAX_UPSTREAM_CALLS_PER_REQUEST: '100000',
  CALLER_UPSTREAM_CALLS_PER_MINUTE: '100000000',
  HOOPAI_RATE_LIMIT_PER_10S: '100000',
  MAX_QUERY_ALIASES: '1000',
});

/** Requests a sandbox answered, token grants left out (tokens are shared, not a query's own). */
async function dataRequests(control: SandboxControl): Promise<number> {
  const { requests } = await control.stats();
  return Object.entries(requests)
    .filter(([route]) => !/token/i.test(route))
    .reduce((sum, [, count]) => sum + count, 0);
}

async function seedsFrom(url: string): Promise<DocumentSeeds> {
  const { body } = await graphql<any>(
    url,
    `{
      tracks(first: 3) { edges { node { id slug artists { artist { id } } filters { id } } } }
      contacts(locationId: "${LOCATION}", first: 3) { edges { node { id } } }
      conversations(locationId: "${LOCATION}", first: 3) { edges { node { id messages(first: 2) { edges { node { id } } } } } }
    }`,
  );
  const tracks = body.data.tracks.edges.map((edge: any) => edge.node);
  const conversations = body.data.conversations.edges.map((edge: any) => edge.node);
  return {
    ids: {
      Track: tracks.map((track: any) => track.id),
      Artist: tracks.flatMap((track: any) => track.artists.map((credit: any) => credit.artist.id)).slice(0, 3),
      Filter: tracks.flatMap((track: any) => track.filters.map((filter: any) => filter.id)).slice(0, 3),
      Contact: body.data.contacts.edges.map((edge: any) => edge.node.id),
      Conversation: conversations.map((conversation: any) => conversation.id),
      Message: conversations.flatMap((conversation: any) => conversation.messages.edges.map((edge: any) => edge.node.id)).slice(0, 3),
    },
    locationId: LOCATION,
    slugs: tracks.map((track: any) => track.slug),
    searchTexts: ['drive', 'sky', 'rain'],
  };
}

describe('the cost estimate', () => {
  let seeds: DocumentSeeds;
  beforeAll(async () => {
    await Promise.all([harness.hoopr.faults({ rateLimitPer10s: 100_000 }), harness.hoopai.faults({ rateLimitPer10s: 100_000 })]);
    seeds = await seedsFrom(harness.gateway.graphqlUrl);
  });

  it('is never below the upstream calls a random query makes on cold caches, and the meter counts them exactly', async () => {
    let ran = 0;
    let withCalls = 0;
    await fc.assert(
      fc.asyncProperty(randomQuery(schema, seeds, 4), async (query) => {
        harness.gateway.services.catalog.cache.clear();
        harness.gateway.services.crm.cache.clear();
        await Promise.all([harness.hoopr.reset(), harness.hoopai.reset()]);
        const { body } = await graphql<any>(harness.gateway.graphqlUrl, query);
        const made = (await dataRequests(harness.hoopr)) + (await dataRequests(harness.hoopai));
        const cost = (body as any).extensions?.cost;
        if (!cost) return; // refused before execution (an invalid random document): nothing ran
        ran += 1;
        if (made > 0) withCalls += 1;
        expect(made, query).toBeLessThanOrEqual(cost.estimatedCalls);
        expect(cost.calls + cost.retries, query).toBe(made);
      }),
      { seed: 20_261_204, numRuns: 120, endOnFailure: true },
    );
    // The property is only worth something if the queries really reached the upstreams.
    expect(ran).toBeGreaterThan(80);
    expect(withCalls).toBeGreaterThan(40);
    // 120 queries on cold caches, each with both sandboxes reset: 30–40 s on a loaded 2-core machine.
  }, 300_000);
});
