import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const location = SANDBOX_LOCATIONS[2]!;
const KEY = `sandbox-key-${location.id}`;
const RATE_LIMIT = 5_000;

const ERROR_FIELDS = `... on MutationError { code message }
  ... on NotFoundError { id }
  ... on InputValidationError { fields { field message } }
  ... on UpstreamRefusedError { upstreamMessages }
  ... on UpstreamFailureError { outcomeUnknown }`;

const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) {
  __typename ... on CreateContactPayload { replayed contact { id email phone tags name } } ${ERROR_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateContactInput!) { updateContact(input: $input) {
  __typename ... on UpdateContactPayload { replayed contact { id companyName tags } } ${ERROR_FIELDS} } }`;
const DELETE = `mutation($input: DeleteContactInput!) { deleteContact(input: $input) {
  __typename ... on DeleteContactPayload { replayed deletedContactId } ${ERROR_FIELDS} } }`;
const ADD_TAGS = `mutation($input: ContactTagsInput!) { addContactTags(input: $input) {
  __typename ... on AddContactTagsPayload { replayed tags contact { tags } } ${ERROR_FIELDS} } }`;
const REMOVE_TAGS = `mutation($input: ContactTagsInput!) { removeContactTags(input: $input) {
  __typename ... on RemoveContactTagsPayload { replayed tags } ${ERROR_FIELDS} } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) {
  __typename ... on SendMessagePayload { replayed conversation { id } sentMessage { id body direction messageType } } ${ERROR_FIELDS} } }`;

type Result = Record<string, unknown> & { __typename: string };

describe('CRM mutations', () => {
  let gateway: RunningGateway;
  let sandbox: SandboxControl;
  let counter = 0;

  async function mutate(mutation: string, input: Record<string, unknown>): Promise<Result> {
    const { body } = await graphql<Record<string, Result>>(gateway.graphqlUrl, mutation, { key: KEY, variables: { input } });
    expect(body.errors).toBeUndefined();
    return Object.values(body.data!)[0]!;
  }

  /** A contact nobody else touches: unique email and phone. */
  async function freshContact(extra: Record<string, unknown> = {}) {
    counter += 1;
    const result = await mutate(CREATE, {
      firstName: 'Test',
      lastName: `Person ${counter}`,
      email: `test.person.${counter}.${randomUUID().slice(0, 8)}@example.com`,
      phone: `+4477009${String(counter).padStart(5, '0')}`,
      ...extra,
    });
    expect(result.__typename).toBe('CreateContactPayload');
    return (result as unknown as { contact: { id: string; email: string; phone: string; tags: string[] } }).contact;
  }

  beforeAll(async () => {
    gateway = await startSandboxGateway({ HOOPAI_RATE_LIMIT_PER_10S: String(RATE_LIMIT) });
    sandbox = sandboxControl(gateway.sandboxes.hoopai!.url);
  });
  beforeEach(async () => {
    await sandbox.reset();
    await sandbox.faults({ rateLimitPer10s: RATE_LIMIT });
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  describe('createContact', () => {
    it('creates a contact, normalising its tags', async () => {
      const contact = await freshContact({ tags: ['VIP ', 'vip', 'Newsletter'] });
      expect(contact.tags.sort()).toEqual(['newsletter', 'vip']);
      expect(await sandbox.requests('POST /contacts/')).toBe(1);
    });

    it('refuses invalid input field by field, before any upstream call', async () => {
      const result = await mutate(CREATE, { email: 'not-an-email', phone: '0770 090 0000', tags: ['ok', '', 'x'.repeat(65)] });
      expect(result).toMatchObject({ __typename: 'InputValidationError', code: 'BAD_USER_INPUT' });
      expect((result.fields as { field: string }[]).map((problem) => problem.field)).toEqual([
        'input.email',
        'input.phone',
        'input.tags.1',
        'input.tags.2',
      ]);
      expect((await sandbox.stats()).byLocation).toEqual({});
    });

    it('retried after an upstream fault with the same key, writes exactly once; a replay writes nothing', async () => {
      const input = { firstName: 'Retry', email: `retry.${randomUUID()}@example.com`, idempotencyKey: randomUUID() };
      await sandbox.faults({ rateLimitPer10s: RATE_LIMIT, errorRate: 1, errorStatus: 503 });
      const failed = await mutate(CREATE, input);
      expect(failed).toMatchObject({ __typename: 'UpstreamFailureError', code: 'UPSTREAM_UNAVAILABLE', outcomeUnknown: false });
      await sandbox.faults({ rateLimitPer10s: RATE_LIMIT });

      const created = await mutate(CREATE, input);
      expect(created).toMatchObject({ __typename: 'CreateContactPayload', replayed: false });
      const replay = await mutate(CREATE, input);
      expect(replay).toEqual({ ...created, replayed: true });
      // One failed attempt (never retried by the gateway: a create is not idempotent) and one write.
      expect(await sandbox.requests('POST /contacts/')).toBe(2);

      const reused = await mutate(CREATE, { ...input, firstName: 'Someone else' });
      expect(reused).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await sandbox.requests('POST /contacts/')).toBe(2);
    });
  });

  describe('updateContact', () => {
    it('adds tags by default and keeps the others; REPLACE is explicit', async () => {
      const contact = await freshContact({ tags: ['keep-me'] });
      const added = await mutate(UPDATE, { id: contact.id, companyName: 'Acme', tags: ['new'] });
      expect(added).toMatchObject({ __typename: 'UpdateContactPayload', contact: { companyName: 'Acme' } });
      expect((added.contact as { tags: string[] }).tags.sort()).toEqual(['keep-me', 'new']);

      const replaced = await mutate(UPDATE, { id: contact.id, tags: ['only'], tagsMode: 'REPLACE' });
      expect((replaced.contact as { tags: string[] }).tags).toEqual(['only']);
    });

    it('invalidates the cached contact it changed', async () => {
      const contact = await freshContact();
      const read = () => graphql<{ contact: { companyName: string | null } }>(gateway.graphqlUrl, `query($id: ID!) { contact(id: $id) { companyName } }`, {
        key: KEY,
        variables: { id: contact.id },
      });
      expect((await read()).body.data?.contact.companyName).toBeNull();
      await mutate(UPDATE, { id: contact.id, companyName: 'Changed Ltd' });
      expect((await read()).body.data?.contact.companyName).toBe('Changed Ltd');
    });

    it('answers validation, not-found and replay', async () => {
      const contact = await freshContact();
      expect(await mutate(UPDATE, { id: contact.id, phone: '12345' })).toMatchObject({
        __typename: 'InputValidationError',
        fields: [{ field: 'input.phone', message: expect.stringMatching(/E\.164/) }],
      });
      expect(await mutate(UPDATE, { id: 'bm90IGFuIGlk', companyName: 'x' })).toMatchObject({
        __typename: 'InputValidationError',
        fields: [{ field: 'input.id' }],
      });
      const key = randomUUID();
      const first = await mutate(UPDATE, { id: contact.id, companyName: 'Once', idempotencyKey: key });
      const again = await mutate(UPDATE, { id: contact.id, companyName: 'Once', idempotencyKey: key });
      expect(again).toEqual({ ...first, replayed: true });
      expect(await sandbox.requests('PUT /contacts/:contactId')).toBe(1);

      await mutate(DELETE, { id: contact.id });
      expect(await mutate(UPDATE, { id: contact.id, companyName: 'Gone' })).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', id: contact.id });
    });
  });

  describe('deleteContact', () => {
    it('deletes once; the contact reads as null after; a replay answers the first result', async () => {
      const contact = await freshContact();
      const key = randomUUID();
      expect(await mutate(DELETE, { id: contact.id, idempotencyKey: key })).toEqual({
        __typename: 'DeleteContactPayload',
        replayed: false,
        deletedContactId: contact.id,
      });
      expect(await mutate(DELETE, { id: contact.id, idempotencyKey: key })).toMatchObject({ replayed: true });
      expect(await sandbox.requests('DELETE /contacts/:contactId')).toBe(1);
      const { body } = await graphql(gateway.graphqlUrl, `query($id: ID!) { contact(id: $id) { id } }`, { key: KEY, variables: { id: contact.id } });
      expect(body).toEqual({ data: { contact: null }, extensions: { cost: expect.any(Object) } });
      expect(await mutate(DELETE, { id: contact.id })).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', id: contact.id });
    });
  });

  describe('addContactTags and removeContactTags', () => {
    it('change only the listed tags, validate, and replay', async () => {
      const contact = await freshContact({ tags: ['a', 'b'] });
      const added = await mutate(ADD_TAGS, { contactId: contact.id, tags: ['C'] });
      expect(added).toMatchObject({ __typename: 'AddContactTagsPayload', tags: ['a', 'b', 'c'], contact: { tags: ['a', 'b', 'c'] } });
      const key = randomUUID();
      const removed = await mutate(REMOVE_TAGS, { contactId: contact.id, tags: ['a'], idempotencyKey: key });
      expect(removed).toMatchObject({ tags: ['b', 'c'], replayed: false });
      expect(await mutate(REMOVE_TAGS, { contactId: contact.id, tags: ['a'], idempotencyKey: key })).toMatchObject({ replayed: true });
      expect(await sandbox.requests('DELETE /contacts/:contactId/tags')).toBe(1);
      expect(await mutate(ADD_TAGS, { contactId: contact.id, tags: [] })).toMatchObject({
        __typename: 'InputValidationError',
        fields: [{ field: 'input.tags' }],
      });
    });
  });

  describe('sendMessage', () => {
    it('sends, shows the message in its conversation, and never sends twice for one key', async () => {
      const contact = await freshContact();
      const input = { contactId: contact.id, channel: 'SMS', message: 'Your licence is ready.', idempotencyKey: randomUUID() };
      const sent = await mutate(SEND, input);
      expect(sent).toMatchObject({
        __typename: 'SendMessagePayload',
        replayed: false,
        sentMessage: { body: 'Your licence is ready.', direction: 'OUTBOUND', messageType: 'SMS' },
      });
      expect(await mutate(SEND, input)).toMatchObject({ replayed: true, sentMessage: sent.sentMessage });
      expect(await sandbox.requests('POST /conversations/messages')).toBe(1);
    });

    it('refuses an empty message, and reports HoopAI refusing a channel the contact cannot use', async () => {
      const contact = await freshContact();
      expect(await mutate(SEND, { contactId: contact.id, channel: 'SMS', message: '   ' })).toMatchObject({
        __typename: 'InputValidationError',
        fields: [{ field: 'input.message', message: 'must not be empty' }],
      });
      const silent = await freshContact({ dnd: true });
      expect(await mutate(SEND, { contactId: silent.id, channel: 'SMS', message: 'Hello' })).toMatchObject({
        __typename: 'UpstreamRefusedError',
      });
      expect(await sandbox.requests('POST /conversations/messages')).toBe(1);
    });

    it('after a fault, a retry with the same key sends exactly once', async () => {
      const contact = await freshContact();
      const input = { contactId: contact.id, channel: 'SMS', message: 'Once only', idempotencyKey: randomUUID() };
      await sandbox.faults({ rateLimitPer10s: RATE_LIMIT, errorRate: 1, errorStatus: 502 });
      expect(await mutate(SEND, input)).toMatchObject({ __typename: 'UpstreamFailureError', outcomeUnknown: false });
      await sandbox.faults({ rateLimitPer10s: RATE_LIMIT });
      expect(await mutate(SEND, input)).toMatchObject({ __typename: 'SendMessagePayload', replayed: false });
      expect(await mutate(SEND, input)).toMatchObject({ __typename: 'SendMessagePayload', replayed: true });
      const { body } = await graphql<{ conversations: { edges: { node: { messages: { edges: { node: { body: string } }[] } } }[] } }>(
        gateway.graphqlUrl,
        `query($contact: ID!) { conversations(contactId: $contact, first: 5) { edges { node { messages(first: 10) { edges { node { body } } } } } } }`,
        { key: KEY, variables: { contact: contact.id } },
      );
      const bodies = body.data!.conversations.edges.flatMap((edge) => edge.node.messages.edges.map((message) => message.node.body));
      expect(bodies.filter((text) => text === 'Once only')).toHaveLength(1);
    });
  });
});
