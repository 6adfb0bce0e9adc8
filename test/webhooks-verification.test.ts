import { generateKeyPairSync, sign as signWith } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { useSandboxGateway } from './helpers/sandbox-gateway';
import { deliver, deliveryCounts, sign, signedDelivery, type Delivery } from './helpers/webhook-delivery';

/**
 * What `POST /webhooks/hoopai` refuses, and that a refusal changes nothing: each test caches a
 * contact, sends a delivery that names it, and reads it again — an accepted delivery costs
 * one more `GET /contacts/:id`, a refused one none. Deliveries are signed by the sandbox's
 * signing code with its keys, which the gateway fetched from the sandbox's control plane.
 */

const LOCATION = SANDBOX_LOCATIONS[0]!.id;
let logged = '';
const harness = useSandboxGateway({ HOOPAI_WEBHOOK_MAX_BYTES: '4096' }, createLogger({ level: 'info', destination: { write: (line: string) => void (logged += line) } }));
let contact: { id: string; rawId: string };

beforeEach(async () => {
  harness.gateway.services.crm.cache.clear();
  const answer = await harness.ask(`query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { id rawId } } } }`, { loc: LOCATION });
  contact = answer.data.contacts.edges[0].node;
  await harness.ask(`query($id: ID!) { contact(id: $id) { firstName } }`, { id: contact.id });
});

const url = () => harness.gateway.url;
const contactUpdate = (extra: Record<string, unknown> = {}) => ({ type: 'ContactUpdate', locationId: LOCATION, id: contact.rawId, ...extra });

/** Whether the cached contact was dropped: reading it again goes upstream (1 call) or not (0). */
async function refetchesOnRead(): Promise<number> {
  const before = await harness.hoopai.requests('GET /contacts/:contactId');
  await harness.gateway.webhooks.idle();
  await harness.ask(`query($id: ID!) { contact(id: $id) { firstName } }`, { id: contact.id });
  return (await harness.hoopai.requests('GET /contacts/:contactId')) - before;
}

async function counts(): Promise<Record<string, number>> {
  return deliveryCounts(harness.gateway.observability.metrics);
}

describe('signatures', () => {
  it('accepts Ed25519 alone, RSA alone, and both', async () => {
    for (const schemes of ['ed25519', 'rsa', 'both'] as const) {
      const answer = await deliver(url(), await signedDelivery(contactUpdate(), schemes));
      expect(answer, schemes).toMatchObject({ status: 200, body: { status: 'accepted' } });
      expect(await refetchesOnRead(), schemes).toBe(1);
    }
    // Ed25519 is checked first; an RSA signature that verifies still carries a delivery whose Ed25519 one does not (a key being rotated).
    const rsaOnly = await signedDelivery(contactUpdate(), 'rsa');
    const otherEd25519 = (await signedDelivery(contactUpdate(), 'ed25519')).headers['x-ghl-signature']!;
    const answer = await deliver(url(), { body: rsaOnly.body, headers: { ...rsaOnly.headers, 'x-ghl-signature': otherEd25519 } });
    expect(answer.body).toEqual({ status: 'accepted' });
  });

  it('refuses a delivery with no signature, or one that does not verify, with 401 and changes nothing', async () => {
    const genuine = await signedDelivery(contactUpdate());
    const unsigned: Delivery = { body: genuine.body, headers: { 'content-type': 'application/json' } };
    // One byte changed after signing: the signatures no longer match the raw bytes.
    const tampered: Delivery = { body: Buffer.from(genuine.body.toString().replace('ContactUpdate', 'ContactDelete')), headers: genuine.headers };
    // Signed, but by a key the gateway does not trust (a stranger's Ed25519 key).
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const foreign: Delivery = { body: genuine.body, headers: { 'content-type': 'application/json', 'x-ghl-signature': signWith(null, genuine.body, stranger).toString('base64') } };
    const garbage: Delivery = { body: genuine.body, headers: { 'content-type': 'application/json', 'x-ghl-signature': 'not base64!', 'x-wh-signature': '' } };
    const before = await counts();

    for (const [name, delivery] of Object.entries({ unsigned, tampered, foreign, garbage })) {
      const answer = await deliver(url(), delivery);
      expect(answer.status, name).toBe(401);
      expect(answer.body.errors[0].extensions.code, name).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(JSON.stringify(answer.body), name).not.toMatch(/at \w+ \(|\.ts:\d+/);
      expect(await refetchesOnRead(), name).toBe(0);
    }
    expect((await counts())['unknown/bad_signature']).toBe((before['unknown/bad_signature'] ?? 0) + 4);
    // Each refusal is logged, naming which signature headers came, never their values or the body.
    const refusals = logged.split('\n').filter((line) => line.includes('HoopAI webhook refused: no valid signature'));
    expect(refusals.length).toBeGreaterThanOrEqual(4);
    expect(logged).not.toContain(genuine.headers['x-ghl-signature']!);
    for (const line of refusals) expect(line).not.toContain(contact.rawId);
    // The genuine bytes were never applied, so they are accepted now (no claim was taken).
    expect((await deliver(url(), genuine)).body).toEqual({ status: 'accepted' });
    expect(await refetchesOnRead()).toBe(1);
  });

  it('does not serve the endpoint to other methods', async () => {
    expect((await fetch(`${url()}/webhooks/hoopai`)).status).toBe(405);
  });
});

describe('replays and time', () => {
  it('applies a webhookId once: the same delivery again is acknowledged as a replay and not applied', async () => {
    const delivery = await signedDelivery(contactUpdate());
    const events = harness.gateway.services.events.subscribeEveryLocation();
    try {
      expect((await deliver(url(), delivery)).body).toEqual({ status: 'accepted' });
      expect(await refetchesOnRead()).toBe(1);
      const again = await deliver(url(), delivery);
      expect(again).toMatchObject({ status: 200, body: { status: 'replay' } });
      // A new signature over the same webhookId is the same delivery too.
      const resigned = await sign(delivery.body, 'rsa');
      expect((await deliver(url(), resigned)).body).toEqual({ status: 'replay' });
      expect(await refetchesOnRead()).toBe(0);

      // One event reached the bus: the sentinel published after it comes next.
      await harness.gateway.services.events.publish(`location:${LOCATION}:contact`, { kind: 'contact', change: 'updated', locationId: LOCATION, contactId: 'sentinel', at: 0 });
      expect((await events.next()).value).toMatchObject({ kind: 'contact', contactId: contact.rawId });
      expect((await events.next()).value).toMatchObject({ contactId: 'sentinel' });
    } finally {
      await events.return!();
    }
    expect((await counts())['ContactUpdate/replay']).toBeGreaterThanOrEqual(2);
  });

  it('refuses a delivery whose timestamp is outside the 5-minute window, or absent, with 400', async () => {
    const old = new Date(Date.now() - 6 * 60_000).toISOString();
    const future = new Date(Date.now() + 6 * 60_000).toISOString();
    for (const [name, delivery] of Object.entries({
      old: await signedDelivery(contactUpdate({ timestamp: old })),
      future: await signedDelivery(contactUpdate({ timestamp: future })),
      absent: await sign(Buffer.from(JSON.stringify({ ...contactUpdate(), webhookId: 'no-time' }))),
    })) {
      const answer = await deliver(url(), delivery);
      expect(answer.status, name).toBe(400);
      expect(answer.body.errors[0].extensions.code, name).toBe('WEBHOOK_STALE');
      expect(await refetchesOnRead(), name).toBe(0);
    }
    // Within the window (4 minutes old): accepted.
    const recent = new Date(Date.now() - 4 * 60_000).toISOString();
    expect((await deliver(url(), await signedDelivery(contactUpdate({ timestamp: recent })))).body).toEqual({ status: 'accepted' });
    expect((await counts())['ContactUpdate/stale']).toBeGreaterThanOrEqual(3);
  });

  it('refuses a signed body that is not a JSON object with 400', async () => {
    const answer = await deliver(url(), await sign(Buffer.from('[1,2,3]')));
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions.code).toBe('WEBHOOK_MALFORMED');
  });
});

describe('the body limit (HOOPAI_WEBHOOK_MAX_BYTES, here 4096)', () => {
  it('refuses a larger body with 413, declared or streamed, before verifying it', async () => {
    const big = await signedDelivery(contactUpdate({ padding: 'x'.repeat(5_000) }));
    const declared = await deliver(url(), big);
    expect(declared.status).toBe(413);
    expect(declared.body.errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');

    // No Content-Length: chunked, and cut off once past the limit.
    const chunks = [big.body.subarray(0, 3_000), big.body.subarray(3_000)];
    const streamed = await fetch(`${url()}/webhooks/hoopai`, {
      method: 'POST',
      headers: big.headers,
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await refetchesOnRead()).toBe(0);
    expect((await counts())['unknown/too_large']).toBe(2);
  });
});
