import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { schema } from '../src/schema/index';
import { useCatalogGateway } from './helpers/catalog-gateway';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/** The paging arguments each connection offers are the ones that work; the rest is refused before any call. */

const harness = useCatalogGateway();
const LOCATION_ID = SANDBOX_LOCATIONS[0]!.id;

const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) => body.errors?.map((error) => error.extensions?.code);

function argumentsOf(type: string, field: string): string[] {
  const parent = schema.getType(type);
  if (!isObjectType(parent)) throw new Error(`${type} is not an object type`);
  return parent.getFields()[field]!.args.map((argument) => argument.name).sort();
}

describe('connection arguments', () => {
  it('offers only first/after on the lists HoopAI pages forwards only', () => {
    expect(argumentsOf('Query', 'conversations')).toEqual(['after', 'contactId', 'first', 'locationId', 'status']);
    expect(argumentsOf('Contact', 'conversations')).toEqual(['after', 'first']);
    expect(argumentsOf('Conversation', 'messages')).toEqual(['after', 'first']);
    for (const [type, field] of [['Query', 'tracks'], ['Query', 'artists'], ['Query', 'filters'], ['Query', 'search'], ['Query', 'contacts'], ['Artist', 'tracks']]) {
      expect(argumentsOf(type!, field!), `${type}.${field}`).toEqual(expect.arrayContaining(['after', 'before', 'first', 'last']));
    }
  });

  it('refuses first with last on every connection, each field alone, before any upstream call', async () => {
    const hoopai = sandboxControl(harness.gateway.sandboxes.hoopai!.url);
    await hoopai.reset();
    const body = await harness.ask(`{
      viewer { name }
      tracks(first: 5, last: 5) { totalCount }
      artists(first: 5, last: 5) { totalCount }
      filters(first: 5, last: 5) { totalCount }
      search(query: "drive", first: 5, last: 5) { totalCount }
      contacts(locationId: "${LOCATION_ID}", first: 5, last: 5) { totalCount }
    }`);
    expect(body.data).toEqual({ viewer: { name: 'sandbox developer' }, tracks: null, artists: null, filters: null, search: null, contacts: null });
    expect(codes(body)).toEqual(Array(5).fill('BAD_USER_INPUT'));
    expect(body.errors?.[0]?.message).toBe('Pass `first` or `last`, not both: `first` pages forwards (with `after`), `last` backwards (with `before`).');
    const { requests } = await harness.control.stats();
    expect(Object.keys(requests).filter((route) => route.startsWith('GET /v1/'))).toEqual([]);
    expect(await hoopai.requests('POST /contacts/search')).toBe(0);

    const nested = await harness.ask('{ artists(first: 1) { edges { node { tracks(first: 2, last: 1) { totalCount } } } } }');
    expect(nested.data).toEqual({ artists: { edges: [{ node: { tracks: null } }] } });
    expect(codes(nested)).toEqual(['BAD_USER_INPUT']);
    expect(await harness.control.requests('GET /v1/tracks')).toBe(0);
  });

  it('pages filters and search backwards from a cursor, as forwards paging placed them', async () => {
    const lists = [
      ['filters', '', '... on Filter { rawId }'],
      ['search', 'query: "a", ', '... on Track { rawId } ... on Artist { rawId }'],
    ] as const;
    for (const [field, args, node] of lists) {
      const select = `{ totalCount pageInfo { hasPreviousPage hasNextPage } edges { cursor node { __typename ${node} } } }`;
      const forwards = await harness.ask(`{ page: ${field}(${args}first: 12) ${select} }`);
      const edges = forwards.data.page.edges as { cursor: string; node: unknown }[];
      expect(edges, field).toHaveLength(12);
      const backwards = await harness.ask(`query($before: String!) { page: ${field}(${args}last: 5, before: $before) ${select} }`, {
        before: edges[11]!.cursor,
      });
      expect(backwards.errors, field).toBeUndefined();
      expect(backwards.data.page.edges, field).toEqual(edges.slice(6, 11));
      expect(backwards.data.page.pageInfo, field).toEqual({ hasPreviousPage: true, hasNextPage: true });
      expect(backwards.data.page.totalCount, field).toBe(forwards.data.page.totalCount);
    }
  });
});
