import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import { startHooprSandbox, type RunningHooprSandbox } from '../src/sandbox/hoopr/index';
import { startGateway, type RunningGateway } from '../src/server/start';
import { encodeGlobalId } from '../src/schema/global-id';
import { graphql, type GraphQLResponse } from './helpers/gateway';
import { withErrorsSorted } from './helpers/error-order';
import { sharedSandboxEnv } from './helpers/shared-sandbox-env';
import { captureLogger, type CapturedLogger } from './helpers/upstream-log-capture';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/**
 * Queries run as compiled code (graphql-jit); this file holds them to graphql-js. Two
 * gateways with the same configuration but COMPILED_QUERIES on and off call one pair of
 * sandboxes; every query below must get the same HTTP status and the same JSON from both,
 * data and errors alike (errors in any order: the spec gives them none). The compiled side must really have compiled it (its log says so).
 */

const KEY = 'compiled-queries-test-key';
const LOCATION_ID = SANDBOX_LOCATIONS[0]!.id;
const OTHER_LOCATION_ID = SANDBOX_LOCATIONS[1]!.id;
const catalog = seedCatalog();
const operationsDir = resolve(import.meta.dirname, '../examples/operations');

let hoopr: RunningHooprSandbox;
let hoopai: RunningHoopaiSandbox;
let compiled: RunningGateway;
let reference: RunningGateway;
let compiledLog: CapturedLogger;

function gatewayEnv(compiledQueries: 'on' | 'off'): Record<string, string> {
  return {
    ...sharedSandboxEnv({ hooprUrl: hoopr.url, hoopaiUrl: hoopai.url }),
    COMPILED_QUERIES: compiledQueries,
    // Compiled from the first run: every comparison below compares the two executors.
    COMPILE_AFTER_RUNS: '1',
    API_KEYS: JSON.stringify([
      { name: 'differential', sha256: createHash('sha256').update(KEY).digest('hex'), scopes: [...SCOPES], locations: [LOCATION_ID] },
    ]),
  };
}

beforeAll(async () => {
  hoopr = await startHooprSandbox({ port: 0, host: '127.0.0.1' });
  hoopai = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  await sandboxControl(hoopai.url).faults({ rateLimitPer10s: 1_000_000 });
  compiledLog = captureLogger('debug');
  compiled = await startGateway(loadConfig(gatewayEnv('on')), compiledLog.logger);
  reference = await startGateway(loadConfig(gatewayEnv('off')), captureLogger('silent').logger);
}, 120_000);

afterAll(async () => {
  await reference?.close(1_000);
  await compiled?.close(1_000);
  await Promise.all([hoopr?.close(), hoopai?.close()]);
});

/** Signed stream URLs carry the signing second, errors their request's id; everything else must match (errors in any order). */
function comparable(response: GraphQLResponse): unknown {
  return JSON.parse(
    JSON.stringify(withErrorsSorted(response))
      .replace(/"url":"[^"]*X-Goog-Signature[^"]*"/g, '"url":"<signed>"')
      .replace(/"expiresAt":"[^"]*"/g, '"expiresAt":"<t>"')
      .replace(/"requestId":"[^"]*"/g, '"requestId":"<id>"'),
  );
}

async function expectSameAnswer(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  const [fromCompiled, fromReference] = await Promise.all([
    graphql(compiled.graphqlUrl, query, { key: KEY, variables }),
    graphql(reference.graphqlUrl, query, { key: KEY, variables }),
  ]);
  expect(comparable(fromCompiled)).toEqual(comparable(fromReference));
  return fromCompiled;
}

function compilations(): { operationName?: string }[] {
  return compiledLog.lines().filter((line) => line.msg === 'query compiled') as { operationName?: string }[];
}

const exampleQueries = readdirSync(operationsDir)
  .filter((file) => file.endsWith('.graphql'))
  .map((file) => readFileSync(join(operationsDir, file), 'utf8'))
  .filter((text) => /^query /m.test(text));

const EXAMPLE_VARIABLES: Record<string, Record<string, unknown>> = {
  BrowseTracks: { first: 7, filter: { type: 'MUSIC' } },
  PageBackwards: { last: 6 },
  TrackDetail: { slug: catalog.tracks[3]!.slug },
  ContactSearch: { locationId: LOCATION_ID, first: 5 },
  Inbox: { locationId: LOCATION_ID, first: 4 },
  Viewer: {},
};

describe('compiled queries answer exactly as graphql-js does', () => {
  it('for every example query, compiled once however often it runs', async () => {
    expect(exampleQueries.length).toBeGreaterThanOrEqual(5);
    for (const query of exampleQueries) {
      const name = /^query (\w+)/m.exec(query)![1]!;
      const response = await expectSameAnswer(query, EXAMPLE_VARIABLES[name]);
      expect(response.body.errors, name).toBeUndefined();
      await expectSameAnswer(query, EXAMPLE_VARIABLES[name]);
      expect(compilations().filter((line) => line.operationName === name), name).toHaveLength(1);
    }
  });

  it('for nodes with good, missing, malformed and foreign ids, in order', async () => {
    const ids = [
      encodeGlobalId('Track', catalog.tracks[0]!.id),
      encodeGlobalId('Artist', catalog.artists[0]!.id),
      encodeGlobalId('Track', 'no-such-track'),
      'not-an-id',
      encodeGlobalId('Track', catalog.tracks[0]!.id),
      encodeGlobalId('Contact', `${OTHER_LOCATION_ID}:someone`),
    ];
    const response = await expectSameAnswer(
      `query Mixed($ids: [ID!]!) {
        nodes(ids: $ids) { __typename id ...TrackBits ... on Artist { name slug trackCount } }
        first: node(id: $ids_0) { id }
      }
      fragment TrackBits on Track { name slug bpm artists { role artist { id name } } filters { slug type } }`.replace('$ids_0', JSON.stringify(ids[0])),
      { ids },
    );
    expect(response.body.errors?.length).toBeGreaterThan(0);
  });

  it('for a non-null variable left to its default, and for variables graphql-js rejects', async () => {
    const withDefault = await expectSameAnswer('query Defaulted($first: Int! = 3) { tracks(first: $first) { edges { node { id name } } } }');
    expect((withDefault.body.data as { tracks: { edges: unknown[] } }).tracks.edges).toHaveLength(3);
    for (const variables of [{ first: 'three' }, { first: null }, { first: 2 ** 40 }]) {
      const rejected = await expectSameAnswer('query Defaulted($first: Int! = 3) { tracks(first: $first) { edges { node { id } } } }', variables);
      expect(rejected.body.errors?.map((error) => error.extensions?.code), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('for input objects: custom scalars, defaults, a single value for a list, variables left out inside them', async () => {
    const query = `query Filtered($since: DateTime, $email: String, $tags: [String!]) {
      literal: contacts(locationId: "${LOCATION_ID}", first: 3, filter: { dateAdded: { from: "2020-01-01T00:00:00Z" }, tags: "no-such-tag" }, sort: [{ field: DATE_ADDED }]) {
        totalCount edges { node { id dateAdded } }
      }
      byVariables: contacts(locationId: "${LOCATION_ID}", first: 3, filter: { dateAdded: { from: $since }, email: $email, tags: $tags }) {
        totalCount edges { node { id } }
      }
    }`;
    const everything = await expectSameAnswer(query, { since: '2020-01-01T00:00:00Z' });
    expect(everything.body.errors).toBeUndefined();
    await expectSameAnswer(query, { since: '2020-01-01T00:00:00Z', tags: 'vip', email: null });
    const badDate = await expectSameAnswer(query, { since: 'yesterday' });
    expect(badDate.body.errors?.length).toBeGreaterThan(0);
    expect(compilations().filter((line) => line.operationName === 'Filtered')).toHaveLength(1);
  });

  it('for bad input, a location the caller may not use, and @include and mutations (left to graphql-js)', async () => {
    const badInput = await expectSameAnswer('{ tracks(first: 500) { totalCount } track(id: "bm90IGEgdHJhY2s=") { id } }');
    expect(badInput.body.errors?.[0]?.extensions?.code).toBeDefined();
    const forbidden = await expectSameAnswer(`{ contacts(locationId: "${OTHER_LOCATION_ID}", first: 2) { totalCount } viewer { name } }`);
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await expectSameAnswer('query Maybe($more: Boolean = true) { tracks(first: 2) { edges { node { id bpm @include(if: $more) } } } }');
    const refused = await expectSameAnswer(
      'mutation Refused { sendMessage(input: {contactId: "bm9wZQ==", channel: SMS, message: "hi"}) { __typename ... on MutationError { code message } } }',
    );
    expect(refused.body.data).toBeTruthy();
    expect(compilations().filter((line) => line.operationName === 'Maybe' || line.operationName === 'Refused')).toEqual([]);
  });

  it('for upstream failures: the same nulls, paths and codes', async () => {
    const control = sandboxControl(hoopr.url);
    await control.faults({ errorRate: 1 });
    try {
      const failed = await expectSameAnswer('query Failing { tracks(first: 3) { totalCount } viewer { name } }');
      expect(failed.body.errors?.[0]?.extensions?.code).toBeDefined();
    } finally {
      await control.faults({ errorRate: 0 });
    }
  });

  it('for introspection, as GraphiQL and codegen ask it', async () => {
    const response = await expectSameAnswer(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(response.body.errors).toBeUndefined();
  });
});
