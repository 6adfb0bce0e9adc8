import { describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { useSandboxGateway } from './helpers/sandbox-gateway';

/**
 * The `Version` header the gateway sends per HoopAI endpoint family (HOOPAI_VERSION_*)
 * reaches the upstream as set: the sandbox serves each family only the values its OpenAPI
 * file and the docs list (contacts 2021-07-28; conversations 2021-07-28 or 2021-04-15), so a
 * wrong setting fails on the wire, with its own code, and a right one works.
 */
const A = SANDBOX_LOCATIONS[2]!.id;
const INBOX = `query Inbox($loc: ID!) {
  contacts(locationId: $loc, first: 2) { totalCount }
  conversations(locationId: $loc, first: 2) { totalCount edges { node { id } } }
}`;

describe('HOOPAI_VERSION_CONTACTS set to a value the contacts endpoints do not serve', () => {
  const gw = useSandboxGateway({ HOOPAI_VERSION_CONTACTS: '2021-04-15', HOOPAI_VERSION_CONVERSATIONS: '2021-04-15' });

  it('fails the contacts field alone with UPSTREAM_VERSION_REFUSED, sent once; conversations at 2021-04-15 work', async () => {
    const answer = await gw.ask(INBOX, { loc: A });
    expect(answer.data.contacts).toBeNull();
    expect(answer.data.conversations.totalCount).toBe(150);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors?.[0]).toMatchObject({
      path: ['contacts'],
      extensions: { code: 'UPSTREAM_VERSION_REFUSED', upstream: 'hoopai', upstreamStatus: 400, family: 'contacts', version: '2021-04-15' },
    });
    // A refusal of the set-up is not retried: one request each.
    const stats = await gw.hoopai.stats();
    expect(stats.requests).toEqual({ 'POST /contacts/search': 1, 'GET /conversations/search': 1 });
  });

  it('is not mistaken for a missing contact: a lookup by id fails the same way instead of answering null', async () => {
    const listed = await gw.ask(INBOX, { loc: A });
    const id = listed.data.conversations.edges[0].node.id as string;
    const answer = await gw.ask('query($id: ID!) { conversation(id: $id) { id contact { id } } }', { id });
    expect(answer.data.conversation.contact).toBeNull();
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_VERSION_REFUSED', family: 'contacts' });
  });
});

describe('the default settings', () => {
  const gw = useSandboxGateway();

  it('serve both families', async () => {
    const answer = await gw.ask(INBOX, { loc: A });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.contacts.totalCount).toBe(400);
    expect(answer.data.conversations.totalCount).toBe(150);
  });

  it('send conversation searches the sandbox accepts for every status and page size (it refuses undocumented values with 400)', async () => {
    const statuses = ['ALL', 'READ', 'UNREAD', 'STARRED', 'RECENTS'];
    const query = `query($loc: ID!) { ${statuses
      .flatMap((status) => [0, 1, 100].map((first) => `${status}_${first}: conversations(locationId: $loc, status: ${status}, first: ${first}) { totalCount }`))
      .join(' ')} }`;
    const answer = await gw.ask(query, { loc: A });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.UNREAD_1.totalCount + answer.data.READ_1.totalCount).toBe(answer.data.ALL_1.totalCount);
    expect((await gw.hoopai.stats()).requests).toEqual({ 'GET /conversations/search': 15 });
  });
});
