import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { type RunningHoopaiSandbox, startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { type RunningHooprSandbox, startHooprSandbox } from '../src/sandbox/hoopr/index';
import { type RunningGateway, startGateway } from '../src/server/start';
import { untilInstancesListen } from './helpers/event-listeners';
import { FLEET_KEY, type FleetProcess, type Sandboxes, startGateways, startSandboxes } from './helpers/fleet';
import { graphql } from './helpers/gateway';
import { NEEDS_REDIS, redisAnswers, useRedisPrefix } from './helpers/redis';
import { type SseSubscription, subscribeSse } from './helpers/sse';
import { type SandboxControl, sandboxControl } from './helpers/upstream-sandbox-control';
import { deliveryCounts } from './helpers/webhook-delivery';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('subscriptions-shared');

const ACME = 've9EPM428h8vShlRW1KT';
const BEATLINE = 'kZ3mQ7rT1wX5yB9nC2dF';
/** A caller of Beatline only, on every instance. */
const BEATLINE_KEY = 'beatline-only-key';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Two gateway processes on one Redis, as behind a load balancer: a subscriber on one instance
 * gets what happens through the other, over the shared event channel.
 */
describe.skipIf(!redisUp)(`subscriptions across instances ${NEEDS_REDIS}`, () => {
  let sandboxes: Sandboxes;
  let gateways: FleetProcess[];
  let hoopai: SandboxControl;

  beforeAll(async () => {
    sandboxes = await startSandboxes();
    hoopai = sandboxControl(sandboxes.hoopai);
    const locations = SANDBOX_LOCATIONS.map((location) => location.id);
    const API_KEYS = JSON.stringify([
      { name: 'fleet', sha256: sha256(FLEET_KEY), scopes: [...SCOPES], locations },
      { name: 'beatline', sha256: sha256(BEATLINE_KEY), scopes: ['crm:read'], locations: [BEATLINE] },
    ]);
    gateways = await startGateways(2, sandboxes, { REDIS_URL: url, REDIS_KEY_PREFIX: prefix, API_KEYS });
    await untilInstancesListen(url, prefix, 2);
  }, 120_000);

  afterAll(async () => {
    await Promise.all((gateways ?? []).map((gateway) => gateway.stop()));
    await sandboxes?.process.stop();
  });

  const [A, B] = [0, 1];
  const ask = async (instance: number, query: string, variables: Record<string, unknown> = {}) => {
    const { body } = await graphql<any>(gateways[instance]!.announced, query, { key: FLEET_KEY, variables });
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const firstContact = async (locationId: string): Promise<{ id: string; rawId: string }> =>
    (await ask(A, 'query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { id rawId } } } }', { loc: locationId })).contacts.edges[0].node;
  const send = (instance: number, contactId: string, message: string) =>
    ask(instance, 'mutation($id: ID!, $m: String!) { sendMessage(input: { contactId: $id, channel: SMS, message: $m }) { ... on SendMessagePayload { sentMessage { rawId } } } }', {
      id: contactId,
      m: message,
    });
  const subscribe = (instance: number, query: string, variables: Record<string, unknown>, key = FLEET_KEY): Promise<SseSubscription> =>
    subscribeSse(gateways[instance]!.announced, query, { key, variables });

  it('delivers a message sent through A to a subscriber on B, once, resolved by B', async () => {
    const contact = await firstContact(ACME);
    const onB = await subscribe(B, 'subscription($loc: ID!) { messageReceived(locationId: $loc) { rawId body direction } }', { loc: ACME });
    const onA = await subscribe(A, 'subscription($loc: ID!) { messageReceived(locationId: $loc) { rawId body } }', { loc: ACME });
    try {
      const reads = await hoopai.requests('GET /conversations/:conversationId/messages');
      const first = (await send(A, contact.id, 'through A')).sendMessage.sentMessage.rawId;
      const second = (await send(B, contact.id, 'through B')).sendMessage.sentMessage.rawId;

      expect((await onB.event(0)).data.data.messageReceived).toEqual({ rawId: first, body: 'through A', direction: 'OUTBOUND' });
      expect((await onB.event(1)).data.data.messageReceived).toMatchObject({ rawId: second, body: 'through B' });
      expect((await onA.event(1)).data.data.messageReceived).toMatchObject({ rawId: second, body: 'through B' });
      expect(onA.events.map((event) => event.data.data.messageReceived.rawId)).toEqual([first, second]);
      expect(onB.events).toHaveLength(2);
      // Each send's payload read its message (2), and each subscriber's event read it once (2 × 2).
      expect(await hoopai.requests('GET /conversations/:conversationId/messages')).toBe(reads + 2 + 4);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it("hands B's subscribers only the locations they subscribed to, and refuses a caller another tenant's location on any instance", async () => {
    const acme = await firstContact(ACME);
    const beatline = await firstContact(BEATLINE);
    const query = 'subscription($loc: ID!) { contactChanged(locationId: $loc) { kind contactId contact { firstName } } }';
    const refused = await subscribe(B, query, { loc: ACME }, BEATLINE_KEY);
    await refused.ended;
    expect(refused.events[0]!.data.errors[0].extensions.code).toBe('FORBIDDEN');

    const onB = await subscribe(B, query, { loc: BEATLINE }, BEATLINE_KEY);
    try {
      const rename = (id: string, name: string) =>
        ask(A, 'mutation($id: ID!, $n: String!) { updateContact(input: { id: $id, firstName: $n }) { __typename } }', { id, n: name });
      await rename(acme.id, 'NotForBeatline');
      await rename(beatline.id, 'ForBeatline');
      expect((await onB.event(0)).data.data.contactChanged).toEqual({ kind: 'UPDATED', contactId: beatline.id, contact: { firstName: 'ForBeatline' } });
      expect(onB.events).toHaveLength(1);
    } finally {
      onB.close();
    }
  });
});

/**
 * The whole path across instances: HoopAI (the sandbox) delivers its signed InboundMessage
 * webhook to instance A only; a subscriber on instance B gets the message, read by B.
 * Two in-process gateways on one Redis prefix, in front of sandboxes of their own.
 */
describe.skipIf(!redisUp)(`an inbound message webhook delivered to one instance ${NEEDS_REDIS}`, () => {
  const shared = useRedisPrefix('subscriptions-webhook');
  let hoopr: RunningHooprSandbox;
  let hoopai: RunningHoopaiSandbox;
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    hoopr = await startHooprSandbox({ port: 0, host: '127.0.0.1' });
    hoopai = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
    const env = { PORT: '0', HOOPR_SANDBOX_URL: hoopr.url, HOOPAI_SANDBOX_URL: hoopai.url, REDIS_URL: shared.url, REDIS_KEY_PREFIX: shared.prefix };
    const started = await Promise.all([0, 1].map(() => startGateway(loadConfig(env), createLogger({ level: 'silent' }))));
    [a, b] = [started[0]!, started[1]!];
    hoopai.setWebhookUrl(`${a.url}/webhooks/hoopai`);
    await untilInstancesListen(shared.url, shared.prefix, 2);
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([a?.close(1_000), b?.close(1_000)]);
    await Promise.allSettled([hoopr?.close(), hoopai?.close()]);
  });

  it('reaches a subscriber on B, once, and none of its location reaches a subscriber of another', async () => {
    const { body } = await graphql<any>(b.graphqlUrl, `query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { rawId name } } } }`, { variables: { loc: ACME } });
    const contact = body.data.contacts.edges[0].node as { rawId: string; name: string };
    const query = 'subscription($loc: ID!) { messageReceived(locationId: $loc) { rawId body direction contact { name } } }';
    const onB = await subscribeSse(b.graphqlUrl, query, { variables: { loc: ACME } });
    const otherTenantOnB = await subscribeSse(b.graphqlUrl, query, { variables: { loc: BEATLINE } });
    try {
      const deliveredToA = await inboundDeliveries(a);
      const response = await fetch(`${hoopai.url}/__sandbox/inbound-message`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ locationId: ACME, contactId: contact.rawId, body: 'via A, to B' }),
      });
      const { messageId } = (await response.json()) as { messageId: string };
      expect((await onB.event(0)).data.data.messageReceived).toEqual({ rawId: messageId, body: 'via A, to B', direction: 'INBOUND', contact: { name: contact.name } });
      // It came as HoopAI's webhook, to A (B never received one).
      await hoopai.webhooksIdle();
      expect(await inboundDeliveries(a)).toBe(deliveredToA + 1);
      expect(await inboundDeliveries(b)).toBe(0);
      expect(onB.events).toHaveLength(1);
      expect(otherTenantOnB.events).toHaveLength(0);
    } finally {
      onB.close();
      otherTenantOnB.close();
    }
  });
});

/** InboundMessage webhook deliveries an instance accepted. */
async function inboundDeliveries(gateway: RunningGateway): Promise<number> {
  return (await deliveryCounts(gateway.observability.metrics))['InboundMessage/accepted'] ?? 0;
}
