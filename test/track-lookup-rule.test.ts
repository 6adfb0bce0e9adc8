import { parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import { TrackLookupRule } from '../src/schema/catalog/track-lookup-rule';
import { encodeGlobalId } from '../src/schema/global-id';
import { schema } from '../src/schema/index';
import { graphql } from './helpers/gateway';
import { useCatalogGateway } from './helpers/catalog-gateway';

/** `track(id: ID, slug: String)` takes exactly one argument that cannot be null, and a document must show it. */

const ID = encodeGlobalId('Track', 'x');

/** The messages of the rule's errors (graphql-js's own rules must pass). */
function refusals(document: string): string[] {
  const errors = validate(schema, parse(document), [...specifiedRules, TrackLookupRule]);
  for (const error of errors) expect(error.extensions.code, error.message).toBe('GRAPHQL_VALIDATION_FAILED');
  return errors.map((error) => error.message);
}

describe('TrackLookupRule', () => {
  it('accepts exactly one lookup argument, as a literal or a non-null variable, also inside fragments', () => {
    const valid = [
      '{ track(slug: "midnight-drive") { id } }',
      `{ byId: track(id: "${ID}") { id } bySlug: track(slug: "x") { id } }`,
      'query($slug: String!) { track(slug: $slug) { id } }',
      'query($slug: String! = "midnight-drive") { track(slug: $slug) { id } }',
      'query($id: ID!) { track(id: $id) { id } }',
      'query($slug: String!) { ...Lookup } fragment Lookup on Query { track(slug: $slug) { id } }',
      // Other fields are not lookups, whatever their arguments are called.
      'query($location: ID, $id: ID!) { contacts(locationId: $location) { totalCount } artist(id: $id) { id } node(id: "y") { id } }',
    ];
    for (const document of valid) expect(refusals(document), document).toEqual([]);
  });

  it('refuses neither, both, a literal null and a nullable variable, saying what to write', () => {
    expect(refusals('{ track { id } }')).toEqual([
      '`track` needs one of `id` and `slug`; write `track(id: $id)` with `$id: ID!`, or `track(slug: $slug)` with `$slug: String!`.',
    ]);
    expect(refusals(`{ track(id: "${ID}", slug: "x") { id } }`)).toEqual([
      '`track` takes one of `id` and `slug`, not both; keep one: `track(id: $id)` with `$id: ID!`, or `track(slug: $slug)` with `$slug: String!`.',
    ]);
    expect(refusals('{ track(slug: null) { id } }')).toEqual([
      '`track(slug: null)` names no track; write `track(id: $id)` with `$id: ID!`, or `track(slug: $slug)` with `$slug: String!`.',
    ]);
    expect(refusals('query($slug: String) { track(slug: $slug) { id } }')).toEqual([
      '`$slug` may be null, and `track(slug:)` needs a value: declare it `$slug: String!`.',
    ]);
    // A default does not help: a client may still send null.
    expect(refusals('query($id: ID = "x") { track(id: $id) { id } }')).toEqual(['`$id` may be null, and `track(id:)` needs a value: declare it `$id: ID!`.']);
    expect(refusals('query Q($s: String) { ...Lookup } fragment Lookup on Query { track(slug: $s) { id } }')).toEqual([
      '`$s` may be null, and `track(slug:)` needs a value: declare it `$s: String!`.',
    ]);
    expect(refusals('query($id: ID, $slug: String) { track(id: $id, slug: $slug) { id } }')).toHaveLength(3);
  });
});

describe('the gateway', () => {
  const harness = useCatalogGateway();

  it('refuses a track lookup that could be empty before anything runs, and answers one that cannot', async () => {
    const refused = await graphql(harness.gateway.graphqlUrl, 'query($slug: String) { viewer { name } track(slug: $slug) { id } }', {
      variables: { slug: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      errors: [expect.objectContaining({ message: expect.stringMatching(/declare it `\$slug: String!`/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: expect.any(String) } })],
    });
    expect(await harness.control.requests('GET /v1/search')).toBe(0);

    const slug = seedCatalog().tracks[0]!.slug;
    const answered = await harness.ask('query($slug: String!) { track(slug: $slug) { slug } }', { slug });
    expect(answered).toEqual({ data: { track: { slug } }, extensions: { cost: expect.objectContaining({ estimatedCalls: 1, calls: 1 }) } });
  });
});
