import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

/**
 * The contract every CRM mutation keeps, checked for each one alike: invalid input is an
 * InputValidationError before any upstream call; an upstream refusal or miss is a typed
 * error; after an upstream fault, a retry with the same idempotency key writes exactly
 * once, and a further replay writes nothing.
 */

const location = SANDBOX_LOCATIONS[1]!;
const KEY = `sandbox-key-${location.id}`;
const RATE_LIMIT = 5_000;

interface Fixture {
  contactId: string;
  email: string;
  deletedContactId: string;
  dndContactId: string;
  trackId: string;
}

interface MutationCase {
  field: string;
  inputType: string;
  payload: string;
  /** The upstream route that performs the write. */
  writeRoute: string;
  valid(f: Fixture): Record<string, unknown>;
  invalid(f: Fixture): { input: Record<string, unknown>; field: string };
  refused(f: Fixture): { input: Record<string, unknown>; typename: 'UpstreamRefusedError' | 'NotFoundError' };
}

const CASES: MutationCase[] = [
  {
    field: 'createContact',
    payload: 'CreateContactPayload',
    inputType: 'CreateContactInput',
    writeRoute: 'POST /contacts/',
    valid: () => ({ firstName: 'Once', email: `once.${randomUUID()}@example.com` }),
    invalid: () => ({ input: { firstName: 'Bad', phone: '12345' }, field: 'input.phone' }),
    refused: (f) => ({ input: { firstName: 'Twin', email: f.email }, typename: 'UpstreamRefusedError' }),
  },
  {
    field: 'updateContact',
    payload: 'UpdateContactPayload',
    inputType: 'UpdateContactInput',
    writeRoute: 'PUT /contacts/:contactId',
    valid: (f) => ({ id: f.contactId, companyName: `Company ${randomUUID()}` }),
    invalid: (f) => ({ input: { id: f.contactId, email: 'nope' }, field: 'input.email' }),
    refused: (f) => ({ input: { id: f.dndContactId, email: f.email }, typename: 'UpstreamRefusedError' }),
  },
  {
    field: 'deleteContact',
    payload: 'DeleteContactPayload',
    inputType: 'DeleteContactInput',
    writeRoute: 'DELETE /contacts/:contactId',
    valid: (f) => ({ id: f.contactId }),
    invalid: () => ({ input: { id: 'not-an-id' }, field: 'input.id' }),
    refused: (f) => ({ input: { id: f.deletedContactId }, typename: 'NotFoundError' }),
  },
  {
    field: 'addContactTags',
    payload: 'AddContactTagsPayload',
    inputType: 'ContactTagsInput',
    writeRoute: 'POST /contacts/:contactId/tags',
    valid: (f) => ({ contactId: f.contactId, tags: [`t-${randomUUID().slice(0, 8)}`] }),
    invalid: (f) => ({ input: { contactId: f.contactId, tags: ['x'.repeat(65)] }, field: 'input.tags.0' }),
    refused: (f) => ({ input: { contactId: f.deletedContactId, tags: ['a'] }, typename: 'NotFoundError' }),
  },
  {
    field: 'removeContactTags',
    payload: 'RemoveContactTagsPayload',
    inputType: 'ContactTagsInput',
    writeRoute: 'DELETE /contacts/:contactId/tags',
    valid: (f) => ({ contactId: f.contactId, tags: ['seeded'] }),
    invalid: (f) => ({ input: { contactId: f.contactId, tags: ['  '] }, field: 'input.tags.0' }),
    refused: (f) => ({ input: { contactId: f.deletedContactId, tags: ['a'] }, typename: 'NotFoundError' }),
  },
  {
    field: 'sendMessage',
    payload: 'SendMessagePayload',
    inputType: 'SendMessageInput',
    writeRoute: 'POST /conversations/messages',
    valid: (f) => ({ contactId: f.contactId, channel: 'SMS', message: `Hello ${randomUUID()}` }),
    invalid: (f) => ({ input: { contactId: f.contactId, channel: 'SMS', message: 'Hi', subject: 'Only for email' }, field: 'input.subject' }),
    refused: (f) => ({ input: { contactId: f.dndContactId, channel: 'SMS', message: 'Hi' }, typename: 'UpstreamRefusedError' }),
  },
  {
    field: 'shareTrack',
    payload: 'SendMessagePayload',
    inputType: 'ShareTrackInput',
    writeRoute: 'POST /conversations/messages',
    valid: (f) => ({ contactId: f.contactId, trackId: f.trackId, channel: 'SMS', note: randomUUID() }),
    invalid: (f) => ({ input: { contactId: f.contactId, trackId: f.trackId, channel: 'SMS', note: 'x'.repeat(5_000) }, field: 'input.note' }),
    refused: (f) => ({ input: { contactId: f.dndContactId, trackId: f.trackId, channel: 'SMS' }, typename: 'UpstreamRefusedError' }),
  },
];

describe('the contract of every CRM mutation', () => {
  let gateway: RunningGateway;
  let sandbox: SandboxControl;
  let contacts = 0;

  async function call(c: MutationCase, input: Record<string, unknown>) {
    const query = `mutation($input: ${c.inputType}!) { ${c.field}(input: $input) {
      __typename
      ... on ${c.payload} { replayed }
      ... on MutationError { code }
      ... on InputValidationError { fields { field } }
      ... on UpstreamFailureError { outcomeUnknown } } }`;
    const { body } = await graphql<Record<string, Record<string, unknown>>>(gateway.graphqlUrl, query, { key: KEY, variables: { input } });
    expect(body.errors).toBeUndefined();
    return body.data![c.field]!;
  }

  async function contact(extra: Record<string, unknown> = {}): Promise<{ id: string; email: string }> {
    const email = `fixture.${randomUUID()}@example.com`;
    contacts += 1;
    const { body } = await graphql<{ createContact: { contact: { id: string } } }>(
      gateway.graphqlUrl,
      `mutation($input: CreateContactInput!) { createContact(input: $input) { ... on CreateContactPayload { contact { id } } } }`,
      { key: KEY, variables: { input: { firstName: 'Fixture', email, phone: `+1202555${String(contacts).padStart(4, '0')}`, tags: ['seeded'], ...extra } } },
    );
    return { id: body.data!.createContact.contact.id, email };
  }

  async function fixture(): Promise<Fixture> {
    const main = await contact();
    const gone = await contact();
    await graphql(gateway.graphqlUrl, `mutation($id: ID!) { deleteContact(input: { id: $id }) { __typename } }`, { key: KEY, variables: { id: gone.id } });
    const dnd = await contact({ dnd: true });
    const tracks = await graphql<{ tracks: { edges: { node: { id: string } }[] } }>(gateway.graphqlUrl, '{ tracks(first: 1) { edges { node { id } } } }', { key: KEY });
    // Counters only: a sandbox reset would drop the fixtures just written.
    gateway.sandboxes.hoopai!.controlPlane.resetCounters();
    return { contactId: main.id, email: main.email, deletedContactId: gone.id, dndContactId: dnd.id, trackId: tracks.body.data!.tracks.edges[0]!.node.id };
  }

  beforeAll(async () => {
    gateway = await startSandboxGateway({ HOOPAI_RATE_LIMIT_PER_10S: String(RATE_LIMIT) });
    sandbox = sandboxControl(gateway.sandboxes.hoopai!.url);
  });
  beforeEach(async () => {
    await sandbox.faults({ rateLimitPer10s: RATE_LIMIT });
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  it.each(CASES.map((c) => [c.field, c] as const))('%s', async (_field, c) => {
    // Fresh contacts per mutation, so one case's delete or tag change cannot affect another.
    const f = await fixture();
    const invalid = c.invalid(f);
    expect(await call(c, invalid.input)).toEqual({ __typename: 'InputValidationError', code: 'BAD_USER_INPUT', fields: [{ field: invalid.field }] });
    expect(await sandbox.requests(c.writeRoute)).toBe(0);

    const refused = c.refused(f);
    expect(await call(c, refused.input)).toMatchObject({ __typename: refused.typename });

    const input = { ...c.valid(f), idempotencyKey: randomUUID() };
    const writesBefore = await sandbox.requests(c.writeRoute);
    await sandbox.faults({ rateLimitPer10s: RATE_LIMIT, errorRate: 1, errorStatus: 503 });
    expect(await call(c, input)).toEqual({ __typename: 'UpstreamFailureError', code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: false });
    await sandbox.faults({ rateLimitPer10s: RATE_LIMIT });
    expect(await call(c, input)).toEqual({ __typename: c.payload, replayed: false });
    expect(await call(c, input)).toEqual({ __typename: c.payload, replayed: true });
    // The faulted attempt and exactly one real write: the replay wrote nothing.
    expect((await sandbox.requests(c.writeRoute)) - writesBefore).toBe(2);
  });
});
