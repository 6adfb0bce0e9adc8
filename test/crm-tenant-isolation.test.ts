import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/auth/api-keys';
import { encodeGlobalId } from '../src/schema/global-id';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';

const [locationA, locationB] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];
const KEY_A = `sandbox-key-${locationA}`;
const KEY_B = `sandbox-key-${locationB}`;

interface ContactSample {
  id: string;
  rawId: string;
  email: string;
  name: string;
  conversationId: string;
  conversationRawId: string;
}

const CONTACT_FIELDS = 'id rawId locationId name email';

describe('tenant isolation', () => {
  let gateway: RunningGateway;
  let contactOfB: ContactSample;
  let listCursorOfB: string;

  beforeAll(async () => {
    gateway = await startSandboxGateway();
    const { body } = await graphql<{
      conversations: { edges: { cursor: string; node: { id: string; rawId: string; contact: ContactSample } }[] };
    }>(gateway.graphqlUrl, `{ conversations(first: 1) { edges { cursor node { id rawId contact { id rawId email name } } } } }`, { key: KEY_B });
    const edge = body.data!.conversations.edges[0]!;
    contactOfB = { ...edge.node.contact, conversationId: edge.node.id, conversationRawId: edge.node.rawId };
    listCursorOfB = edge.cursor;
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  /** Everything a caller for A can try to reach B's contact with; none may show B's data. */
  async function attemptsOfA() {
    const forgedContact = encodeGlobalId('Contact', `${locationA}:${contactOfB.rawId}`);
    const query = `query($b: ID!, $forged: ID!, $conversation: ID!, $email: String!) {
      byId: contact(id: $b) { ${CONTACT_FIELDS} }
      byNode: node(id: $b) { id ... on Contact { name email } }
      forged: contact(id: $forged) { ${CONTACT_FIELDS} }
      forgedNode: node(id: $forged) { id ... on Contact { name email } }
      conversation(id: $conversation) { id contact { name } }
      search: contacts(query: $email) { totalCount edges { node { ${CONTACT_FIELDS} } } }
      filtered: contacts(filter: { email: $email }) { totalCount }
    }`;
    return graphql<Record<string, unknown>>(gateway.graphqlUrl, query, {
      key: KEY_A,
      variables: { b: contactOfB.id, forged: forgedContact, conversation: contactOfB.conversationId, email: contactOfB.email },
    });
  }

  function expectNoDataOfB(response: Awaited<ReturnType<typeof attemptsOfA>>) {
    const text = JSON.stringify(response.body.data);
    expect(text).not.toContain(contactOfB.email);
    expect(text).not.toContain(contactOfB.name);
    expect(text).not.toContain(contactOfB.rawId);
    expect(response.body.data).toMatchObject({
      byId: null,
      byNode: null,
      forged: null,
      forgedNode: null,
      conversation: null,
      search: { totalCount: 0, edges: [] },
      filtered: { totalCount: 0 },
    });
    const forbidden = (response.body.errors ?? []).filter((error) => error.extensions?.code === 'FORBIDDEN').map((error) => error.path?.[0]);
    expect(forbidden.sort()).toEqual(['byId', 'byNode', 'conversation']);
    // The forged ids are simply not found in A: no error that would confirm they exist elsewhere.
    expect(response.body.errors?.some((error) => error.path?.[0] === 'forged' || error.path?.[0] === 'forgedNode')).toBe(false);
  }

  it('never shows B to a caller for A: by id, by node, by a forged id, by search', async () => {
    expectNoDataOfB(await attemptsOfA());
  });

  it('still shows nothing of B after a caller for B has warmed every cache', async () => {
    const forgedConversation = encodeGlobalId('Conversation', `${locationA}:${contactOfB.conversationRawId}`);
    const warm = await graphql<Record<string, { name?: string } | null>>(
      gateway.graphqlUrl,
      `query($b: ID!, $email: String!, $conversation: ID!) {
        contact(id: $b) { name email }
        node(id: $b) { id }
        contacts(query: $email) { totalCount edges { node { name } } }
        conversation(id: $conversation) { contact { name } messages(first: 3) { edges { node { body } } } }
      }`,
      { key: KEY_B, variables: { b: contactOfB.id, email: contactOfB.email, conversation: contactOfB.conversationId } },
    );
    expect(warm.body.errors).toBeUndefined();
    expect(warm.body.data?.contact?.name).toBe(contactOfB.name);

    expectNoDataOfB(await attemptsOfA());
    const { body } = await graphql(gateway.graphqlUrl, `query($id: ID!) { node(id: $id) { id } }`, {
      key: KEY_A,
      variables: { id: forgedConversation },
    });
    expect(body).toEqual({ data: { node: null }, extensions: { cost: expect.any(Object) } });
  });

  it('answers FORBIDDEN for a list of another location, and refuses its cursors in one\'s own', async () => {
    const other = await graphql(gateway.graphqlUrl, `query($b: ID!) { contacts(locationId: $b, first: 1) { totalCount } }`, {
      key: KEY_A,
      variables: { b: locationB },
    });
    expect(other.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cursor = await graphql(gateway.graphqlUrl, `query($after: String!) { conversations(first: 1, after: $after) { totalCount } }`, {
      key: KEY_A,
      variables: { after: listCursorOfB },
    });
    expect(cursor.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps each position of `nodes` to its own tenant check', async () => {
    const { body: own } = await graphql<{ contacts: { edges: { node: { id: string; name: string } }[] } }>(
      gateway.graphqlUrl,
      '{ contacts(first: 1) { edges { node { id name } } } }',
      { key: KEY_A },
    );
    const contactOfA = own.data!.contacts.edges[0]!.node;
    const { status, body } = await graphql(gateway.graphqlUrl, `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Contact { name } } }`, {
      key: KEY_A,
      variables: { ids: [contactOfA.id, contactOfB.id] },
    });
    expect(status).toBe(200);
    expect(body.data).toEqual({ nodes: [contactOfA, null] });
    expect(body.errors).toEqual([expect.objectContaining({ path: ['nodes', 1], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });

  it('asks a caller with several locations to name one, and lets a single-location caller omit it', async () => {
    const many = await graphql(gateway.graphqlUrl, '{ contacts(first: 1) { totalCount } }');
    expect(many.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(many.body.errors?.[0]?.message).toMatch(/locationId/);
    const one = await graphql<{ contacts: { totalCount: number } }>(gateway.graphqlUrl, '{ contacts(first: 1) { totalCount } }', { key: KEY_B });
    expect(one.body.data?.contacts.totalCount).toBe(SANDBOX_LOCATIONS[1]!.contactCount);
  });

  it('refuses CRM reads to a caller without the crm:read scope', async () => {
    const noCrm = await startSandboxGateway({
      API_KEYS: JSON.stringify([
        { name: 'catalog-only', sha256: sha256Hex('catalog-only-key'), scopes: ['catalog:read'], locations: [locationA] },
      ]),
    });
    try {
      const { status, body } = await graphql(gateway.graphqlUrl.replace(gateway.url, noCrm.url), '{ contacts(first: 1) { totalCount } }', {
        key: 'catalog-only-key',
      });
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.errors?.[0]?.message).toMatch(/crm:read/);
    } finally {
      await noCrm.close(500);
    }
  });
});
