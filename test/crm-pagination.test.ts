import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import type { RunningGateway } from '../src/server/start';
import { graphql, type GraphQLResponse, startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const location = SANDBOX_LOCATIONS[2]!;
const KEY = `sandbox-key-${location.id}`;
const RATE_LIMIT = 5_000;
/** The upstream's 10,000-result window for page numbers, turned down so the seed crosses it. */
const SEARCH_WINDOW = 100;

interface Page {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { rawId: string } }[];
}

const PAGE_FIELDS = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { rawId } }';

describe('CRM pagination', () => {
  let gateway: RunningGateway;
  let sandbox: SandboxControl;
  /** Every contact id of the location in the upstream's default order (newest first). */
  let allContactIds: string[];

  async function contacts(args: string, variables: Record<string, unknown> = {}) {
    const declared = ['after', 'before'].filter((name) => args.includes(`$${name}`)).map((name) => `$${name}: String`);
    const { body } = await graphql<{ contacts: Page }>(
      gateway.graphqlUrl,
      `query${declared.length ? `(${declared.join(', ')})` : ''} { contacts(${args}) { totalCount ${PAGE_FIELDS} } }`,
      { key: KEY, variables },
    );
    return body;
  }

  beforeAll(async () => {
    gateway = await startSandboxGateway({ HOOPAI_RATE_LIMIT_PER_10S: String(RATE_LIMIT) });
    sandbox = sandboxControl(gateway.sandboxes.hoopai!.url);
    const response = await fetch(`${gateway.sandboxes.hoopai!.url}/contacts/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${privateIntegrationKey(location.id)}`, version: '2021-07-28', 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: location.id, pageLimit: 500, page: 1 }),
    });
    allContactIds = ((await response.json()) as { contacts: { id: string }[] }).contacts.map((contact) => contact.id);
    expect(allContactIds).toHaveLength(location.contactCount);
    gateway.sandboxes.hoopai!.store.searchWindowLimit = SEARCH_WINDOW;
  });
  beforeEach(async () => {
    await sandbox.reset();
    await sandbox.faults({ rateLimitPer10s: RATE_LIMIT });
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  it('pages contacts forwards past the page-number window, one upstream call per page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const body = await contacts('first: 30, after: $after', { after });
      expect(body.errors).toBeUndefined();
      const page = body.data!.contacts;
      expect(page.totalCount).toBe(location.contactCount);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...page.edges.map((edge) => edge.node.rawId));
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(allContactIds);
    expect(pages).toBe(Math.ceil(location.contactCount / 30));
    expect(await sandbox.requests('POST /contacts/search')).toBe(pages);
  });

  it('pages contacts backwards within the window and refuses to reach beyond it', async () => {
    const head = (await contacts('first: 60')).data!.contacts;
    const back = await contacts('last: 20, before: $before', { before: head.pageInfo.endCursor });
    expect(back.errors).toBeUndefined();
    expect(back.data!.contacts.edges.map((edge) => edge.node.rawId)).toEqual(allContactIds.slice(39, 59));
    expect(back.data!.contacts.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });

    const further = await contacts('last: 39, before: $before', { before: back.data!.contacts.pageInfo.startCursor });
    expect(further.data!.contacts.edges.map((edge) => edge.node.rawId)).toEqual(allContactIds.slice(0, 39));
    expect(further.data!.contacts.pageInfo.hasPreviousPage).toBe(false);

    // A cursor past the window, reached by paging forwards, cannot be paged back from.
    let deep = head;
    while (allContactIds.indexOf(deep.edges.at(-1)!.node.rawId) < SEARCH_WINDOW + 20) {
      deep = (await contacts('first: 50, after: $after', { after: deep.pageInfo.endCursor })).data!.contacts;
    }
    const beyond = await contacts('last: 10, before: $before', { before: deep.pageInfo.endCursor });
    expect(beyond.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(beyond.errors?.[0]?.message).toMatch(/page forwards/);
    expect(beyond.data).toEqual({ contacts: null });
  });

  it('accepts a cursor only from the same list: same field, location, query, filter and sort', async () => {
    const first = (await contacts('first: 5')).data!.contacts;
    const sorted = await contacts('first: 5, after: $after, sort: [{ field: LAST_NAME }]', { after: first.pageInfo.endCursor });
    expect(sorted.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const garbage = await contacts('first: 5, after: $after', { after: 'not-a-cursor' });
    expect(garbage.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await contacts('first: 101');
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await sandbox.requests('POST /contacts/search')).toBe(1);
  });

  it('pages conversations forwards by startAfterDate, newest message first', async () => {
    const seen: { rawId: string; lastMessageDate: string }[] = [];
    let after: string | null = null;
    for (;;) {
      type ConversationPage = Omit<Page, 'edges'> & { edges: { node: { rawId: string; lastMessageDate: string } }[] };
      const response: GraphQLResponse<{ conversations: ConversationPage }> = await graphql(
        gateway.graphqlUrl,
        `query($after: String) { conversations(first: 40, after: $after) { totalCount ${PAGE_FIELDS} edges { node { lastMessageDate } } } }`,
        { key: KEY, variables: { after } },
      );
      expect(response.body.errors).toBeUndefined();
      const page: ConversationPage = response.body.data!.conversations;
      expect(page.totalCount).toBe(location.conversationCount);
      seen.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(seen.map((conversation) => conversation.rawId)).size).toBe(location.conversationCount);
    const dates = seen.map((conversation) => Date.parse(conversation.lastMessageDate));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(await sandbox.requests('GET /conversations/search')).toBe(Math.ceil(location.conversationCount / 40));

    // The schema offers no way back on this list: `last` is not an argument of it.
    const backwards = await graphql(gateway.graphqlUrl, '{ conversations(last: 5) { totalCount } }', { key: KEY });
    expect(backwards.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(backwards.body.errors?.[0]?.message).toMatch(/Unknown argument "last"/);
  });

  it('pages messages forwards by lastMessageId, matching one long page', async () => {
    const { body } = await graphql<{ conversations: { edges: { node: { id: string; messages: Page } }[] } }>(
      gateway.graphqlUrl,
      `{ conversations(first: 30) { edges { node { id messages(first: 100) { ${PAGE_FIELDS} } } } } }`,
      { key: KEY },
    );
    const longest = body.data!.conversations.edges
      .map((edge) => edge.node)
      .sort((a, b) => b.messages.edges.length - a.messages.edges.length)[0]!;
    const expected = longest.messages.edges.map((edge) => edge.node.rawId);
    expect(expected.length).toBeGreaterThan(4);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: GraphQLResponse<{ node: { messages: Page } }> = await graphql(
        gateway.graphqlUrl,
        `query($id: ID!, $after: String) { node(id: $id) { ... on Conversation { messages(first: 2, after: $after) { ${PAGE_FIELDS} } } } }`,
        { key: KEY, variables: { id: longest.id, after } },
      );
      const messages = page.body.data!.node.messages;
      seen.push(...messages.edges.map((edge) => edge.node.rawId));
      if (!messages.pageInfo.hasNextPage) break;
      after = messages.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });
});
