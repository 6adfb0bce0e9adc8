import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCompiledQueries } from '../src/server/plugins/use-compiled-queries';
import { useErrorCodes } from '../src/server/plugins/use-error-codes';
import { withErrorsSorted } from './helpers/error-order';

/**
 * The compiled-queries plugin on a schema built to fail in every way a resolver can: a
 * plain Error (masked: its text may hold anything), a GraphQLError with a code, a null in
 * a non-null position, a value its scalar cannot represent, a failing list item, all behind fragments and aliases. Yoga with and
 * without the plugin, each on its own socket, must answer identically (errors in any order).
 */

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    type Query {
      items(count: Int! = 3): [Item!]!
      secret: String
      coded: String
      nonNull: Item
      tooBig: Int
    }
    interface Named {
      name: String!
    }
    type Item implements Named {
      id: ID!
      name: String!
      required: String!
      maybe: String
    }
  `,
  resolvers: {
    Query: {
      items: async (_: unknown, { count }: { count: number }) => Array.from({ length: count }, (_, index) => ({ id: String(index) })),
      secret: () => {
        throw new Error('db password is hunter2');
      },
      coded: async () => {
        throw new GraphQLError('Not for you.', { extensions: { code: 'FORBIDDEN' } });
      },
      nonNull: () => ({ id: 'x' }),
      tooBig: () => 2 ** 40,
    },
    Item: {
      name: (item: { id: string }) => `item ${item.id}`,
      // Null where the schema promises a value: the error bubbles up to the nullable parent.
      required: (item: { id: string }) => (item.id === 'x' ? null : 'ok'),
      maybe: async (item: { id: string }) => {
        if (item.id === '1') throw new GraphQLError('Item 1 is broken.', { extensions: { code: 'UPSTREAM_BAD_RESPONSE' } });
        return `maybe ${item.id}`;
      },
    },
  },
});

const servers: Server[] = [];
let compiledUrl: string;
let referenceUrl: string;
const compiledOperations: (string | undefined)[] = [];

async function serve(compiled: boolean): Promise<string> {
  const yoga = createYoga({
    schema,
    maskedErrors: true,
    logging: false,
    // The gateway's order: error codes first, then (on one side) compilation.
    plugins: [useErrorCodes(), ...(compiled ? [useCompiledQueries({ compileAfterRuns: 1, onCompile: ({ operationName }) => compiledOperations.push(operationName) })] : [])],
  });
  const server = createServer(yoga);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  compiledUrl = await serve(true);
  referenceUrl = await serve(false);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function answer(url: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

async function expectSame(query: string, variables?: Record<string, unknown>) {
  const [compiled, reference] = await Promise.all([answer(compiledUrl, query, variables), answer(referenceUrl, query, variables)]);
  expect(withErrorsSorted(compiled)).toEqual(withErrorsSorted(reference));
  return compiled;
}

describe('useCompiledQueries', () => {
  it('answers failures exactly as graphql-js: masked, coded, bubbled, located', async () => {
    const { body } = await expectSame(`
      query Failures($n: Int! = 2) {
        first: items(count: $n) { ...Bits }
        secret
        coded
        nonNull { id required }
        tooBig
      }
      fragment Bits on Named { name ... on Item { id maybe } }
    `);
    expect(compiledOperations).toContain('Failures');
    const text = JSON.stringify(body);
    expect(text).not.toContain('hunter2');
    expect(text).toContain('Unexpected error.');
    expect(text).toContain('"locations"');
    for (const error of (body as { errors: { extensions?: { code?: string } }[] }).errors) expect(error.extensions?.code).toBeDefined();
  });

  it('leaves documents with @include, and bad variables, to graphql-js without compiling them', async () => {
    const before = compiledOperations.length;
    await expectSame('query Maybe($on: Boolean!) { items { id name @include(if: $on) } }', { on: false });
    await expectSame('query Bad($n: Int!) { items(count: $n) { id } }', { n: 'many' });
    expect(compiledOperations.length).toBe(before);
  });
});
