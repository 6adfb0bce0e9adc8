import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const location = SANDBOX_LOCATIONS[2]!;
const KEY = `sandbox-key-${location.id}`;
/** Far above what these tests send, on both sides, so no call waits for a rate-limit window. */
const RATE_LIMIT = 5_000;

const CONTACT_FIELDS = `id rawId locationId name firstName lastName email phone companyName tags dnd source assignedTo
  timezone website dateOfBirth dateAdded dateUpdated lastActivity address { line1 city state country postalCode } customFields { id value }`;

const INBOX = `{
  conversations(first: 25) {
    totalCount
    edges { node { id type unreadCount lastMessageBody lastMessageType lastMessageDate
      contact { name email }
      messages(first: 5) { edges { node { id direction status messageType body dateAdded contact { name } } } }
    } }
  }
}`;

interface InboxData {
  conversations: {
    totalCount: number;
    edges: { node: { contact: { name: string; email: string | null } | null; messages: { edges: { node: { contact: { name: string } } }[] } } }[];
  };
}

describe('CRM reads', () => {
  let gateway: RunningGateway;
  let sandbox: SandboxControl;

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

  it('shows a contact the same whether it came from search or from GET /contacts/:id', async () => {
    const searched = await graphql<{ contacts: { edges: { node: Record<string, unknown> }[] } }>(
      gateway.graphqlUrl,
      `{ contacts(first: 40) { edges { node { ${CONTACT_FIELDS} } } } }`,
      { key: KEY },
    );
    expect(searched.body.errors).toBeUndefined();
    // A contact with an address and a birth date: the fields whose wire shapes differ.
    const sample = searched.body.data!.contacts.edges.map((edge) => edge.node).find((node) => node.address && node.dateOfBirth);
    expect(sample).toBeDefined();
    const fetched = await graphql<{ node: Record<string, unknown> }>(gateway.graphqlUrl, `query($id: ID!) { node(id: $id) { ... on Contact { ${CONTACT_FIELDS} } } }`, {
      key: KEY,
      variables: { id: sample!.id },
    });
    expect(await sandbox.requests('GET /contacts/:contactId')).toBe(1);
    expect(fetched.body.data!.node).toEqual(sample);
    expect(sample!.name).toBe(`${sample!.firstName} ${sample!.lastName}`);
    expect(sample!.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('loads the inbox with one search, one call per distinct contact and one message call per conversation', async () => {
    // Slow answers make overlapping calls visible in maxInFlight.
    await sandbox.faults({ rateLimitPer10s: RATE_LIMIT, latencyMs: 20 });
    const { body } = await graphql<InboxData>(gateway.graphqlUrl, INBOX, { key: KEY });
    expect(body.errors).toBeUndefined();
    const rows = body.data!.conversations.edges.map((edge) => edge.node);
    expect(rows).toHaveLength(25);
    const distinctContacts = new Set(rows.map((row) => row.contact?.email ?? row.contact?.name)).size;
    for (const row of rows) {
      expect(row.contact).not.toBeNull();
      for (const message of row.messages.edges) expect(message.node.contact).toEqual({ name: row.contact!.name });
    }
    const stats = await sandbox.stats();
    expect(stats.requests).toEqual({
      'GET /conversations/search': 1,
      'GET /contacts/:contactId': distinctContacts,
      'GET /conversations/:conversationId/messages': 25,
    });
    expect(stats.byLocation).toEqual({ [location.id]: 1 + distinctContacts + 25 });
    // The message fetches ran side by side, not one after another.
    expect(stats.maxInFlight).toBeGreaterThan(1);
  });

  it('serves the contacts of a repeated inbox from the shared cache', async () => {
    await graphql(gateway.graphqlUrl, INBOX, { key: KEY });
    await sandbox.reset();
    await sandbox.faults({ rateLimitPer10s: RATE_LIMIT });
    const { body } = await graphql<InboxData>(gateway.graphqlUrl, INBOX, { key: KEY });
    expect(body.errors).toBeUndefined();
    expect(await sandbox.requests('GET /contacts/:contactId')).toBe(0);
    expect(await sandbox.requests('GET /conversations/:conversationId/messages')).toBe(25);
  });

  it('maps conversation and message enums, and loads a message by its node id', async () => {
    const { body } = await graphql<{
      conversations: { edges: { node: { id: string; rawId: string; type: string; messages: { edges: { node: Record<string, unknown> }[] } } }[] };
    }>(
      gateway.graphqlUrl,
      `{ conversations(first: 10) { edges { node { id rawId type messages(first: 3) { edges { node { id rawId direction status messageType rawMessageType body } } } } } } }`,
      { key: KEY },
    );
    const conversations = body.data!.conversations.edges.map((edge) => edge.node);
    for (const conversation of conversations) {
      expect(['PHONE', 'EMAIL', 'FB_MESSENGER', 'REVIEW', 'GROUP_SMS']).toContain(conversation.type);
      for (const { node } of conversation.messages.edges) {
        expect(['INBOUND', 'OUTBOUND']).toContain(node.direction);
        expect(node.messageType).not.toBe('UNKNOWN');
        expect(`TYPE_${node.messageType}`).toBe(node.rawMessageType);
      }
    }
    const withMessages = conversations.find((conversation) => conversation.messages.edges.length >= 2)!;
    const message = withMessages.messages.edges[1]!.node;
    const loaded = await graphql(gateway.graphqlUrl, `query($id: ID!) { node(id: $id) { id ... on Message { body conversation { rawId } } } }`, {
      key: KEY,
      variables: { id: message.id },
    });
    expect(loaded.body.data).toEqual({ node: { id: message.id, body: message.body, conversation: { rawId: withMessages.rawId } } });
  });

  it('answers null, not an error, for ids that name nothing', async () => {
    const { encodeGlobalId } = await import('../src/schema/global-id');
    const { body } = await graphql(
      gateway.graphqlUrl,
      `query($c: ID!, $v: ID!) { contact(id: $c) { id } conversation(id: $v) { id } node(id: $c) { id } }`,
      {
        key: KEY,
        variables: {
          c: encodeGlobalId('Contact', `${location.id}:noSuchContact000000`),
          v: encodeGlobalId('Conversation', `${location.id}:noSuchConversation00`),
        },
      },
    );
    expect(body).toEqual({ data: { contact: null, conversation: null, node: null }, extensions: { cost: expect.any(Object) } });
  });
});
