import { describe, expect, it } from 'vitest';
import { useSandboxGateway } from './helpers/sandbox-gateway';
import { type SseSubscription, subscribeSse } from './helpers/sse';

const ACME = 've9EPM428h8vShlRW1KT';
const BEATLINE = 'kZ3mQ7rT1wX5yB9nC2dF';
const ACME_KEY = `sandbox-key-${ACME}`;
const GET_MESSAGES = 'GET /conversations/:conversationId/messages';
const GET_CONTACT = 'GET /contacts/:contactId';

const MESSAGES = `subscription($loc: ID!, $conv: ID) {
  messageReceived(locationId: $loc, conversationId: $conv) { rawId body direction conversation { rawId } contact { rawId name } }
}`;

describe('subscriptions over GraphQL over SSE', () => {
  const harness = useSandboxGateway();

  async function firstContact(locationId: string): Promise<{ id: string; rawId: string; name: string }> {
    const body = await harness.ask('query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { id rawId name } } } }', { loc: locationId });
    return body.data.contacts.edges[0].node;
  }

  /**
   * A contact texts the location: the sandbox stores the message and sends its InboundMessage
   * webhook; the gateway turns it into an event on its bus.
   */
  async function inboundMessage(locationId: string, contactId: string, body: string): Promise<{ conversationId: string; messageId: string }> {
    const response = await fetch(`${harness.gateway.sandboxes.hoopai!.url}/__sandbox/inbound-message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locationId, contactId, body }),
    });
    expect(response.status).toBe(200);
    const made = (await response.json()) as { conversationId: string; messageId: string };
    await harness.gateway.services.events.publish(`location:${locationId}:message`, {
      kind: 'message',
      direction: 'inbound',
      locationId,
      messageId: made.messageId,
      conversationId: made.conversationId,
      contactId,
      at: Date.now(),
    });
    return made;
  }

  const subscribe = (query: string, variables: Record<string, unknown>, key?: string, method?: 'GET' | 'POST') =>
    subscribeSse(harness.gateway.graphqlUrl, query, { variables, key, method });

  function dataOf(subscription: SseSubscription, index: number) {
    return subscription.event(index).then((event) => {
      expect(event.event).toBe('next');
      return event.data;
    });
  }

  it("delivers a location's inbound message to its subscriber, with the message's contact, and none of another location's", async () => {
    const acmeContact = await firstContact(ACME);
    const beatlineContact = await firstContact(BEATLINE);
    const acme = await subscribe(MESSAGES, { loc: ACME }, ACME_KEY);
    const beatline = await subscribe(MESSAGES, { loc: BEATLINE }, undefined, 'GET');
    try {
      expect(acme.response.statusCode).toBe(200);
      expect(acme.response.headers['content-type']).toMatch(/^text\/event-stream/);
      const before = await harness.upstreamCalls();
      const messagesBefore = await harness.hoopai.requests(GET_MESSAGES);

      // Beatline's first, so that an event of it leaking to Acme would arrive before Acme's own.
      const toBeatline = await inboundMessage(BEATLINE, beatlineContact.rawId, 'for beatline only');
      expect((await dataOf(beatline, 0)).data.messageReceived).toMatchObject({ rawId: toBeatline.messageId, body: 'for beatline only' });
      const toAcme = await inboundMessage(ACME, acmeContact.rawId, 'hello acme');

      const received = await dataOf(acme, 0);
      expect(received.errors).toBeUndefined();
      expect(received.data.messageReceived).toEqual({
        rawId: toAcme.messageId,
        body: 'hello acme',
        direction: 'INBOUND',
        conversation: { rawId: toAcme.conversationId },
        contact: { rawId: acmeContact.rawId, name: acmeContact.name },
      });
      expect(acme.events).toHaveLength(1);
      expect(beatline.events).toHaveLength(1);
      // Each event read its message once (one page of its conversation), and its conversation and contact.
      expect(await harness.hoopai.requests(GET_MESSAGES)).toBe(messagesBefore + 2);
      expect(received.extensions.cost).toMatchObject({ calls: expect.any(Number), estimatedCalls: expect.any(Number) });
      expect(received.extensions.cost.calls).toBeLessThanOrEqual(received.extensions.cost.estimatedCalls);
      const after = await harness.upstreamCalls();
      expect(after.hoopr).toBe(before.hoopr);
      expect(harness.gateway.services.subscriptions.snapshot().open).toBe(2);
    } finally {
      acme.close();
      beatline.close();
    }
    await expect.poll(() => harness.gateway.services.subscriptions.snapshot().open).toBe(0);
  });

  it('refuses a location the caller may not use up front, with FORBIDDEN, and subscribes nothing', async () => {
    const before = await harness.upstreamCalls();
    const refused = await subscribe(MESSAGES, { loc: BEATLINE }, ACME_KEY);
    await refused.ended;
    expect(refused.events.map((event) => event.event)).toEqual(['next', 'complete']);
    expect(refused.events[0]!.data.errors).toEqual([
      expect.objectContaining({ message: `This caller may not use location ${BEATLINE}.`, extensions: expect.objectContaining({ code: 'FORBIDDEN', locationId: BEATLINE }) }),
    ]);
    expect(refused.events[0]!.data.data ?? null).toBeNull();
    expect(harness.gateway.services.subscriptions.snapshot().open).toBe(0);
    expect(await harness.upstreamCalls()).toEqual(before);
  });
});
