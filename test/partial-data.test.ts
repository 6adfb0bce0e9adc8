import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { encodeGlobalId } from '../src/schema/global-id';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

/**
 * A field that reaches an upstream fails alone: its failure (the upstream down, a location
 * the caller may not use, a bad argument) nulls that field, with its error, and the rest of
 * the answer stands. Over real sockets against both sandboxes.
 */

const [locationA, locationB] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];
const KEY_A = `sandbox-key-${locationA}`;

interface Answer {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

const failures = (body: Answer) => (body.errors ?? []).map((error) => [error.path?.join('.'), error.extensions?.code]);

describe('partial data', () => {
  let gateway: RunningGateway;
  let hoopr: SandboxControl;
  let hoopai: SandboxControl;

  async function ask(query: string, key?: string): Promise<Answer> {
    const { status, body } = await graphql(gateway.graphqlUrl, query, { key });
    expect(status).toBe(200);
    return body as Answer;
  }

  beforeAll(async () => {
    gateway = await startSandboxGateway();
    hoopr = sandboxControl(gateway.sandboxes.hoopr!.url);
    hoopai = sandboxControl(gateway.sandboxes.hoopai!.url);
    // Hold a Hoopr token, so that only the catalog calls themselves fail when Hoopr does.
    await gateway.upstreams.hoopr.issueToken();
  });
  beforeEach(async () => {
    gateway.services.catalog.cache.clear();
    await Promise.all([hoopr.reset(), hoopai.reset(), hoopr.faults({}), hoopai.faults({})]);
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  const MIXED = `{
    viewer { name }
    tracks(first: 3) { edges { node { id } } }
    conversations(locationId: "${locationA}", first: 3) { totalCount edges { node { id } } }
  }`;

  it('keeps the viewer and the catalog when HoopAI fails every call', async () => {
    await hoopai.faults({ errorRate: 1, errorStatus: 503 });
    const body = await ask(MIXED);
    expect(body.data?.viewer).toEqual({ name: 'sandbox developer' });
    expect(body.data?.tracks.edges).toHaveLength(3);
    expect(body.data?.conversations).toBeNull();
    expect(failures(body)).toEqual([['conversations', 'UPSTREAM_UNAVAILABLE']]);
    expect(body.errors?.[0]?.extensions).toMatchObject({ upstream: 'hoopai' });
    expect(await hoopr.requests('GET /v1/tracks')).toBe(1);
    // The first try and the gateway's two retries of an idempotent read.
    expect(await hoopai.requests('GET /conversations/search')).toBe(3);
  });

  it('keeps the viewer and the conversations when Hoopr fails every call', async () => {
    await hoopr.faults({ errorRate: 1, errorStatus: 503 });
    const body = await ask(MIXED);
    expect(body.data?.viewer).toEqual({ name: 'sandbox developer' });
    expect(body.data?.tracks).toBeNull();
    expect(body.data?.conversations.edges).toHaveLength(3);
    expect(failures(body)).toEqual([['tracks', 'UPSTREAM_UNAVAILABLE']]);
    expect(body.errors?.[0]?.extensions).toMatchObject({ upstream: 'hoopr' });
    expect(await hoopr.requests('GET /v1/tracks')).toBe(3);
    expect(await hoopai.requests('GET /conversations/search')).toBe(1);
  });

  it("answers a single-location caller its own location and FORBIDDEN on another's, in one document", async () => {
    const body = await ask(
      `{
        mine: contacts(locationId: "${locationA}", first: 2) { totalCount edges { node { locationId } } }
        theirs: contacts(locationId: "${locationB}", first: 2) { totalCount edges { node { locationId } } }
      }`,
      KEY_A,
    );
    expect(body.data?.mine.totalCount).toBe(SANDBOX_LOCATIONS[0]!.contactCount);
    expect(body.data?.mine.edges).toEqual([{ node: { locationId: locationA } }, { node: { locationId: locationA } }]);
    expect(body.data?.theirs).toBeNull();
    expect(failures(body)).toEqual([['theirs', 'FORBIDDEN']]);
    const stats = await hoopai.stats();
    expect(stats.requests['POST /contacts/search']).toBe(1);
    expect(stats.byLocation[locationB] ?? 0).toBe(0);
  });

  it('nulls only the nested connection whose arguments are refused, before calling for it', async () => {
    const cases = [
      {
        query: '{ list: artists(first: 2) { edges { node { id nested: tracks(first: 2, after: "not-a-cursor") { totalCount } } } } }',
        calls: () => Promise.all([hoopr.requests('GET /v1/artists'), hoopr.requests('GET /v1/tracks')]),
      },
      {
        query: '{ list: conversations(first: 2) { edges { node { id nested: messages(first: 101) { edges { node { id } } } } } } }',
        calls: () => Promise.all([hoopai.requests('GET /conversations/search'), hoopai.requests('GET /conversations/:conversationId/messages')]),
      },
    ];
    for (const { query, calls } of cases) {
      const body = await ask(query, KEY_A);
      expect(body.data?.list.edges, query).toEqual([{ node: { id: expect.any(String), nested: null } }, { node: { id: expect.any(String), nested: null } }]);
      expect(failures(body), query).toEqual([
        ['list.edges.0.node.nested', 'BAD_USER_INPUT'],
        ['list.edges.1.node.nested', 'BAD_USER_INPUT'],
      ]);
      // One call for the list, none for the refused nested connections.
      expect(await calls(), query).toEqual([1, 0]);
    }
  });

  it('fails an id that is not this API\'s alone, at its position in nodes, and loads its siblings', async () => {
    const track = (await ask('{ tracks(first: 1) { edges { node { id } } } }')).data!.tracks.edges[0].node.id;
    await hoopr.reset();
    const body = await ask(`{ nodes(ids: ["${track}", "not-an-id", "${encodeGlobalId('Nothing', 'x')}"]) { id } node(id: "also-not") { id } }`);
    expect(body.data).toEqual({ nodes: [{ id: track }, null, null], node: null });
    expect(failures(body).sort()).toEqual([
      ['node', 'BAD_USER_INPUT'],
      ['nodes.1', 'BAD_USER_INPUT'],
      ['nodes.2', 'BAD_USER_INPUT'],
    ]);
  });

  // Last: with Hoopr failing for several lookups its circuit opens for a while.
  it('keeps a message when the tracks it mentions cannot be read', async () => {
    const seeded = [...gateway.sandboxes.hoopai!.store.location(locationA)!.messages.values()]
      .flat()
      .find((message) => /hoopr:track\//.test(message.body))!;
    const id = encodeGlobalId('Message', `${locationA}:${seeded.conversationId}:${seeded.id}`);
    await hoopr.faults({ errorRate: 1, errorStatus: 503 });
    const { body } = await graphql(gateway.graphqlUrl, `query($id: ID!) { node(id: $id) { ... on Message { body tracks { id } } } }`, {
      key: KEY_A,
      variables: { id },
    });
    expect(body.data).toEqual({ node: { body: seeded.body, tracks: null } });
    expect(failures(body as Answer)).toEqual([['node.tracks', 'UPSTREAM_UNAVAILABLE']]);
    expect(await hoopr.requests('GET /v1/search')).toBeGreaterThan(0);
  });
});
