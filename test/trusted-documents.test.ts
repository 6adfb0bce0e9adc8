import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import codegenConfig from '../codegen';
import { SCOPES } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { seedCatalog } from '../src/sandbox/hoopr/catalog/seed';
import { startHooprSandbox, type RunningHooprSandbox } from '../src/sandbox/hoopr/index';
import { startGateway, type RunningGateway } from '../src/server/start';
import { sharedSandboxEnv } from './helpers/shared-sandbox-env';
import { captureLogger } from './helpers/upstream-log-capture';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/**
 * Trusted documents over real sockets. The manifest is the one codegen.ts generates from
 * examples/operations (generated in memory here, so this file never races codegen.test.ts
 * over examples/generated/), plus one document the schema rejects. Two gateways share one
 * pair of sandboxes: `only` (TRUSTED_DOCUMENTS_ONLY=on) and `open` (the manifest, off).
 * Every refusal must cost zero upstream calls: the sandboxes' counters are compared.
 */

const LOCATION_ID = SANDBOX_LOCATIONS[0]!.id;
const APP_KEY = 'trusted-documents-app-key';
const EXPLORER_KEY = 'trusted-documents-explorer-key';
const seedTrack = seedCatalog().tracks[2]!;
/** Valid GraphQL, hashed correctly, but not valid against the schema. */
const INVALID_DOCUMENT = 'query NoSuchField { noSuchField }';

let hoopr: RunningHooprSandbox;
let hoopai: RunningHoopaiSandbox;
let only: RunningGateway;
let open: RunningGateway;
let manifestDir: string;
/** Id → text, as codegen wrote it. */
let manifest: Record<string, string>;

const sha256Id = (text: string) => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
const keyEntry = (name: string, key: string, extra: Record<string, unknown> = {}) => ({
  name,
  sha256: createHash('sha256').update(key).digest('hex'),
  scopes: [...SCOPES],
  locations: [LOCATION_ID],
  ...extra,
});

function gatewayEnv(trustedDocuments: Record<string, string>): Record<string, string> {
  return {
    ...sharedSandboxEnv({ hooprUrl: hoopr.url, hoopaiUrl: hoopai.url }),
    API_KEYS: JSON.stringify([keyEntry('app', APP_KEY), keyEntry('explorer', EXPLORER_KEY, { freeFormQueries: true })]),
    ...trustedDocuments,
  };
}

beforeAll(async () => {
  const outputs = await generate({ ...codegenConfig, silent: true }, false);
  const written = outputs.find((output: { filename: string }) => output.filename.endsWith('persisted-documents.json'));
  if (!written) throw new Error('codegen.ts wrote no persisted-documents.json');
  manifest = JSON.parse(written.content) as Record<string, string>;
  manifestDir = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
  const manifestPath = join(manifestDir, 'persisted-documents.json');
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, [sha256Id(INVALID_DOCUMENT)]: INVALID_DOCUMENT }));

  hoopr = await startHooprSandbox({ port: 0, host: '127.0.0.1' });
  hoopai = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  const silent = captureLogger('silent').logger;
  only = await startGateway(loadConfig(gatewayEnv({ TRUSTED_DOCUMENTS_PATH: manifestPath, TRUSTED_DOCUMENTS_ONLY: 'on' })), silent);
  open = await startGateway(loadConfig(gatewayEnv({ TRUSTED_DOCUMENTS_PATH: manifestPath })), silent);
}, 120_000);

afterAll(async () => {
  await Promise.all([only?.close(1_000), open?.close(1_000)]);
  await Promise.all([hoopr?.close(), hoopai?.close()]);
  if (manifestDir) rmSync(manifestDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** One POST of a raw GraphQL-over-HTTP body. */
async function post(gateway: RunningGateway, body: unknown, key: string | null = APP_KEY): Promise<Answer> {
  const response = await fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function get(gateway: RunningGateway, parameters: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${gateway.graphqlUrl}?${new URLSearchParams(parameters)}`, {
    headers: { accept: 'application/graphql-response+json', authorization: `Bearer ${APP_KEY}` },
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** Every request either sandbox has served so far. */
async function upstreamCalls(): Promise<number> {
  const stats = await Promise.all([sandboxControl(hoopr.url).stats(), sandboxControl(hoopai.url).stats()]);
  return stats.flatMap((stat) => Object.values(stat.requests)).reduce((sum, n) => sum + n, 0);
}

/** `answer` is a request error with exactly this code, and asking cost no upstream call. */
async function expectRefused(ask: () => Promise<Answer>, code: string): Promise<Answer> {
  const before = await upstreamCalls();
  const answer = await ask();
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual([code]);
  expect(await upstreamCalls()).toBe(before);
  return answer;
}

const operations = () =>
  Object.entries(manifest).map(([id, text]) => {
    const definition = parse(text).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    return { id, text, name: definition.name!.value, kind: definition.operation };
  });
const idOf = (name: string) => operations().find((operation) => operation.name === name)!.id;

/** Signed stream URLs carry the signing second; everything else must match. */
const comparable = (answer: Answer) =>
  JSON.parse(JSON.stringify(answer.body).replace(/"url":"[^"]*X-Goog-Signature[^"]*"/g, '"url":"<signed>"').replace(/"expiresAt":"[^"]*"/g, '"expiresAt":"<t>"'));

describe('a gateway that accepts only trusted documents', () => {
  it('answers every example query by id exactly as the open gateway answers its text', async () => {
    const queries = operations().filter((operation) => operation.kind === 'query');
    expect(queries.length).toBeGreaterThanOrEqual(5);
    for (const { id, text, name } of queries) {
      const variables = name === 'TrackDetail' ? { slug: seedTrack.slug } : {};
      const byId = await post(only, { documentId: id, variables });
      expect(byId.status, name).toBe(200);
      expect(byId.body.errors, name).toBeUndefined();
      expect(comparable(byId), name).toEqual(comparable(await post(open, { query: text, variables })));
    }
  });

  it('runs the example mutations by id', async () => {
    const ids = await post(only, { query: '{ contacts(first: 1) { edges { node { id } } } tracks(first: 1) { edges { node { id } } } }' }, EXPLORER_KEY);
    const first = (field: string) => (ids.body.data![field] as { edges: { node: { id: string } }[] }).edges[0]!.node.id;
    const contactId = first('contacts');
    const sent = await post(only, { documentId: idOf('SendMessage'), variables: { contactId, message: 'sent by id' } });
    expect(sent.body).toMatchObject({ data: { sendMessage: { __typename: 'SendMessagePayload' } } });
    const shared = await post(only, { documentId: idOf('ShareTrack'), variables: { contactId, trackId: first('tracks') } });
    expect(shared.body).toMatchObject({ data: { shareTrack: { __typename: 'SendMessagePayload' } } });
  });

  it('takes the id from a GET query string and from the APQ extension too', async () => {
    const viewer = { data: { viewer: { name: 'app' } } };
    expect((await get(only, { documentId: idOf('Viewer') })).body).toMatchObject(viewer);
    const apq = { persistedQuery: { version: 1, sha256Hash: idOf('Viewer').slice('sha256:'.length) } };
    expect((await post(only, { extensions: apq })).body).toMatchObject(viewer);
    // GET never runs a mutation, named by id or not (GraphQL over HTTP).
    expect((await get(only, { documentId: idOf('SendMessage'), variables: '{"contactId":"x","message":"y"}' })).status).toBe(405);
  });

  it('refuses query text with PERSISTED_DOCUMENTS_ONLY before parsing it, without an upstream call', async () => {
    const refused = await expectRefused(() => post(only, { query: '{ tracks(first: 3) { edges { node { id } } } }' }), 'PERSISTED_DOCUMENTS_ONLY');
    expect(refused.body.errors![0]!.message).toMatch(/documentId/);
    // Not even parsed: text that is not GraphQL gets the same answer, not a syntax error.
    await expectRefused(() => post(only, { query: 'this is { not GraphQL' }), 'PERSISTED_DOCUMENTS_ONLY');
    await expectRefused(() => get(only, { query: '{ viewer { name } }' }), 'PERSISTED_DOCUMENTS_ONLY');
    // Without credentials the caller check answers first (401), before the body is read.
    const anonymous = await post(only, { query: '{ viewer { name } }' }, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('lets a key with freeFormQueries send any query, which reaches the upstream', async () => {
    const before = await upstreamCalls();
    // A contact search: never cached, so it must reach HoopAI.
    const answer = await post(only, { query: '{ contacts(query: "no such contact anywhere", first: 1) { edges { cursor } } }' }, EXPLORER_KEY);
    expect(answer.body).toEqual({ data: { contacts: { edges: [] } }, extensions: { cost: expect.any(Object) } });
    expect(await upstreamCalls()).toBeGreaterThan(before);
  });

  it('refuses an unknown id with PERSISTED_DOCUMENT_NOT_FOUND, without an upstream call', async () => {
    // A real query, hashed correctly, is still unknown when the manifest does not hold it.
    const notInManifest = sha256Id('{ tracks(first: 3) { edges { node { id } } } }');
    const unknown = await expectRefused(() => post(only, { documentId: notInManifest }), 'PERSISTED_DOCUMENT_NOT_FOUND');
    expect(unknown.body.errors![0]!.message).toContain(notInManifest);
    for (const documentId of ['sha256:abc', 'md5:0cc175b9c0f1b6a831c399e269772661', 42, 'x'.repeat(10_000)]) {
      const answer = await expectRefused(() => post(only, { documentId }), 'PERSISTED_DOCUMENT_NOT_FOUND');
      expect(answer.body.errors![0]!.message.length).toBeLessThan(300);
    }
    await expectRefused(() => get(only, { documentId: notInManifest }), 'PERSISTED_DOCUMENT_NOT_FOUND');
    await expectRefused(() => post(open, { documentId: notInManifest }), 'PERSISTED_DOCUMENT_NOT_FOUND');
  });

  it('still validates a trusted document against the schema', async () => {
    const before = await upstreamCalls();
    const answer = await post(only, { documentId: sha256Id(INVALID_DOCUMENT) });
    expect(answer.body.errors?.[0]?.message).toMatch(/noSuchField/);
    expect(answer.body.data).toBeUndefined();
    expect(await upstreamCalls()).toBe(before);
  });
});

describe('a gateway with the manifest but not only-mode', () => {
  it('accepts query text from any caller, and ids', async () => {
    const text = await post(open, { query: '{ viewer { name } }' });
    expect(text.body).toEqual({ data: { viewer: { name: 'app' } }, extensions: { cost: expect.any(Object) } });
    const byId = await post(open, { documentId: idOf('Viewer') });
    expect(byId.body).toMatchObject({ data: { viewer: { name: 'app' } } });
  });

  it('answers a request with neither text nor id as yoga does, naming both', async () => {
    const answer = await post(open, { variables: {} });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toBe('Must provide query string or documentId.');
  });
});
