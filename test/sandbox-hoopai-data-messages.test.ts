import { describe, expect, it } from 'vitest';
import { HoopaiStore } from '../src/sandbox/hoopai/data/store';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { useDataHarness } from './helpers/hoopai-data-harness';

const A = SANDBOX_LOCATIONS[1]!.id; // 250 conversations
const B = SANDBOX_LOCATIONS[2]!.id;
const seed = new HoopaiStore();
const conversationsOf = (locationId: string) => [...seed.location(locationId)!.conversations.values()];

const api = useDataHarness();

const searchConversations = (query: Record<string, string | number>, as = A) =>
  api.call('GET', '/conversations/search', { as, query: { locationId: A, ...query } });

describe('GET /conversations/:conversationId/messages', () => {
  const longest = conversationsOf(A).reduce((best, c) =>
    seed.messages(c).length > seed.messages(best).length ? c : best,
  );

  it('pages a whole conversation newest first with lastMessageId, in the live nested shape', async () => {
    const thread = seed.messages(longest);
    expect(thread.length).toBeGreaterThan(100);
    const served: { id: string; dateAdded: string }[] = [];
    let lastMessageId: string | undefined;
    for (let requests = 0; ; requests++) {
      expect(requests).toBeLessThan(20);
      const { status, body } = await api.call('GET', `/conversations/${longest.id}/messages`, {
        as: A,
        query: { limit: 23, ...(lastMessageId ? { lastMessageId } : {}) },
      });
      expect(status).toBe(200);
      expect(Object.keys(body)).toEqual(['messages']);
      const page = body.messages;
      served.push(...page.messages);
      expect(page.lastMessageId).toBe(page.messages.at(-1).id);
      if (!page.nextPage) break;
      expect(page.messages).toHaveLength(23);
      lastMessageId = page.lastMessageId;
    }
    expect(served.map((m) => m.id)).toEqual([...thread].reverse().map((m) => m.id));
  });

  it('defaults to 20, filters by type, and rejects a foreign lastMessageId', async () => {
    const page = (await api.call('GET', `/conversations/${longest.id}/messages`, { as: A })).body.messages;
    expect(page.messages).toHaveLength(20);
    const sms = (await api.call('GET', `/conversations/${longest.id}/messages`, { as: A, query: { type: 'TYPE_SMS', limit: 100 } })).body.messages;
    expect(sms.messages.length).toBeGreaterThan(0);
    expect(sms.messages.every((m: { messageType: string; type: number }) => m.messageType === 'TYPE_SMS' && m.type === 2)).toBe(true);
    const other = conversationsOf(A).find((c) => c.id !== longest.id)!;
    const foreign = seed.messages(other)[0]!.id;
    expect((await api.call('GET', `/conversations/${longest.id}/messages`, { as: A, query: { lastMessageId: foreign } })).status).toBe(400);
    expect((await api.call('GET', `/conversations/${conversationsOf(B)[0]!.id}/messages`, { as: A })).status).toBe(403);
  });
});

describe('POST /conversations/messages', () => {
  it('sends an SMS: stores an outbound message, moves the conversation to the top, emits OutboundMessage', async () => {
    const conversation = conversationsOf(A).at(-1)!;
    const contact = seed.contact(conversation.contactId)!;
    const { status, body } = await api.call('POST', '/conversations/messages', {
      as: A,
      body: { type: 'SMS', contactId: contact.id, message: 'Your track: https://hoopr.ai/tracks/midnight-drive' },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ conversationId: conversation.id, messageId: expect.stringMatching(/^[A-Za-z0-9]{20}$/), status: 'delivered', msg: expect.any(String) });

    const top = (await searchConversations({ limit: 1 })).body.conversations[0];
    expect(top).toMatchObject({ id: conversation.id, lastMessageBody: 'Your track: https://hoopr.ai/tracks/midnight-drive', lastMessageType: 'TYPE_SMS', lastMessageDirection: 'outbound' });
    expect(top.lastMessageDate).toBeGreaterThan(seed.location(A)!.conversations.get(conversation.id)!.lastMessageDate);
    const newest = (await api.call('GET', `/conversations/${conversation.id}/messages`, { as: A, query: { limit: 1 } })).body.messages.messages[0];
    expect(newest).toMatchObject({ id: body.messageId, direction: 'outbound', source: 'api', messageType: 'TYPE_SMS', contactId: contact.id });
    expect(api.events).toEqual([
      {
        type: 'OutboundMessage',
        locationId: A,
        payload: expect.objectContaining({ type: 'OutboundMessage', messageId: body.messageId, conversationId: conversation.id, direction: 'outbound', messageType: 'SMS' }),
      },
    ]);
  });

  it('opens a conversation for a contact that has none, and sends email with an emailMessageId', async () => {
    const talking = new Set(conversationsOf(A).map((c) => c.contactId));
    const quiet = [...seed.location(A)!.contacts.values()].find((c) => !talking.has(c.id) && c.email && !c.dnd)!;
    const { body } = await api.call('POST', '/conversations/messages', {
      as: A,
      body: { type: 'Email', contactId: quiet.id, subject: 'Licence', html: '<p>Here is your licence</p>' },
    });
    expect(body.emailMessageId).toMatch(/^[A-Za-z0-9]{20}$/);
    const opened = await api.call('GET', `/conversations/${body.conversationId}`, { as: A });
    expect(opened.body).toMatchObject({ contactId: quiet.id, type: 2, unreadCount: 0 });
    expect((await searchConversations({ contactId: quiet.id })).body.total).toBe(1);
    expect(api.events[0]!.payload).toMatchObject({ messageType: 'Email', subject: 'Licence', to: [quiet.email], emailMessageId: body.emailMessageId });
  });

  it('validates: bad type and empty SMS → 422, unknown contact → 400, other location → 403, DND → 400', async () => {
    const contactId = conversationsOf(A)[0]!.contactId;
    const badType = await api.call('POST', '/conversations/messages', { as: A, body: { type: 'Fax', contactId, message: 'hi' } });
    expect(badType.status).toBe(422);
    expect(badType.body.message[0]).toMatch(/^type must be one of the following values: SMS, Email/);
    const empty = await api.call('POST', '/conversations/messages', { as: A, body: { type: 'SMS', contactId, message: '  ' } });
    expect(empty.body).toEqual({ statusCode: 422, message: ['message should not be empty'], error: 'Unprocessable Entity' });
    expect((await api.call('POST', '/conversations/messages', { as: A, body: { type: 'SMS', contactId: 'AAAAAAAAAAAAAAAAAAAA', message: 'hi' } })).status).toBe(400);
    expect((await api.call('POST', '/conversations/messages', { as: A, body: { type: 'SMS', contactId: conversationsOf(B)[0]!.contactId, message: 'hi' } })).status).toBe(403);
    const dnd = [...seed.location(A)!.contacts.values()].find((c) => c.dnd)!;
    const blocked = await api.call('POST', '/conversations/messages', { as: A, body: { type: 'SMS', contactId: dnd.id, message: 'hi' } });
    expect(blocked.body).toEqual({ statusCode: 400, message: 'Cannot send message as DND is active for SMS.' });
    expect(api.events).toEqual([]);
  });

  it('keeps a scheduled message out of the conversation summary and the webhooks', async () => {
    const conversation = conversationsOf(A)[3]!;
    const in1h = Math.floor(Date.now() / 1000) + 3600;
    const { body } = await api.call('POST', '/conversations/messages', {
      as: A,
      body: { type: 'SMS', contactId: conversation.contactId, message: 'later', scheduledTimestamp: in1h },
    });
    expect(body.status).toBe('pending');
    const after = (await api.call('GET', `/conversations/${conversation.id}`, { as: A })).body;
    expect(after.lastMessageBody).toBe(conversation.lastMessageBody);
    const newest = (await api.call('GET', `/conversations/${conversation.id}/messages`, { as: A, query: { limit: 1 } })).body.messages.messages[0];
    expect(newest).toMatchObject({ id: body.messageId, status: 'scheduled' });
    expect(api.events).toEqual([]);
  });
});

describe('inbound messages (simulated)', () => {
  it('bump unreadCount, show as the last message, and hand back the InboundMessage to emit', async () => {
    const conversation = conversationsOf(A).find((c) => c.unreadCount === 0)!;
    const { event, message } = api.store.receiveInboundMessage(A, conversation.contactId, 'Loved hoopr:track/monsoon-groove!');
    const fetched = (await api.call('GET', `/conversations/${conversation.id}`, { as: A })).body;
    expect(fetched).toMatchObject({ unreadCount: 1, lastMessageBody: 'Loved hoopr:track/monsoon-groove!', lastMessageDirection: 'inbound' });
    expect((await searchConversations({ status: 'unread', contactId: conversation.contactId })).body.total).toBe(1);
    expect(event.payload).toMatchObject({ type: 'InboundMessage', messageId: message.id, conversationId: conversation.id });
  });
});
