import { verify } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../src/sandbox/hoopai/webhooks/dispatcher';
import { webhookSigningKeys, type WebhookSigningKeys } from '../src/sandbox/hoopai/webhooks/keys';
import type { WebhookEvent } from '../src/sandbox/hoopai/world';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/hoopai-sandbox';

/** The dispatcher on its own, fed events directly (as the data routes do through the world). */

const EVENT: WebhookEvent = {
  type: 'ContactDelete',
  locationId: 've9EPM428h8vShlRW1KT',
  payload: { type: 'ContactDelete', locationId: 've9EPM428h8vShlRW1KT', id: 'nmFmQEsNgz6AVpgLVUJ0' },
};
const FIXED_NOW = Date.UTC(2025, 4, 17, 9, 30, 0, 123);

let keys: WebhookSigningKeys;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  keys = await webhookSigningKeys();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((closable) => closable.close()));
});

function dispatcher(options: Partial<WebhookDispatcherOptions> = {}) {
  const logged: string[] = [];
  const created = new WebhookDispatcher({ keys, now: () => FIXED_NOW, retries: 2, initialRetryDelayMs: 5, log: (m) => logged.push(m), ...options });
  open.push(created);
  return { dispatcher: created, logged };
}

async function receiver(answer?: (n: number) => number | Promise<number>): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(answer);
  open.push(started);
  return started;
}

describe('WebhookDispatcher', () => {
  it('adds timestamp (the clock’s time) and webhookId to the payload and signs the bytes sent', async () => {
    const target = await receiver();
    const { dispatcher: hooks } = dispatcher({ targetUrl: target.url });
    hooks.emit(EVENT);
    await hooks.idle();
    const [delivery] = target.received;
    expect(delivery!.json).toEqual({ ...EVENT.payload, timestamp: '2025-05-17T09:30:00.123Z', webhookId: expect.any(String) });
    const signature = Buffer.from(String(delivery!.headers['x-ghl-signature']), 'base64');
    expect(verify(null, delivery!.rawBody, keys.ed25519PublicKeyPem, signature)).toBe(true);
  });

  it('gives every event its own webhookId', async () => {
    const target = await receiver();
    const { dispatcher: hooks } = dispatcher({ targetUrl: target.url });
    for (let i = 0; i < 5; i++) hooks.emit(EVENT);
    await hooks.idle();
    expect(new Set(target.received.map((delivery) => delivery.json.webhookId)).size).toBe(5);
  });

  it('returns from emit before the receiver answers; idle waits for it', async () => {
    let release!: () => void;
    const held = new Promise<number>((resolve) => (release = () => resolve(200)));
    const target = await receiver(() => held);
    const { dispatcher: hooks } = dispatcher({ targetUrl: target.url });
    hooks.emit(EVENT);
    let idle = false;
    const waiting = hooks.idle().then(() => (idle = true));
    await expect.poll(() => target.received.length, { timeout: 5_000 }).toBe(1);
    expect(idle).toBe(false);
    release();
    await waiting;
    expect(idle).toBe(true);
  });

  it('treats a 4xx as final: one attempt, reported', async () => {
    const target = await receiver(() => 410);
    const { dispatcher: hooks, logged } = dispatcher({ targetUrl: target.url });
    hooks.emit(EVENT);
    await hooks.idle();
    expect(target.received).toHaveLength(1);
    expect(logged).toEqual([expect.stringMatching(/ContactDelete .* not delivered: receiver refused it with 410/)]);
  });

  it('retries 5xx the configured number of times, then gives up and reports once', async () => {
    const target = await receiver(() => 500);
    const { dispatcher: hooks, logged } = dispatcher({ targetUrl: target.url });
    hooks.emit(EVENT);
    await hooks.idle();
    expect(target.received).toHaveLength(3);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/receiver answered 500/);
  });

  it('retries an unreachable receiver and gives up', async () => {
    const gone = await startWebhookReceiver();
    await gone.close();
    const { dispatcher: hooks, logged } = dispatcher({ targetUrl: gone.url });
    hooks.emit(EVENT);
    await hooks.idle();
    expect(logged).toEqual([expect.stringMatching(/connection failed/)]);
  });

  it('drops events while no target is set, and refuses a target that is not http(s)', async () => {
    const target = await receiver();
    const { dispatcher: hooks } = dispatcher();
    hooks.emit({ ...EVENT, payload: { ...EVENT.payload, id: 'dropped' } });
    hooks.setTargetUrl(target.url);
    hooks.emit(EVENT);
    await hooks.idle();
    expect(target.received.map((delivery) => delivery.json.id)).toEqual([EVENT.payload.id]);
    expect(() => hooks.setTargetUrl('ftp://example.test/hooks')).toThrow(/http/);
    expect(() => hooks.setTargetUrl('not a url')).toThrow();
  });

  it('close abandons deliveries that are waiting to be retried', async () => {
    const target = await receiver(() => 503);
    const { dispatcher: hooks, logged } = dispatcher({ targetUrl: target.url, initialRetryDelayMs: 60_000 });
    hooks.emit(EVENT);
    await expect.poll(() => target.received.length, { timeout: 5_000 }).toBe(1);
    await hooks.close();
    hooks.emit(EVENT);
    expect(target.received).toHaveLength(1);
    expect(logged).toEqual([]);
  });
});
