import { describe, expect, it } from 'vitest';
import { HoopaiStore } from '../src/sandbox/hoopai/data/store';
import type { ConversationRecord } from '../src/sandbox/hoopai/data/types';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { useDataHarness } from './helpers/hoopai-data-harness';

const A = SANDBOX_LOCATIONS[1]!.id; // 250 conversations
const B = SANDBOX_LOCATIONS[2]!.id;
const seed = new HoopaiStore();
const conversationsOf = (locationId: string) => [...seed.location(locationId)!.conversations.values()];

const api = useDataHarness();

const searchConversations = (query: Record<string, string | number>, as = A) =>
  api.call('GET', '/conversations/search', { as, query: { locationId: A, ...query } });

/** Follows startAfterDate to the end; returns the items in the order served. */
async function walk(query: Record<string, string | number>) {
  const items: { id: string; sort: [number] }[] = [];
  let startAfterDate: number | undefined;
  for (let requests = 0; ; requests++) {
    expect(requests).toBeLessThan(50);
    const { status, body } = await searchConversations({ ...query, ...(startAfterDate === undefined ? {} : { startAfterDate }) });
    expect(status).toBe(200);
    if (body.conversations.length === 0) return { items, total: body.total as number };
    items.push(...body.conversations);
    startAfterDate = body.conversations.at(-1).sort[0];
  }
}

describe('GET /conversations/search', () => {
  it('answers the newest 20 by last message with total, traceId and the live lastMessageDate', async () => {
    const { status, body } = await searchConversations({});
    expect(status).toBe(200);
    expect(body.total).toBe(250);
    expect(body.traceId).toEqual(expect.any(String));
    const newest = conversationsOf(A).sort((a, b) => b.lastMessageDate - a.lastMessageDate).slice(0, 20);
    expect(body.conversations.map((c: { id: string }) => c.id)).toEqual(newest.map((c) => c.id));
    const first = body.conversations[0];
    const contact = seed.contact(newest[0]!.contactId)!;
    expect(first).toMatchObject({
      contactId: contact.id,
      locationId: A,
      lastMessageDate: newest[0]!.lastMessageDate,
      lastMessageBody: newest[0]!.lastMessageBody,
      type: newest[0]!.type,
      email: contact.email,
      phone: contact.phone,
      sort: [newest[0]!.lastMessageDate],
    });
  });

  it('pages with startAfterDate through every conversation exactly once, in order, both directions', async () => {
    for (const sort of ['desc', 'asc'] as const) {
      const { items, total } = await walk({ limit: 37, sort });
      expect(total).toBe(250);
      expect(items.map((c) => c.id).sort()).toEqual(conversationsOf(A).map((c) => c.id).sort());
      const dates = items.map((c) => c.sort[0]);
      const sign = sort === 'asc' ? 1 : -1;
      for (let i = 1; i < dates.length; i++) expect(sign * (dates[i]! - dates[i - 1]!)).toBeGreaterThan(0);
    }
  });

  it('sorts by last_manual_message_date (leaving out conversations without one); score and due-date sorts find none here', async () => {
    const manual = await walk({ limit: 100, sortBy: 'last_manual_message_date' });
    const withManual = conversationsOf(A).filter((c) => c.lastManualMessageDate !== undefined);
    expect(manual.total).toBe(withManual.length);
    expect(manual.items.map((c) => c.id)).toEqual(withManual.sort((a, b) => b.lastManualMessageDate! - a.lastManualMessageDate!).map((c) => c.id));
    for (const sortBy of ['score_profile', 'overdue_at', 'due_at']) {
      const none = await searchConversations({ sortBy });
      expect(none.status, sortBy).toBe(200);
      expect(none.body).toMatchObject({ conversations: [], total: 0 });
    }
  });

  it('filters by status, contactId, lastMessageDirection and assignedTo', async () => {
    const expectIds = async (query: Record<string, string>, predicate: (c: ConversationRecord) => boolean) => {
      const { items, total } = await walk({ limit: 100, ...query });
      const expected = conversationsOf(A).filter(predicate).map((c) => c.id).sort();
      expect(expected.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(total).toBe(expected.length);
      expect(items.map((c) => c.id).sort()).toEqual(expected);
    };
    await expectIds({ status: 'unread' }, (c) => c.unreadCount > 0);
    await expectIds({ status: 'read' }, (c) => c.unreadCount === 0);
    await expectIds({ status: 'starred' }, (c) => c.starred);
    await expectIds({ status: 'recents' }, (c) => c.inbox);
    await expectIds({ lastMessageDirection: 'inbound' }, (c) => c.lastMessageDirection === 'inbound');
    const one = conversationsOf(A)[7]!;
    await expectIds({ contactId: one.contactId }, (c) => c.id === one.id);
    const owner = conversationsOf(A).find((c) => c.assignedTo)!.assignedTo!;
    await expectIds({ assignedTo: `${owner},unassigned` }, (c) => c.assignedTo === owner || !c.assignedTo);
  });

  it('validates the query (400, the only refusal conversations.json documents for it) and the location (403)', async () => {
    const sortBys = 'last_manual_message_date, last_message_date, score_profile, overdue_at, due_at';
    for (const sortBy of ['date_added', 'date_updated', 'LAST_MESSAGE_DATE']) {
      expect(await searchConversations({ sortBy })).toEqual({ status: 400, body: { statusCode: 400, message: `sortBy must be one of the following values: ${sortBys}` } });
    }
    expect((await searchConversations({ status: 'archived' })).status).toBe(400);
    expect((await searchConversations({ startAfterDate: 'yesterday' })).status).toBe(400);
    expect((await searchConversations({ limit: 'many' })).body).toEqual({ statusCode: 400, message: 'limit must be a number' });
    // No bound is documented for limit: a large one is served as asked.
    expect((await searchConversations({ limit: 500 })).body.conversations).toHaveLength(250);
    expect((await searchConversations({ colour: 'red' })).body.message).toBe('property colour should not exist');
    expect((await api.call('GET', '/conversations/search', { as: A, query: {} })).body.message).toBe('locationId should not be empty');
    expect((await searchConversations({}, B)).status).toBe(403);
  });
});

describe('GET /conversations/:conversationId', () => {
  it('answers the conversation with its numeric type', async () => {
    const seeded = conversationsOf(A).find((c) => c.type === 'TYPE_EMAIL')!;
    const { status, body } = await api.call('GET', `/conversations/${seeded.id}`, { as: A });
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: seeded.id, contactId: seeded.contactId, locationId: A, deleted: false, inbox: seeded.inbox, type: 2, unreadCount: seeded.unreadCount, starred: seeded.starred });
  });

  it('answers 400 for an unknown id and 403 for another location', async () => {
    expect((await api.call('GET', '/conversations/AAAAAAAAAAAAAAAAAAAA', { as: A })).body).toEqual({
      statusCode: 400,
      message: 'Conversation with id AAAAAAAAAAAAAAAAAAAA not found',
    });
    expect((await api.call('GET', `/conversations/${conversationsOf(B)[0]!.id}`, { as: A })).status).toBe(403);
  });
});
