import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../src/auth/viewer';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { untilInstancesListen } from './helpers/event-listeners';
import { FLEET_KEY, type FleetProcess, type Sandboxes, startGateways, startSandboxes } from './helpers/fleet';
import { graphql } from './helpers/gateway';
import { NEEDS_REDIS, redisAnswers, useRedisPrefix } from './helpers/redis';
import { type SseSubscription, subscribeSse } from './helpers/sse';
import { type SandboxControl, sandboxControl } from './helpers/upstream-sandbox-control';

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
