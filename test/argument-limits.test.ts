import { describe, expect, it } from 'vitest';
import {
  MAX_CONTACT_QUERY_LENGTH,
  MAX_FILTER_SLUGS,
  MAX_FILTER_TAGS,
  MAX_FILTER_TEXT_LENGTH,
  MAX_LOCATION_ID_LENGTH,
  MAX_NODE_IDS,
  MAX_SEARCH_QUERY_LENGTH,
  MAX_SLUG_LENGTH,
  MAX_TAG_LENGTH,
} from '../src/schema/argument-limits';
import { MAX_ATTACHMENTS, MAX_URL_LENGTH } from '../src/schema/crm/mutations/validation';
import { encodeGlobalId } from '../src/schema/global-id';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { useSandboxGateway } from './helpers/sandbox-gateway';

/**
 * Every capped argument, over real sockets: past its cap it is BAD_USER_INPUT naming the
 * argument and the cap, and neither upstream sees a single call; at its cap it goes through.
 */

const harness = useSandboxGateway();
const location = SANDBOX_LOCATIONS[0]!.id;

interface Refusal {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** `extensions.argument`, and `extensions.limit` when the cap is a number the message names. */
  argument: string;
  limit?: number;
}

const text = (length: number, unit = 'a') => unit.repeat(length);
const fakeTrackIds = (count: number) =>
  Array.from({ length: count }, (_, index) => encodeGlobalId('Track', `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`));

const contacts = `query($query: String, $filter: ContactFilter, $locationId: ID) {
  contacts(locationId: $locationId, query: $query, filter: $filter, first: 1) { totalCount } }`;
const search = 'query($query: String!) { search(query: $query, first: 1) { totalCount } }';
const trackBySlug = 'query($slug: String!) { track(slug: $slug) { id } }';
const tracks = 'query($filter: TrackFilter) { tracks(first: 1, filter: $filter) { totalCount } }';

const refusals: Refusal[] = [
  { name: 'a search query one past its cap', query: search, variables: { query: text(MAX_SEARCH_QUERY_LENGTH + 1) }, argument: 'query', limit: MAX_SEARCH_QUERY_LENGTH },
  { name: 'a 50 KB search query', query: search, variables: { query: text(50_000) }, argument: 'query', limit: MAX_SEARCH_QUERY_LENGTH },
  { name: 'two slugs in one (comma)', query: trackBySlug, variables: { slug: 'midnight-drive,neon-skyline' }, argument: 'slug' },
  { name: 'a slug with upper case', query: trackBySlug, variables: { slug: 'Midnight-Drive' }, argument: 'slug' },
  { name: 'a slug with a double hyphen', query: trackBySlug, variables: { slug: 'midnight--drive' }, argument: 'slug' },
  { name: 'a slug with a space', query: trackBySlug, variables: { slug: 'midnight drive' }, argument: 'slug' },
  { name: 'an empty slug', query: trackBySlug, variables: { slug: '' }, argument: 'slug' },
  { name: 'a slug past its cap', query: trackBySlug, variables: { slug: text(MAX_SLUG_LENGTH + 1) }, argument: 'slug', limit: MAX_SLUG_LENGTH },
  { name: 'filterSlugs ["a,b"]', query: tracks, variables: { filter: { filterSlugs: ['pop', 'dark,pop'] } }, argument: 'filter.filterSlugs[1]' },
  {
    name: 'more filterSlugs than the cap',
    query: tracks,
    variables: { filter: { filterSlugs: Array.from({ length: MAX_FILTER_SLUGS + 1 }, (_, index) => `slug-${index}`) } },
    argument: 'filter.filterSlugs',
    limit: MAX_FILTER_SLUGS,
  },
  { name: 'more node ids than the cap', query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: fakeTrackIds(MAX_NODE_IDS + 1) }, argument: 'ids', limit: MAX_NODE_IDS },
  {
    name: 'a contacts query one past its cap',
    query: contacts,
    variables: { locationId: location, query: text(MAX_CONTACT_QUERY_LENGTH + 1) },
    argument: 'query',
    limit: MAX_CONTACT_QUERY_LENGTH,
  },
  {
    name: 'more filter tags than the cap',
    query: contacts,
    variables: { locationId: location, filter: { tags: Array.from({ length: MAX_FILTER_TAGS + 1 }, (_, index) => `tag-${index}`) } },
    argument: 'filter.tags',
    limit: MAX_FILTER_TAGS,
  },
  { name: 'a filter tag past its cap', query: contacts, variables: { locationId: location, filter: { tags: ['vip', text(MAX_TAG_LENGTH + 1)] } }, argument: 'filter.tags[1]', limit: MAX_TAG_LENGTH },
  { name: 'a blank filter tag', query: contacts, variables: { locationId: location, filter: { tags: ['  '] } }, argument: 'filter.tags[0]', limit: MAX_TAG_LENGTH },
  ...(['email', 'phone', 'companyName', 'assignedTo', 'source'] as const).map((field) => ({
    name: `a filter ${field} past its cap`,
    query: contacts,
    variables: { locationId: location, filter: { [field]: text(MAX_FILTER_TEXT_LENGTH + 1) } },
    argument: `filter.${field}`,
    limit: MAX_FILTER_TEXT_LENGTH,
  })),
  { name: 'a locationId past its cap', query: contacts, variables: { locationId: text(50_000) }, argument: 'locationId', limit: MAX_LOCATION_ID_LENGTH },
];

describe('capped arguments', () => {
  it.each(refusals)('refuses $name with BAD_USER_INPUT and no upstream call', async ({ query, variables, argument, limit }) => {
    const body = await harness.ask(query, variables);
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument, ...(limit === undefined ? {} : { limit }) });
    expect(error!.message).toContain(`\`${argument}\``);
    if (limit !== undefined) expect(error!.message).toContain(String(limit));
    // The refusal never echoes the oversized value back.
    expect(JSON.stringify(body).length).toBeLessThan(2_000);
    expect(await harness.upstreamCalls()).toEqual({ hoopr: 0, hoopai: 0 });
  });

  it('lets every argument through at its cap', async () => {
    const atCap = await harness.ask(
      `query($search: String!, $slug: String!, $slugs: [String!], $query: String, $filter: ContactFilter) {
        search(query: $search, first: 1) { totalCount }
        track(slug: $slug) { id }
        tracks(first: 1, filter: { filterSlugs: $slugs }) { totalCount }
        contacts(locationId: "${location}", query: $query, filter: $filter, first: 1) { totalCount }
      }`,
      {
        search: text(MAX_SEARCH_QUERY_LENGTH),
        slug: text(MAX_SLUG_LENGTH),
        slugs: Array.from({ length: MAX_FILTER_SLUGS }, (_, index) => `slug-${index}`),
        query: text(MAX_CONTACT_QUERY_LENGTH),
        filter: { tags: Array.from({ length: MAX_FILTER_TAGS }, () => text(MAX_TAG_LENGTH)), companyName: text(MAX_FILTER_TEXT_LENGTH) },
      },
    );
    expect(atCap.errors).toBeUndefined();
    expect(atCap.data).toEqual({ search: { totalCount: 0 }, track: null, tracks: { totalCount: 0 }, contacts: { totalCount: 0 } });
    const hoopr = await harness.hoopr.stats();
    expect(hoopr.requests['GET /v1/search']).toBe(2);
    expect(hoopr.requests['GET /v1/tracks']).toBe(1);
    expect(await harness.hoopai.requests('POST /contacts/search')).toBe(1);
  });

  it('refuses an overlong global id or cursor before decoding it, with no upstream call', async () => {
    const longId = encodeGlobalId('Track', text(2_000));
    const node = await harness.ask('query($id: ID!) { node(id: $id) { id } }', { id: longId });
    expect(node.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const cursor = await harness.ask('query($after: String) { tracks(first: 1, after: $after) { totalCount } }', { after: text(3_000, 'A') });
    expect(cursor.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(await harness.upstreamCalls()).toEqual({ hoopr: 0, hoopai: 0 });
  });
});

describe('nodes(ids:)', () => {
  it(`takes ${MAX_NODE_IDS} ids; ids Hoopr does not have are remembered, so asking again costs nothing`, async () => {
    const ids = fakeTrackIds(MAX_NODE_IDS);
    const first = await harness.ask('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(first.errors).toBeUndefined();
    expect(first.data.nodes).toEqual(ids.map(() => null));
    expect(await harness.hoopr.requests('GET /v1/tracks/:id')).toBe(MAX_NODE_IDS);

    const again = await harness.ask('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(again.data.nodes).toEqual(ids.map(() => null));
    expect(await harness.hoopr.requests('GET /v1/tracks/:id')).toBe(MAX_NODE_IDS);
  });
});

describe('mutation inputs', () => {
  it('refuses an overlong email and too many or overlong attachments, field by field, with no upstream call', async () => {
    const created = await harness.ask(
      `mutation($input: CreateContactInput!) { createContact(input: $input) {
        __typename ... on InputValidationError { fields { field message } } } }`,
      { input: { locationId: location, firstName: 'Long', email: `${text(250)}@example.com` } },
    );
    expect(created.data.createContact).toEqual({
      __typename: 'InputValidationError',
      fields: [{ field: 'input.email', message: 'must be at most 254 characters' }],
    });
    const sent = await harness.ask(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) {
        __typename ... on InputValidationError { fields { field message } } } }`,
      {
        input: {
          contactId: encodeGlobalId('Contact', `${location}:someone`),
          channel: 'SMS',
          message: 'Files',
          attachments: [`https://files.example.com/${text(MAX_URL_LENGTH)}`, ...Array.from({ length: MAX_ATTACHMENTS }, () => 'https://files.example.com/a.pdf')],
        },
      },
    );
    expect(sent.data.sendMessage).toEqual({
      __typename: 'InputValidationError',
      fields: [
        { field: 'input.attachments', message: `must list at most ${MAX_ATTACHMENTS} URLs` },
        { field: 'input.attachments.0', message: `must be at most ${MAX_URL_LENGTH} characters` },
      ],
    });
    expect(await harness.upstreamCalls()).toEqual({ hoopr: 0, hoopai: 0 });
  });
});
