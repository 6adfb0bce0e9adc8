import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { useHoopaiWebhooks } from '../src/server/plugins/use-hoopai-webhooks';
import { MemoryDeliveryClaims } from '../src/server/webhooks/delivery-claims';
import { sandboxWebhookKeys } from '../src/server/webhooks/sandbox-keys';
import { WebhookProcessor } from '../src/server/webhooks/webhook-processor';
import { WebhookQueue } from '../src/server/webhooks/webhook-queue';
import { type DeliveryOutcome, WebhookReceiver } from '../src/server/webhooks/webhook-receiver';
import { CrmCache } from '../src/upstream/crm-cache/crm-cache';
import type { EventKind, EventOfKind, LocationTopic, PublishOutcome } from '../src/upstream/events/index';
import { MemoryEventBus } from '../src/upstream/events/memory-event-bus';
import { deliver, signedDelivery } from './helpers/webhook-delivery';

/**
 * The queue bound: the receiver on a real socket, with real keys (the sandbox's, from its
 * control plane), claims, cache and queue (capacity 2: one processing, one waiting). The one
 * stand-in is the event channel, held shut until the test opens it, as a Redis that answers
 * slowly would: deliveries then pile up behind the first.
 */

class HeldEventBus extends MemoryEventBus {
  #open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.#open = resolve));
  readonly published: string[] = [];

  open(): void {
    this.#open();
  }

  override async publish<K extends EventKind>(topic: LocationTopic<K>, event: EventOfKind<K>): Promise<PublishOutcome> {
    await this.opened;
    this.published.push((event as { contactId: string }).contactId);
    return super.publish(topic, event);
  }
}

let sandbox: RunningHoopaiSandbox;
let server: Server;
let url: string;
const events = new HeldEventBus();
const queue = new WebhookQueue(1);
const outcomes: DeliveryOutcome[] = [];

beforeAll(async () => {
  sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  const receiver = new WebhookReceiver({
    keys: await sandboxWebhookKeys(sandbox.url),
    claims: new MemoryDeliveryClaims({ ttlMs: 600_000 }),
    queue,
    processor: new WebhookProcessor({ cache: new CrmCache(), events }),
    toleranceMs: 300_000,
    maxBytes: 65_536,
    onDelivery: (_type, outcome) => outcomes.push(outcome),
  });
  const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }), plugins: [useHoopaiWebhooks(receiver)], logging: false });
  server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  events.open();
  await queue.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sandbox.close();
});

const update = (contactId: string) => signedDelivery({ type: 'ContactUpdate', locationId: 've9EPM428h8vShlRW1KT', id: contactId });

describe('the bounded queue', () => {
  it('acknowledges while there is room, answers 503 with Retry-After when full, and applies the refused delivery when it comes again', async () => {
    const first = await update('c1');
    const second = await update('c2');
    const third = await update('c3');
    // Acknowledged at once, though nothing could be processed yet.
    expect((await deliver(url, first)).body).toEqual({ status: 'accepted' });
    expect((await deliver(url, second)).body).toEqual({ status: 'accepted' });
    expect(queue.size).toBe(2);

    const refused = await deliver(url, third);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body.errors[0].extensions.code).toBe('WEBHOOK_QUEUE_FULL');
    expect(queue.size).toBe(2);

    events.open();
    await queue.idle();
    expect(events.published).toEqual(['c1', 'c2']);
    // HoopAI delivers the refused one again: it was not claimed, so it is applied now.
    expect((await deliver(url, third)).body).toEqual({ status: 'accepted' });
    await queue.idle();
    expect(events.published).toEqual(['c1', 'c2', 'c3']);
    expect(outcomes).toEqual(['accepted', 'accepted', 'queue_full', 'accepted']);
  });
});
