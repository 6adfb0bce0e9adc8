import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLOutputType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isScalarType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import { schema } from '../src/schema/index';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';

/**
 * The frontend workflow end to end: generate typed documents from the committed SDL and
 * examples/operations, type-check the example client against them, then run every example
 * operation through graphql-request against the sandbox gateway and check each response
 * against the shape the generated types promise (fields present, nullability, scalar and
 * enum values). schema-drift.test.ts makes sure the committed SDL is the served one.
 *
 * Codegen also writes the trusted-documents manifest; the gateway here loads it with only
 * trusted documents accepted, so the example client's calls go by document id (the
 * development key may still send free-form text, as in GraphiQL).
 */

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');
const operationsDir = join(repoRoot, 'examples/operations');
const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);
const manifestPath = join(repoRoot, 'examples/generated/persisted-documents.json');

/**
 * Variables a frontend would pass in place of the examples' sandbox defaults (which
 * example-operations.test.ts runs as written); every other operation runs with none.
 */
const seedTrack = seedCatalog().tracks[0]!;
const VARIABLES: Record<string, Record<string, unknown>> = {
  BrowseTracks: { first: 5, filter: { type: 'MUSIC' } },
  PageBackwards: { last: 5 },
  TrackDetail: { slug: seedTrack.slug },
};
const LOCATION_ID = SANDBOX_LOCATIONS[0]!.id;
VARIABLES.ContactSearch = { locationId: LOCATION_ID, first: 5 };
VARIABLES.Inbox = { locationId: LOCATION_ID, first: 5 };

interface ExampleOperation {
  file: string;
  name: string;
  definition: OperationDefinitionNode;
  fragments: Map<string, FragmentDefinitionNode>;
}

function exampleOperations(): ExampleOperation[] {
  return readdirSync(operationsDir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .flatMap((file) => {
      const document: DocumentNode = parse(readFileSync(join(operationsDir, file), 'utf8'));
      const fragments = new Map(
        document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      return document.definitions
        .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
        .map((definition) => ({ file, name: definition.name?.value ?? '', definition, fragments }));
    });
}

/**
 * Where `value` breaks the promise of `type` with `selections`: the generated TypeScript
 * types say exactly this (non-null fields present and non-null, lists are arrays, scalars
 * and enums have their JS types), so a response that passes matches them.
 */
function shapeProblems(
  type: GraphQLOutputType,
  value: unknown,
  selections: SelectionSetNode | undefined,
  path: string,
  fragments: Map<string, FragmentDefinitionNode>,
): string[] {
  if (value === undefined) return [`${path}: missing`];
  if (isNonNullType(type)) {
    return value === null ? [`${path}: null, but the type is ${String(type)}`] : shapeProblems(type.ofType, value, selections, path, fragments);
  }
  if (value === null) return [];
  if (isListType(type)) {
    if (!Array.isArray(value)) return [`${path}: not a list`];
    return value.flatMap((item, i) => shapeProblems(type.ofType, item, selections, `${path}[${i}]`, fragments));
  }
  if (isEnumType(type)) {
    return type.getValue(String(value)) ? [] : [`${path}: ${JSON.stringify(value)} is not a ${type.name} value`];
  }
  if (isScalarType(type)) return scalarProblems(type.name, value, path);
  if (typeof value !== 'object' || !selections) return [`${path}: not an object`];
  const record = value as Record<string, unknown>;
  const typename = record.__typename;
  const runtimeType = isAbstractType(type) && typeof typename === 'string' ? schema.getType(typename) : type;
  const problems: string[] = [];
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (selection.name.value === '__typename') {
          if (typeof record[key] !== 'string') problems.push(`${path}.${key}: not a type name`);
          continue;
        }
        const field = (isObjectType(runtimeType) || isInterfaceType(runtimeType)) && runtimeType.getFields()[selection.name.value];
        if (!field) {
          problems.push(`${path}.${key}: not a field of ${String(runtimeType)} (select __typename on abstract types)`);
          continue;
        }
        problems.push(...shapeProblems(field.type, record[key], selection.selectionSet, `${path}.${key}`, fragments));
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      const condition = fragment?.typeCondition?.name.value;
      if (fragment && (!condition || condition === runtimeType?.name || condition === getNamedType(type).name)) {
        visit(fragment.selectionSet);
      }
    }
  };
  visit(selections);
  return problems;
}

function scalarProblems(scalar: string, value: unknown, path: string): string[] {
  const ok = {
    Int: () => Number.isInteger(value),
    Float: () => typeof value === 'number',
    String: () => typeof value === 'string',
    ID: () => typeof value === 'string',
    Boolean: () => typeof value === 'boolean',
    DateTime: () => typeof value === 'string' && !Number.isNaN(Date.parse(value)),
  }[scalar];
  return !ok || ok() ? [] : [`${path}: ${JSON.stringify(value)} is not a ${scalar}`];
}

let gateway: RunningGateway;
let client: import('graphql-request').GraphQLClient;
let generated: Record<string, unknown>;

/** examples/client/catalog.ts as this test uses it (its own types come from codegen output). */
interface ExampleCatalogClient {
  whoAmI(client: unknown): Promise<{ name: string; locationIds: string[] }>;
  collectTracks(client: unknown, options: { limit: number; pageSize?: number }): Promise<{ id: string }[]>;
  playerFor(client: unknown, slug: string): Promise<{ title: string; streamUrl: string; playableUntil: Date } | null>;
}

/** A computed path: the main typecheck must not depend on files that only codegen writes. */
const importExample = <T>(relativePath: string): Promise<T> =>
  import(/* @vite-ignore */ pathToFileURL(join(repoRoot, relativePath)).href) as Promise<T>;

beforeAll(async () => {
  await run(bin('graphql-codegen'), ['--config', 'codegen.ts', '--silent'], { cwd: repoRoot });
  generated = await importExample<Record<string, unknown>>('examples/generated/graphql.ts');
  gateway = await startSandboxGateway({ TRUSTED_DOCUMENTS_PATH: manifestPath, TRUSTED_DOCUMENTS_ONLY: 'on' });
  const { hoopClient } = await import('../examples/client/hoop-client');
  client = hoopClient(gateway.graphqlUrl, 'sandbox-dev-key');
  // The write examples get ids looked up as a frontend would, not their sandbox defaults.
  const ids = await client.request<{
    contacts: { edges: { node: { id: string } }[] };
    tracks: { edges: { node: { id: string } }[] };
  }>(`query ($locationId: ID) { contacts(locationId: $locationId, first: 1) { edges { node { id } } } tracks(first: 1) { edges { node { id } } } }`, {
    locationId: LOCATION_ID,
  });
  const contactId = ids.contacts.edges[0]!.node.id;
  VARIABLES.SendMessage = { contactId, message: 'Hello from the codegen example test' };
  VARIABLES.ShareTrack = { contactId, trackId: ids.tracks.edges[0]!.node.id };
}, 120_000);
afterAll(async () => {
  await gateway?.close(1_000);
});

describe('codegen and the example client', () => {
  it('generates a typed document for every example operation', () => {
    const operations = exampleOperations();
    expect(operations.length).toBeGreaterThan(0);
    const missing = operations.filter((op) => !op.name || !generated[`${op.name}Document`]);
    expect(missing.map((op) => op.file)).toEqual([]);
  });

  it('type-checks the example client against the generated documents', async () => {
    const result = await run(bin('tsc'), ['-p', 'examples/tsconfig.json'], { cwd: repoRoot }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ failed: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect('failed' in result ? result.failed : '').toBe('');
  }, 60_000);

  it.each(exampleOperations().map((op) => [op.name || op.file, op] as const))(
    'runs %s through graphql-request with the shape its generated type promises',
    async (_name, operation) => {
      const document = generated[`${operation.name}Document`] as import('graphql').DocumentNode;
      const variables = VARIABLES[operation.name] ?? {};
      const data = await client.request<Record<string, unknown>>(document, variables);
      const root = operation.definition.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
      const problems = shapeProblems(root!, data, operation.definition.selectionSet, operation.name, operation.fragments);
      expect(problems).toEqual([]);
      for (const selection of operation.definition.selectionSet.selections) {
        if (selection.kind === Kind.FIELD) expect(data).toHaveProperty(selection.alias?.value ?? selection.name.value);
      }
    },
  );

  it('the example client pages, plays and introduces itself', async () => {
    const { collectTracks, playerFor, whoAmI } = await importExample<ExampleCatalogClient>('examples/client/catalog.ts');
    const me = await whoAmI(client);
    expect(me.locationIds).toContain(LOCATION_ID);

    const rows = await collectTracks(client, { limit: 30, pageSize: 20 });
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((row) => row.id)).size).toBe(30);

    const player = await playerFor(client, seedTrack.slug);
    expect(player?.title).toBe(seedTrack.name);
    expect(player!.playableUntil.getTime()).toBeGreaterThan(Date.now());
  });
});

describe('the trusted-documents manifest codegen writes', () => {
  const documentIdOf = (document: unknown) => (document as { __meta__?: { documentId?: string } }).__meta__?.documentId;

  it('maps the sha256 id of every generated document to its text', () => {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>;
    const operations = exampleOperations();
    expect(Object.keys(manifest)).toHaveLength(operations.length);
    for (const [id, text] of Object.entries(manifest)) {
      expect(id).toBe(`sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`);
    }
    for (const operation of operations) {
      const id = documentIdOf(generated[`${operation.name}Document`]);
      expect(id, operation.name).toMatch(/^sha256:[0-9a-f]{64}$/);
      const definitions = parse(manifest[id!]!).definitions as OperationDefinitionNode[];
      expect(definitions.map((definition) => definition.name?.value)).toEqual([operation.name]);
    }
  });

  it('the example client works by id with a key that may not send free-form queries', async () => {
    const key = `sandbox-key-${LOCATION_ID}`;
    const refused = await graphql(gateway.graphqlUrl, '{ viewer { name } }', { key });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_DOCUMENTS_ONLY']);

    const { hoopClient } = await import('../examples/client/hoop-client');
    const appClient = hoopClient(gateway.graphqlUrl, key);
    const { collectTracks, playerFor, whoAmI } = await importExample<ExampleCatalogClient>('examples/client/catalog.ts');
    expect(await whoAmI(appClient)).toEqual({ name: `sandbox key for ${LOCATION_ID}`, locationIds: [LOCATION_ID] });
    const rows = await collectTracks(appClient, { limit: 25, pageSize: 10 });
    expect(new Set(rows.map((row) => row.id)).size).toBe(25);
    expect((await playerFor(appClient, seedTrack.slug))?.title).toBe(seedTrack.name);
  });
});
