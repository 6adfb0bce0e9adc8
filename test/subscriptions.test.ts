import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { useSandboxGateway } from './helpers/sandbox-gateway';
import { type SseSubscription, subscribeSse } from './helpers/sse';
import { sandboxControl } from './helpers/upstream-sandbox-control';

const ACME = 've9EPM428h8vShlRW1KT';
const BEATLINE = 'kZ3mQ7rT1wX5yB9nC2dF';
const ACME_KEY = `sandbox-key-${ACME}`;
const GET_MESSAGES = 'GET /conversations/:conversationId/messages';
const GET_CONTACT = 'GET /contacts/:contactId';

const MESSAGES = `subscription($loc: ID!, $conv: ID) {
  messageReceived(locationId: $loc, conversationId: $conv) { rawId body direction conversation { rawId } contact { rawId name } }
}`;

/** Small, so a subscriber that stops reading overflows it after its socket's buffers are full. */
const BUFFER_EVENTS = 32;

describe('subscriptions over GraphQL over SSE', () => {
  const harness = useSandboxGateway({ SUBSCRIPTION_BUFFER_EVENTS: String(BUFFER_EVENTS) });

  async function firstContact(locationId: string): Promise<{ id: string; rawId: string; name: string }> {
    const body = await harness.ask('query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { id rawId name } } } }', { loc: locationId });
    return body.data.contacts.edges[0].node;
  }

  /**
   * A contact texts the location: the sandbox stores the message and sends its signed
   * InboundMessage webhook to the gateway, whose receiver publishes it on the event bus.
   */
  async function inboundMessage(locationId: string, contactId: string, body: string): Promise<{ conversationId: string; messageId: string }> {
    const response = await fetch(`${harness.gateway.sandboxes.hoopai!.url}/__sandbox/inbound-message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locationId, contactId, body }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { conversationId: string; messageId: string };
  }

  /** Every webhook the sandbox has sent so far is delivered, and every delivery processed (its events published). */
  async function webhooksSettled(): Promise<void> {
    await harness.gateway.sandboxes.hoopai!.webhooksIdle();
    await harness.gateway.webhooks.idle();
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
    const acmeAgain = await subscribe(MESSAGES, { loc: ACME });
    const beatline = await subscribe(MESSAGES, { loc: BEATLINE }, undefined, 'GET');
    try {
      expect(acme.response.statusCode).toBe(200);
      expect(acme.response.headers['content-type']).toMatch(/^text\/event-stream/);
      const before = await harness.upstreamCalls();
      const messagesBefore = await harness.hoopai.requests(GET_MESSAGES);

      // Beatline's first, so that an event of it leaking to Acme would arrive before Acme's own.
      const toBeatline = await inboundMessage(BEATLINE, beatlineContact.rawId, 'for beatline only');
      expect((await dataOf(beatline, 0)).data.messageReceived).toMatchObject({ rawId: toBeatline.messageId, body: 'for beatline only' });
      const sentAt = performance.now();
      const toAcme = await inboundMessage(ACME, acmeContact.rawId, 'hello acme');

      const received = await dataOf(acme, 0);
      // Reported, not asserted (the machine may be loaded): inbound message → webhook → event on the stream.
      console.info(`inbound message to subscriber: ${Math.round(performance.now() - sentAt)} ms`);
      expect(received.errors).toBeUndefined();
      expect(received.data.messageReceived).toEqual({
        rawId: toAcme.messageId,
        body: 'hello acme',
        direction: 'INBOUND',
        conversation: { rawId: toAcme.conversationId },
        contact: { rawId: acmeContact.rawId, name: acmeContact.name },
      });
      expect((await dataOf(acmeAgain, 0)).data).toEqual(received.data);
      expect(acme.events).toHaveLength(1);
      expect(beatline.events).toHaveLength(1);
      // Each message was read once (its conversation's newest page), however many subscribers delivered it.
      expect(await harness.hoopai.requests(GET_MESSAGES)).toBe(messagesBefore + 2);
      // At most: the newest page (1), a scan further back (5), its conversation (1) and its contact (2).
      expect(received.extensions.cost.estimatedCalls).toBe(9);
      expect(received.extensions.cost.calls + acmeAgain.events[0]!.data.extensions.cost.calls).toBeLessThanOrEqual(3 + 2);
      const after = await harness.upstreamCalls();
      expect(after.hoopr).toBe(before.hoopr);
      expect(harness.gateway.services.subscriptions.snapshot().open).toBe(3);
    } finally {
      acme.close();
      acmeAgain.close();
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
    await expect.poll(() => harness.gateway.services.subscriptions.snapshot().open).toBe(0);
    expect(await harness.upstreamCalls()).toEqual(before);
  });

  it('delivers a message sent through the gateway once, though the send and its webhook both announce it', async () => {
    const contact = await firstContact(ACME);
    const subscription = await subscribe(MESSAGES, { loc: ACME });
    // What the bus carries, as the gateway's own consumers see it.
    const announced = harness.gateway.services.events.subscribe(`location:${ACME}:message`);
    try {
      const sent = await harness.ask(
        'mutation($id: ID!) { sendMessage(input: { contactId: $id, channel: SMS, message: "on its way" }) { ... on SendMessagePayload { sentMessage { rawId } } } }',
        { id: contact.id },
      );
      const { sentMessage } = sent.data.sendMessage;
      const first = await dataOf(subscription, 0);
      expect(first.data.messageReceived).toMatchObject({ rawId: sentMessage.rawId, body: 'on its way', direction: 'OUTBOUND' });
      // HoopAI's OutboundMessage webhook for it arrives too, and is announced again.
      await webhooksSettled();
      const announcements = [(await announced.next()).value, (await announced.next()).value];
      expect(announcements.map((event) => event.messageId)).toEqual([sentMessage.rawId, sentMessage.rawId]);

      // A later message: when it arrives, a repeat of the first would have arrived before it.
      const later = await inboundMessage(ACME, contact.rawId, 'thanks!');
      expect((await dataOf(subscription, 1)).data.messageReceived).toMatchObject({ rawId: later.messageId, body: 'thanks!', direction: 'INBOUND' });
      expect(subscription.events.map((event) => event.data.data.messageReceived.rawId)).toEqual([sentMessage.rawId, later.messageId]);
    } finally {
      subscription.close();
      await announced.return();
    }
  });

  it("follows one conversation when asked, a location's conversations and its contacts, each event read fresh", async () => {
    const [contact, other] = (await harness.ask('query($loc: ID!) { contacts(locationId: $loc, first: 2) { edges { node { id rawId } } } }', { loc: ACME })).data.contacts.edges.map(
      (edge: { node: { id: string; rawId: string } }) => edge.node,
    );
    const first = await inboundMessage(ACME, contact.rawId, 'first');
    const conversation = (await harness.ask('query($loc: ID!) { conversations(locationId: $loc, first: 1) { edges { node { id rawId } } } }', { loc: ACME })).data
      .conversations.edges[0].node;
    expect(conversation.rawId).toBe(first.conversationId);
    await webhooksSettled();

    const oneConversation = await subscribe(MESSAGES, { loc: ACME, conv: conversation.id });
    const conversations = await subscribe('subscription($loc: ID!) { conversationUpdated(locationId: $loc) { rawId lastMessageBody contact { rawId } } }', { loc: ACME });
    const contacts = await subscribe('subscription($loc: ID!) { contactChanged(locationId: $loc) { kind contactId contact { firstName } } }', { loc: ACME });
    try {
      await inboundMessage(ACME, other.rawId, 'elsewhere');
      await inboundMessage(ACME, contact.rawId, 'here');
      expect((await dataOf(oneConversation, 0)).data.messageReceived.body).toBe('here');
      await webhooksSettled();
      expect(oneConversation.events).toHaveLength(1);

      // Each step settles (the gateway's own announcement and HoopAI's webhook for it) before the next.
      const bodies = () => conversations.events.map((event) => event.data.data.conversationUpdated.lastMessageBody);
      const send = async (message: string) => {
        await harness.ask('mutation($id: ID!, $m: String!) { sendMessage(input: { contactId: $id, channel: SMS, message: $m }) { __typename } }', { id: contact.id, m: message });
        await webhooksSettled();
      };
      await send('one');
      await expect.poll(() => bodies().at(-1)).toBe('one');
      expect(conversations.events.at(-1)!.data.data.conversationUpdated).toEqual({ rawId: first.conversationId, lastMessageBody: 'one', contact: { rawId: contact.rawId } });
      await send('two');
      // Read again for every event, never served from what an earlier event loaded.
      await expect.poll(() => bodies().at(-1)).toBe('two');

      const rename = async (name: string) => {
        await harness.ask('mutation($id: ID!, $n: String!) { updateContact(input: { id: $id, firstName: $n }) { __typename } }', { id: contact.id, n: name });
        await webhooksSettled();
      };
      await rename('Renamed');
      await rename('Again');
      await harness.ask('mutation($id: ID!) { deleteContact(input: { id: $id }) { __typename } }', { id: contact.id });
      await webhooksSettled();
      await expect.poll(() => contacts.events.at(-1)?.data.data.contactChanged.kind).toBe('DELETED');
      const changes = contacts.events.map((event) => event.data.data.contactChanged);
      expect(changes.every((change) => change.contactId === contact.id)).toBe(true);
      // The same change may be told twice (the write, then HoopAI's webhook): each tells the contact as it is.
      const told = changes.filter((change, index) => index === 0 || JSON.stringify(change) !== JSON.stringify(changes[index - 1]));
      expect(told).toEqual([
        { kind: 'UPDATED', contactId: contact.id, contact: { firstName: 'Renamed' } },
        { kind: 'UPDATED', contactId: contact.id, contact: { firstName: 'Again' } },
        { kind: 'DELETED', contactId: contact.id, contact: null },
      ]);
      // A deletion costs nothing to tell.
      expect(contacts.events.at(-1)!.data.extensions.cost.calls).toBe(0);
    } finally {
      oneConversation.close();
      conversations.close();
      contacts.close();
    }
  });

  it('refuses a subscription asked for without accepting an event stream, with BAD_REQUEST (406), and subscribes nothing', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const response = await fetch(harness.gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept, authorization: 'Bearer sandbox-dev-key' },
        body: JSON.stringify({ query: MESSAGES, variables: { loc: ACME } }),
      });
      expect(response.status).toBe(406);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('accept: text/event-stream'), extensions: expect.objectContaining({ code: 'BAD_REQUEST' }) })]);
    }
    await expect.poll(() => harness.gateway.services.subscriptions.snapshot().open).toBe(0);
  });

  it('refuses up front a subscription whose every event could cost more than a request may', async () => {
    const before = await harness.upstreamCalls();
    const refused = await subscribe(
      `subscription($loc: ID!) { messageReceived(locationId: $loc) {
        contact { conversations(first: 100) { edges { node { messages(first: 100) { edges { node { contact { name } } } } } } } }
      } }`,
      { loc: ACME },
    );
    await refused.ended;
    expect(refused.events.map((event) => event.event)).toEqual(['next', 'complete']);
    expect(refused.events[0]!.data.errors[0].extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', limit: 200 });
    expect(refused.events[0]!.data.errors[0].extensions.estimatedCalls).toBeGreaterThan(200);
    await expect.poll(() => harness.gateway.services.subscriptions.snapshot().open).toBe(0);
    expect(await harness.upstreamCalls()).toEqual(before);
  });

  it("charges each event's upstream calls to the caller's budget per minute, as a query's", async () => {
    const contact = await firstContact(ACME);
    const subscription = await subscribe(MESSAGES, { loc: ACME }, ACME_KEY);
    try {
      const budgetOf = async () => ((await harness.ask('{ viewer { name } }', {}, ACME_KEY)) as any).extensions.cost.callerBudget.remaining as number;
      const before = await budgetOf();
      await inboundMessage(ACME, contact.rawId, 'charged');
      const event = await dataOf(subscription, 0);
      expect(event.extensions.cost.calls).toBeGreaterThan(0);
      expect(await budgetOf()).toBe(before - event.extensions.cost.calls);
    } finally {
      subscription.close();
    }
  });

  it('ends the subscription of a subscriber that stops reading, with SUBSCRIBER_TOO_SLOW, holding at most its buffer meanwhile; one that reads gets every event', async () => {
    const contact = await firstContact(ACME);
    const query = 'subscription($loc: ID!) { contactChanged(locationId: $loc) { kind contactId } }';
    const slow = await subscribe(query, { loc: ACME });
    const reading = await subscribe(query, { loc: ACME });
    const registry = harness.gateway.services.subscriptions;
    // These two only (the earlier tests' streams, closed by their clients, go away meanwhile).
    await expect.poll(() => registry.snapshot().open).toBe(2);
    const endedBefore = registry.snapshot().endedTooSlow;
    slow.pause();
    let published = 0;
    let mostBuffered = 0;
    // Small bursts, each given a turn of the event loop: a subscriber that reads keeps up;
    // one that does not fills its socket's buffers, then its subscription's own.
    while (registry.snapshot().endedTooSlow === endedBefore && published < 100_000) {
      for (let i = 0; i < 8; i++, published++) {
        await harness.gateway.services.events.publish(`location:${ACME}:contact`, { kind: 'contact', change: 'updated', locationId: ACME, contactId: contact.rawId, at: Date.now() });
      }
      mostBuffered = Math.max(mostBuffered, registry.snapshot().mostBuffered);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(registry.snapshot().endedTooSlow).toBe(endedBefore + 1);
    expect(mostBuffered).toBeLessThanOrEqual(BUFFER_EVENTS);
    // Ended: the slow one is no longer subscribed and holds nothing; the reading one goes on.
    expect(registry.snapshot()).toMatchObject({ open: 1 });
    // What an operator sees.
    const metrics = await (await fetch(`${harness.gateway.url}/metrics`)).text();
    expect(metrics).toContain('gateway_subscriptions_ended_total{reason="too_slow"} 1');
    expect(metrics).toMatch(/^gateway_subscriptions_open 1$/m);
    expect(Number(/^gateway_subscription_buffered_events (\d+)$/m.exec(metrics)?.[1])).toBeLessThanOrEqual(BUFFER_EVENTS);
    await reading.event(published - 1, 30_000);
    expect(reading.events.every((event) => event.data.data.contactChanged.kind === 'UPDATED')).toBe(true);

    slow.resume();
    await slow.ended;
    const last = slow.events.at(-1)!;
    const reason = slow.events.at(-2)!;
    expect(last.event).toBe('complete');
    expect(reason.data.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBSCRIBER_TOO_SLOW', bufferSize: BUFFER_EVENTS }) })]);
    const delivered = slow.events.filter((event) => event.data?.data?.contactChanged).length;
    expect(delivered).toBeGreaterThan(BUFFER_EVENTS);
    expect(delivered).toBeLessThan(published);
    console.info(`slow subscriber: ${published} events published; the reading one got all, the paused one ${delivered} (its socket's buffers) before it was ended`);
    reading.close();
  }, 120_000);

  it('ends every open stream with SHUTTING_DOWN when the gateway shuts down', async () => {
    const subscription = await subscribe('subscription($loc: ID!) { contactChanged(locationId: $loc) { kind } }', { loc: ACME });
    const own = await startSandboxGateway();
    const ownSubscription = await subscribeSse(own.graphqlUrl, 'subscription($loc: ID!) { conversationUpdated(locationId: $loc) { rawId } }', { variables: { loc: ACME } });
    expect(own.services.subscriptions.snapshot().open).toBe(1);
    await own.close(1_000);
    await ownSubscription.ended;
    expect(ownSubscription.comments).toContain('the gateway is shutting down; subscribe again');
    expect(ownSubscription.events.map((event) => event.event)).toEqual(['next', 'complete']);
    expect(ownSubscription.events[0]!.data.errors[0].extensions.code).toBe('SHUTTING_DOWN');
    await expect.poll(() => own.services.subscriptions.snapshot().open).toBe(0);
    subscription.close();
  });
});

describe('subscriptions on a gateway with a small caller budget and a short request deadline', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startSandboxGateway({ CALLER_UPSTREAM_CALLS_PER_MINUTE: '10', MAX_UPSTREAM_CALLS_PER_REQUEST: '10', REQUEST_TIMEOUT_MS: '1000' });
  });
  afterAll(() => gateway?.close(1_000));

  async function contactOf(locationId: string, key: string): Promise<string> {
    const { body } = await graphql<any>(gateway.graphqlUrl, 'query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { rawId } } } }', { key, variables: { loc: locationId } });
    return body.data.contacts.edges[0].node.rawId;
  }
  async function inbound(locationId: string, contactId: string, body: string): Promise<string> {
    const response = await fetch(`${gateway.sandboxes.hoopai!.url}/__sandbox/inbound-message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locationId, contactId, body }),
    });
    return ((await response.json()) as { messageId: string }).messageId;
  }

  it('answers an event that arrives while the budget is spent with CALLER_BUDGET_EXHAUSTED, and goes on', async () => {
    // A caller of its own: its minute starts full (10 calls).
    const key = `sandbox-key-${ACME}`;
    const contact = await contactOf(ACME, key);
    const subscription = await subscribeSse(gateway.graphqlUrl, MESSAGES, { key, variables: { loc: ACME } });
    try {
      // The contacts page cost 1; the first event reserves its 9, makes 3: 6 left, fewer than the next event's 9.
      await inbound(ACME, contact, 'first');
      const first = (await subscription.event(0)).data;
      expect(first.errors).toBeUndefined();
      expect(first.extensions.cost).toMatchObject({ estimatedCalls: 9, calls: 3, callerBudget: { perMinute: 10, remaining: 6 } });
      const calls = await sandboxControl(gateway.sandboxes.hoopai!.url).stats();

      await inbound(ACME, contact, 'second');
      const second = (await subscription.event(1)).data;
      expect(second.data ?? null).toBeNull();
      expect(second.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'CALLER_BUDGET_EXHAUSTED', retryAfterMs: expect.any(Number) }) })]);
      // Nothing was called for it, and the subscription is still open.
      expect((await sandboxControl(gateway.sandboxes.hoopai!.url).stats()).requests['GET /conversations/:conversationId/messages']).toBe(
        calls.requests['GET /conversations/:conversationId/messages'],
      );
      await expect.poll(() => gateway.services.subscriptions.snapshot().open).toBe(1);
      expect(subscription.events.every((event) => event.event === 'next')).toBe(true);
    } finally {
      subscription.close();
    }
  });

  it('resolves an event that comes after the subscription outlived REQUEST_TIMEOUT_MS: each event has a deadline of its own', async () => {
    const contact = await contactOf(ACME, 'sandbox-dev-key');
    const subscription = await subscribeSse(gateway.graphqlUrl, MESSAGES, { variables: { loc: ACME } });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const messageId = await inbound(ACME, contact, 'late but fine');
      const event = (await subscription.event(0)).data;
      expect(event.errors).toBeUndefined();
      expect(event.data.messageReceived).toMatchObject({ rawId: messageId, body: 'late but fine' });
    } finally {
      subscription.close();
    }
  });

  it('answers an event whose message cannot be read (HoopAI failing) with null and the error, and goes on', async () => {
    const key = `sandbox-key-${BEATLINE}`;
    const contact = await contactOf(BEATLINE, key);
    const subscription = await subscribeSse(gateway.graphqlUrl, 'subscription($loc: ID!) { messageReceived(locationId: $loc) { body } }', {
      key,
      variables: { loc: BEATLINE },
    });
    const hoopai = sandboxControl(gateway.sandboxes.hoopai!.url);
    try {
      await hoopai.faults({ errorRate: 1, errorStatus: 503 });
      await inbound(BEATLINE, contact, 'unreadable');
      const failed = (await subscription.event(0, 30_000)).data;
      expect(failed.data).toEqual({ messageReceived: null });
      expect(failed.errors).toEqual([expect.objectContaining({ path: ['messageReceived'], extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', upstream: 'hoopai' }) })]);
      // Still open (the earlier tests' streams, closed by their clients, go away meanwhile).
      expect(subscription.events.map((event) => event.event)).toEqual(['next']);
      await expect.poll(() => gateway.services.subscriptions.snapshot().open).toBe(1);
    } finally {
      await hoopai.faults({});
      subscription.close();
    }
  });
});
