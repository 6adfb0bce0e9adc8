import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_VERSIONS, SCOPE_MISSING_BODY } from '../src/sandbox/hoopai/api-access';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { HoopaiStore } from '../src/sandbox/hoopai/data/store';
import { privateIntegrationKey, SANDBOX_COMPANY_ID, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { call, controlPost, install, stats } from './helpers/hoopai-sandbox';
import { HOOPAI_UPSTREAM_DIR, HOOPAI_UPSTREAM_MISSING, HOOPAI_UPSTREAM_MISSING_REASON } from './helpers/openapi-validator';

/**
 * The sandbox's gate against the official OpenAPI files: for every operation of
 * contacts.json, conversations.json and oauth.json the sandbox serves, the `Version` values
 * it accepts (the file's own, plus `2021-07-28`, which the docs and the SDK send everywhere)
 * and refuses, and the scope (`security`) a token must carry.
 */
if (HOOPAI_UPSTREAM_MISSING) console.warn(`sandbox-hoopai-access: ${HOOPAI_UPSTREAM_MISSING_REASON}`);
const suite = HOOPAI_UPSTREAM_MISSING ? describe.skip : describe;

const A = SANDBOX_LOCATIONS[0]!.id;
const seed = new HoopaiStore();
const contactOfA = [...seed.location(A)!.contacts.values()][0]!;
const conversationOfA = [...seed.location(A)!.conversations.values()][0]!;

interface DocumentedOperation {
  file: string;
  method: string;
  /** As the file writes it: `/contacts/{contactId}`. */
  template: string;
  versions: string[];
  scope: string;
}

function documentedOperations(): DocumentedOperation[] {
  return ['contacts', 'conversations', 'oauth'].flatMap((file) => {
    const document = JSON.parse(readFileSync(path.join(HOOPAI_UPSTREAM_DIR, `openapi/apps/${file}.json`), 'utf8')) as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema?: { enum?: string[] } }[]; security?: Record<string, string[]>[] }>>;
    };
    return Object.entries(document.paths).flatMap(([template, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) => {
        const versions = operation.parameters?.find((p) => p.in === 'header' && p.name === 'Version')?.schema?.enum ?? [];
        const scope = Object.values(operation.security?.[0] ?? {})[0]?.[0];
        return versions.length > 0 && scope ? [{ file, method: method.toUpperCase(), template, versions, scope }] : [];
      }),
    );
  });
}

/** The served path for a template, with the seed's own ids. */
function concrete(template: string): string {
  return template.replace('{contactId}', contactOfA.id).replace('{conversationId}', conversationOfA.id).replace('{locationId}', A);
}

/** The routes this sandbox serves, as the files name them. */
const SERVED = [
  'POST /contacts/search',
  'GET /contacts/search/duplicate',
  'GET /contacts/{contactId}',
  'PUT /contacts/{contactId}',
  'DELETE /contacts/{contactId}',
  'POST /contacts/upsert',
  'POST /contacts/{contactId}/tags',
  'DELETE /contacts/{contactId}/tags',
  'POST /contacts/',
  'GET /contacts/',
  'GET /conversations/search',
  'GET /conversations/{conversationId}',
  'PUT /conversations/{conversationId}',
  'GET /conversations/{conversationId}/messages',
  'POST /conversations/messages',
  'POST /oauth/locationToken',
];

suite('the HoopAI sandbox gate against the OpenAPI files', () => {
  let sandbox: RunningHoopaiSandbox;
  let operations: DocumentedOperation[];
  beforeAll(async () => {
    sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
    operations = documentedOperations().filter((op) => SERVED.includes(`${op.method} ${op.template}`));
  });
  afterAll(() => sandbox.close());
  beforeEach(() => controlPost(sandbox.url, '/__sandbox/reset'));

  /** One request past the gate's concern: the handler may still refuse the (empty) body. */
  async function send(op: DocumentedOperation, token: string, version: string | null) {
    const json = op.template === '/oauth/locationToken' || op.method === 'GET' ? undefined : {};
    const form = op.template === '/oauth/locationToken' ? { companyId: SANDBOX_COMPANY_ID, locationId: A } : undefined;
    return call(sandbox.url, op.method, concrete(op.template), { token, version, json, form, query: { locationId: A } });
  }

  /** A token of the right kind (agency for the agency-only route) granted exactly `scope`. */
  async function tokenWith(op: DocumentedOperation, scope: string): Promise<string> {
    const consent: Record<string, string> = op.template === '/oauth/locationToken' ? { user_type: 'Company', scope } : { locationId: A, scope };
    return (await install(sandbox.url, consent)).access_token;
  }

  it('serves every route it is meant to, each documented with a Version and a scope', () => {
    expect(operations.map((op) => `${op.method} ${op.template}`).sort()).toEqual([...SERVED].sort());
  });

  it('accepts exactly the documented Version values per family, and refuses any other or none with a 400', async () => {
    for (const op of operations) {
      const family = op.file as keyof typeof API_VERSIONS;
      const token = op.template === '/oauth/locationToken' ? (await install(sandbox.url, { user_type: 'Company' })).access_token : privateIntegrationKey(A);
      const accepted = new Set([...op.versions, '2021-07-28']);
      expect([...API_VERSIONS[family]].sort(), `${op.method} ${op.template}`).toEqual([...accepted].sort());
      for (const version of accepted) {
        const answer = await send(op, token, version);
        expect(answer.status === 400 && /version/i.test(String(answer.body?.message)), `${op.method} ${op.template} with ${version}`).toBe(false);
      }
      for (const version of ['2021-04-15', '2023-02-21', 'v3', 'latest'].filter((v) => !accepted.has(v))) {
        const refused = await send(op, token, version);
        expect(refused.status, `${op.method} ${op.template} with ${version}`).toBe(400);
        expect(refused.body).toEqual({ statusCode: 400, message: expect.stringMatching(/^version header is invalid/) });
      }
      expect((await send(op, token, null)).body).toEqual({ statusCode: 400, message: 'version header was not found' });
    }
  });

  it('refuses a token without the documented scope with 401, and lets one with only that scope through', async () => {
    for (const op of operations) {
      const other = op.scope === 'contacts.readonly' ? 'contacts.write' : 'contacts.readonly';
      const without = await send(op, await tokenWith(op, other), '2021-07-28');
      expect(without.status, `${op.method} ${op.template} without ${op.scope}`).toBe(401);
      expect(without.body).toEqual(SCOPE_MISSING_BODY);
      const withIt = await send(op, await tokenWith(op, op.scope), '2021-07-28');
      expect(withIt.status === 401, `${op.method} ${op.template} with ${op.scope}: ${JSON.stringify(withIt.body)}`).toBe(false);
    }
  });

  it('counts a refusal for scope against the location, as a request that reached the upstream', async () => {
    const token = (await install(sandbox.url, { locationId: A, scope: 'contacts.readonly' })).access_token;
    const refused = await call(sandbox.url, 'GET', '/conversations/search', { token, query: { locationId: A } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-ratelimit-remaining')).not.toBeNull();
    const counted = await stats(sandbox.url);
    expect(counted.requests['GET /conversations/search']).toBe(1);
    expect(counted.byLocation[A]).toBe(1);
  });
});
