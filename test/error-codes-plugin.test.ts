import { GraphQLError, type ValidationRule } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useErrorCodes } from '../src/server/plugins/use-error-codes';
import { useCatalogGateway } from './helpers/catalog-gateway';

/**
 * Every error that reaches `errors` has an `extensions.code`: useErrorCodes names the ones
 * GraphQL raises itself, by phase, and keeps every code an error already has.
 */

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    enum Color { RED BLUE }
    type Query {
      paint(color: Color!): String
      broken: String
      uncoded: String
      coded: String
      tooBig: Int
    }
  `,
  resolvers: {
    Query: {
      paint: (_: unknown, { color }: { color: string }) => color,
      broken: () => {
        throw new Error('db password is hunter2');
      },
      uncoded: () => {
        throw new GraphQLError('Something without a code.');
      },
      coded: () => {
        throw new GraphQLError('Not for you.', { extensions: { code: 'FORBIDDEN' } });
      },
      tooBig: () => 2 ** 40,
    },
  },
});

/** Refuses documents the way other engineers' limits do: with codes of their own, at parse and validate time. */
const TOO_DEEP = 'tooDeep';
const useLimits: Plugin = {
  onParse({ params, setParseFn }) {
    if (params.source.toString().includes('#too-many-tokens')) {
      setParseFn(() => {
        throw new GraphQLError('Too many tokens.', { extensions: { code: 'QUERY_TOO_COMPLEX' } });
      });
    }
  },
  onValidate({ addValidationRule }) {
    const rule: ValidationRule = (context) => ({
      OperationDefinition(node) {
        if (node.name?.value === TOO_DEEP) context.reportError(new GraphQLError('Too deep.', { nodes: [node], extensions: { code: 'QUERY_TOO_COMPLEX' } }));
      },
    });
    addValidationRule(rule);
  },
};

const yoga = createYoga({ schema, maskedErrors: true, logging: false, plugins: [useErrorCodes(), useLimits] });

async function answer(query: string, variables?: Record<string, unknown>, accept = 'application/graphql-response+json') {
  const response = await yoga.fetch('http://error-codes.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: response.status, body, codes: body.errors?.map((error) => error.extensions?.code) };
}

describe('useErrorCodes', () => {
  it('names parse and validation failures', async () => {
    expect(await answer('{ paint(')).toMatchObject({ status: 400, codes: ['GRAPHQL_PARSE_FAILED'] });
    expect(await answer('{ nothing }')).toMatchObject({ status: 400, codes: ['GRAPHQL_VALIDATION_FAILED'] });
  });

  it('answers variables that do not fit the document as BAD_USER_INPUT, like the other request errors', async () => {
    const paint = 'query Paint($color: Color!) { paint(color: $color) }';
    const badEnum = await answer(paint, { color: 'GREEN' });
    expect(badEnum).toMatchObject({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(badEnum.body.errors?.[0]?.message).toMatch(/Value "GREEN" does not exist in "Color" enum/);
    expect(badEnum.body).not.toHaveProperty('data');
    expect(await answer(paint, {})).toMatchObject({ status: 400, codes: ['BAD_USER_INPUT'] });
    // Yoga names a document whose operation cannot be chosen itself.
    expect(await answer(`${paint} query Other { broken }`)).toMatchObject({ status: 400, codes: ['OPERATION_RESOLUTION_FAILURE'] });
    // Under plain application/json every request error is HTTP 200, as GraphQL over HTTP says.
    expect(await answer(paint, { color: 'GREEN' }, 'application/json')).toMatchObject({ status: 200, codes: ['BAD_USER_INPUT'] });
    expect(await answer('{ nothing }', undefined, 'application/json')).toMatchObject({ status: 200, codes: ['GRAPHQL_VALIDATION_FAILED'] });
  });

  it('names every execution error without a code INTERNAL_SERVER_ERROR, and masks what yoga masks', async () => {
    const { status, body, codes } = await answer('{ paint(color: RED) broken uncoded tooBig }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ paint: 'RED', broken: null, uncoded: null, tooBig: null });
    expect(codes).toEqual(['INTERNAL_SERVER_ERROR', 'INTERNAL_SERVER_ERROR', 'INTERNAL_SERVER_ERROR']);
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('keeps the code an error already has, in every phase', async () => {
    expect(await answer('{ coded }')).toMatchObject({ status: 200, codes: ['FORBIDDEN'] });
    expect((await answer('{ paint(color: RED) } #too-many-tokens')).codes).toEqual(['QUERY_TOO_COMPLEX']);
    expect((await answer(`query ${TOO_DEEP} { paint(color: RED) }`)).codes).toEqual(['QUERY_TOO_COMPLEX']);
  });
});

describe('the gateway', () => {
  const harness = useCatalogGateway();

  it('answers a bad enum value in a variable with BAD_USER_INPUT, before any upstream call', async () => {
    const body = await harness.ask('query($type: TrackType) { tracks(first: 1, filter: { type: $type }) { totalCount } }', { type: 'JINGLE' });
    expect(body).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', requestId: expect.any(String) } })] });
    expect(await harness.control.requests('GET /v1/tracks')).toBe(0);
  });
});
