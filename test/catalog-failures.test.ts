import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, requestUpstreamCall } from '../src/context';
import { createServices } from '../src/services';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import { CatalogStore } from '../src/sandbox/hoopr/catalog/store';
import { encodeGlobalId } from '../src/schema/global-id';
import { schema } from '../src/schema/index';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway, type GraphQLResponse } from './helpers/gateway';
import { useCatalogGateway } from './helpers/catalog-gateway';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/** What the catalog graph refuses, and how it fails: ids, scopes and upstream faults. */

const catalog = seedCatalog();
const oracle = new CatalogStore(catalog);
const allTracks = oracle.tracks();

const harness = useCatalogGateway();
const { ask } = harness;

const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => body.errors?.map((error) => error.extensions?.code);

describe('global ids', () => {
  it('answers BAD_USER_INPUT for malformed, foreign or unknown-type ids, before any upstream call', async () => {
    const artistId = encodeGlobalId('Artist', catalog.artists[0]!.id);
    const cases = [
      `{ node(id: "not base64!") { id } }`,
      `{ node(id: "${Buffer.from('no colon').toString('base64')}") { id } }`,
      `{ node(id: "${encodeGlobalId('Viewer', 'x')}") { id } }`,
      `{ node(id: "${encodeGlobalId('Nope', '1')}") { id } }`,
      `{ nodes(ids: ["%%%", "${encodeGlobalId('Nope', '1')}"]) { id } }`,
      `{ track(id: "${artistId}") { rawId } }`,
      `{ artist(id: "${encodeGlobalId('Track', allTracks[0]!.id)}") { rawId } }`,
      `{ tracks(first: 1, filter: { artistId: "garbage" }) { totalCount } }`,
    ];
    for (const query of cases) {
      const body = await ask(query);
      expect(codes(body), query).toContain('BAD_USER_INPUT');
    }
    const { requests } = await harness.control.stats();
    expect(Object.keys(requests).filter((route) => route !== 'POST /v1/auth/token' && requests[route]! > 0)).toEqual([]);
  });
});

describe('access', () => {
  it('answers FORBIDDEN on every catalog entry point to a caller without catalog:read', async () => {
    const services = createServices(harness.gateway.upstreams, { catalogMode: 'test' });
    const yoga = createYoga({
      schema,
      maskedErrors: true,
      logging: false,
      context: ({ request }) => createContext({ name: 'crm only', scopes: ['crm:read'], locationIds: [] }, services, requestUpstreamCall(request.signal)),
    });
    const trackId = encodeGlobalId('Track', allTracks[0]!.id);
    const response = await yoga.fetch('http://harness.gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ viewer { name } tracks(first: 1) { totalCount } }`,
      }),
    });
    const body = (await response.json()) as GraphQLResponse['body'];
    expect(codes(body)).toEqual(['FORBIDDEN']);

    const nodes = await yoga.fetch('http://harness.gateway.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ viewer { name } node(id: "${trackId}") { id } track(slug: "x") { id } artist(id: "${encodeGlobalId('Artist', 'a')}") { id } }` }),
    });
    const nodesBody = (await nodes.json()) as GraphQLResponse['body'];
    expect(nodesBody.data).toEqual({ viewer: { name: 'crm only' }, node: null, track: null, artist: null });
    expect(codes(nodesBody)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(await harness.control.stats().then((stats) => stats.requests['GET /v1/tracks/:id'] ?? 0)).toBe(0);
  });
});

describe('upstream failures', () => {
  let failing: RunningGateway;
  beforeAll(async () => {
    failing = await startSandboxGateway();
  });
  afterAll(async () => {
    await failing?.close(1_000);
  });

  it('become field errors with codes, with partial data for the rest of the query', async () => {
    const failingControl = sandboxControl(failing.sandboxes.hoopr!.url);
    // Hold a token first, so only the catalog calls fail.
    await failing.upstreams.hoopr.issueToken();
    await failingControl.faults({ errorRate: 1, errorStatus: 503 });
    const ids = allTracks.slice(0, 2).map((track) => encodeGlobalId('Track', track.id));
    const { status, body } = await graphql(failing.graphqlUrl, `query($ids: [ID!]!, $id: ID!) {
      viewer { name } track(id: $id) { name } nodes(ids: $ids) { id } }`, { variables: { ids, id: ids[0] } });
    expect(status).toBe(200);
    expect(body.data).toEqual({ viewer: { name: 'sandbox developer' }, track: null, nodes: [null, null] });
    expect(body.errors?.map((error) => [error.path?.join('.'), error.extensions?.code]).sort()).toEqual([
      ['nodes.0', 'UPSTREAM_UNAVAILABLE'],
      ['nodes.1', 'UPSTREAM_UNAVAILABLE'],
      ['track', 'UPSTREAM_UNAVAILABLE'],
    ]);
    for (const error of body.errors ?? []) expect(error.extensions).toMatchObject({ upstream: 'hoopr' });
  });
});
