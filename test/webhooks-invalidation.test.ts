import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { call, controlPost, startWebhookReceiver, type WebhookReceiver } from './helpers/hoopai-sandbox';
import { useSandboxGateway } from './helpers/sandbox-gateway';
import { deliver, deliveryCounts, relayed, signedDelivery } from './helpers/webhook-delivery';

/**
 * After HoopAI's webhook for a change is accepted, the gateway never serves the older state:
 * each test reads through the gateway until the object is cached, changes it upstream (the
 * sandbox's data routes, which deliver the signed webhook), shows the cached copy is stale
 * while the webhook is held back, then delivers it and reads the new state, counting the
 * upstream calls each step made.
 */

const LOCATION = SANDBOX_LOCATIONS[0]!.id;
const harness = useSandboxGateway();
/** Catches the sandbox's deliveries so a test decides when the gateway gets them. */
let held: WebhookReceiver;

beforeAll(async () => {
  held = await startWebhookReceiver();
});
afterAll(async () => {
  await held.close();
});
beforeEach(async () => {
  harness.gateway.services.crm.cache.clear();
  held.received.length = 0;
  harness.gateway.sandboxes.hoopai!.setWebhookUrl(`${harness.gateway.url}/webhooks/hoopai`);
});

const sandboxUrl = () => harness.gateway.sandboxes.hoopai!.url;
const upstream = (method: string, path: string, json?: unknown) => call(sandboxUrl(), method, path, { token: privateIntegrationKey(LOCATION), json });
const getContactCalls = () => harness.hoopai.requests('GET /contacts/:contactId');

/** Deliveries the sandbox makes from now on wait in `held` until relayed. */
function holdDeliveries(): void {
  harness.gateway.sandboxes.hoopai!.setWebhookUrl(held.url);
}

/** Waits for the sandbox's deliveries, then for the gateway's queue. */
async function deliveriesSettled(): Promise<void> {
  await harness.gateway.sandboxes.hoopai!.webhooksIdle();
  await harness.gateway.webhooks.idle();
}

async function someContact(): Promise<{ id: string; rawId: string }> {
  const answer = await harness.ask(`query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { id rawId } } } }`, { loc: LOCATION });
  return answer.data.contacts.edges[0].node;
}

const CONTACT = `query($id: ID!) { contact(id: $id) { firstName tags } }`;
const readContact = async (id: string) => (await harness.ask(CONTACT, { id })).data.contact as { firstName: string; tags: string[] } | null;

describe('contacts', () => {
  it('in sandbox mode the sandbox delivers to the gateway: a contact changed upstream is fresh on the next read', async () => {
    const contact = await someContact();
    await readContact(contact.id);
    await readContact(contact.id);
    expect(await getContactCalls()).toBe(1);

    expect((await upstream('PUT', `/contacts/${contact.rawId}`, { firstName: 'Webhooked' })).status).toBe(200);
    await deliveriesSettled();

    expect((await readContact(contact.id))!.firstName).toBe('Webhooked');
    expect(await getContactCalls()).toBe(2);
    const counts = await deliveryCounts(harness.gateway.observability.metrics);
    expect(counts['ContactUpdate/accepted']).toBeGreaterThanOrEqual(1);
  });

  it('fields, tags and deletion: stale while the webhook is held back, fresh right after it is accepted', async () => {
    const contact = await someContact();
    const before = (await readContact(contact.id))!;
    holdDeliveries();

    // Fields.
    expect((await upstream('PUT', `/contacts/${contact.rawId}`, { firstName: 'Renamed' })).status).toBe(200);
    await harness.gateway.sandboxes.hoopai!.webhooksIdle();
    expect((await readContact(contact.id))!.firstName).toBe(before.firstName);
    expect(await getContactCalls()).toBe(1);
    const update = held.received.find((delivery) => delivery.json.type === 'ContactUpdate')!;
    expect((await deliver(harness.gateway.url, relayed(update))).body).toEqual({ status: 'accepted' });
    expect((await readContact(contact.id))!.firstName).toBe('Renamed');
    expect(await getContactCalls()).toBe(2);

    // Tags.
    expect((await upstream('POST', `/contacts/${contact.rawId}/tags`, { tags: ['from-webhook'] })).status).toBe(201);
    await harness.gateway.sandboxes.hoopai!.webhooksIdle();
    expect((await readContact(contact.id))!.tags).not.toContain('from-webhook');
    expect(await getContactCalls()).toBe(2);
    const tagged = held.received.find((delivery) => delivery.json.type === 'ContactTagUpdate')!;
    expect((await deliver(harness.gateway.url, relayed(tagged))).status).toBe(200);
    expect((await readContact(contact.id))!.tags).toContain('from-webhook');
    expect(await getContactCalls()).toBe(3);

    // Deletion.
    expect((await upstream('DELETE', `/contacts/${contact.rawId}`)).status).toBe(200);
    await harness.gateway.sandboxes.hoopai!.webhooksIdle();
    expect(await readContact(contact.id)).not.toBeNull();
    const deleted = held.received.find((delivery) => delivery.json.type === 'ContactDelete')!;
    expect((await deliver(harness.gateway.url, relayed(deleted))).status).toBe(200);
    expect(await readContact(contact.id)).toBeNull();
    expect(await getContactCalls()).toBe(4);
  });
});

describe('conversations and messages', () => {
  const CONVERSATION = `query($id: ID!) { conversation(id: $id) { unreadCount lastMessageBody messages(first: 1) { edges { node { body direction } } } } }`;

  it('an inbound message: the conversation (unread count) and its messages are fresh after its webhook', async () => {
    const answer = await harness.ask(`query($loc: ID!) { conversations(locationId: $loc, first: 1) { edges { node { id rawId contact { rawId } } } } }`, { loc: LOCATION });
    const conversation = answer.data.conversations.edges[0].node;
    const read = async () => (await harness.ask(CONVERSATION, { id: conversation.id })).data.conversation;
    const before = await read();
    await read();
    const conversationCalls = () => harness.hoopai.requests('GET /conversations/:conversationId');
    expect(await conversationCalls()).toBe(1);
    holdDeliveries();

    const sent = await controlPost(sandboxUrl(), '/__sandbox/inbound-message', { locationId: LOCATION, contactId: conversation.contact.rawId, body: 'Is the mix ready?' });
    expect(sent.status).toBe(200);
    expect(sent.body.conversationId).toBe(conversation.rawId);
    await harness.gateway.sandboxes.hoopai!.webhooksIdle();
    const stale = await read();
    expect([stale.unreadCount, stale.lastMessageBody]).toEqual([before.unreadCount, before.lastMessageBody]);
    expect(await conversationCalls()).toBe(1);

    const inbound = held.received.find((delivery) => delivery.json.type === 'InboundMessage')!;
    expect((await deliver(harness.gateway.url, relayed(inbound))).body).toEqual({ status: 'accepted' });
    const after = await read();
    expect(after.unreadCount).toBe((before.unreadCount ?? 0) + 1);
    expect(after.lastMessageBody).toBe('Is the mix ready?');
    expect(after.messages.edges[0].node).toEqual({ body: 'Is the mix ready?', direction: 'INBOUND' });
    expect(await conversationCalls()).toBe(2);
  });
});

describe('unread changes', () => {
  it('ConversationUnreadUpdate drops the cached conversation', async () => {
    const answer = await harness.ask(`query($loc: ID!) { conversations(locationId: $loc, first: 1) { edges { node { id rawId contact { rawId } } } } }`, { loc: LOCATION });
    const conversation = answer.data.conversations.edges[0].node;
    const read = () => harness.ask(`query($id: ID!) { conversation(id: $id) { unreadCount } }`, { id: conversation.id });
    const conversationCalls = () => harness.hoopai.requests('GET /conversations/:conversationId');
    await read();
    await read();
    expect(await conversationCalls()).toBe(1);

    // As documented (ConversationUnreadWebhook.example.json); the sandbox does not emit this one, so it is signed here with the sandbox's keys.
    const unread = await signedDelivery({ type: 'ConversationUnreadUpdate', locationId: LOCATION, id: conversation.rawId, contactId: conversation.contact.rawId, unreadCount: 0 });
    expect((await deliver(harness.gateway.url, unread)).body).toEqual({ status: 'accepted' });
    await read();
    expect(await conversationCalls()).toBe(2);
  });
});

describe('events for the other instances and for subscriptions', () => {
  it('an accepted delivery is published on services.events, on its location’s topics', async () => {
    const contact = await someContact();
    const events = harness.gateway.services.events.subscribeEveryLocation();
    try {
      expect((await upstream('PUT', `/contacts/${contact.rawId}`, { lastName: 'Evented' })).status).toBe(200);
      await deliveriesSettled();
      const { value } = await events.next();
      expect(value).toMatchObject({ kind: 'contact', change: 'updated', locationId: LOCATION, contactId: contact.rawId, origin: harness.gateway.services.events.instanceId });
    } finally {
      await events.return!();
    }
  });
});
