import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationTopic, type EventBus, RedisEventBus } from '../src/upstream/events/index';
import { SharedRedis } from '../src/upstream/redis/connection';
import { untilInstancesListen } from './helpers/event-listeners';
import { FLEET_KEY, type FleetProcess, type Sandboxes, startGateways, startSandboxes } from './helpers/fleet';
import { graphql } from './helpers/gateway';
import { NEEDS_REDIS, redisAnswers, useRedisPrefix } from './helpers/redis';
import { type SandboxControl, sandboxControl } from './helpers/upstream-sandbox-control';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('shared-caches');

const ACME = 've9EPM428h8vShlRW1KT';
const BEATLINE = 'kZ3mQ7rT1wX5yB9nC2dF';
const GET_CONTACT = 'GET /contacts/:contactId';
const GET_CONVERSATION = 'GET /conversations/:conversationId';

/**
 * Two gateway processes sharing one Redis and one pair of sandboxes, as behind a load
 * balancer; the test itself listens on the event channel as a third instance would.
 */
describe.skipIf(!redisUp)(`caches and events shared by two instances ${NEEDS_REDIS}`, () => {
  let sandboxes: Sandboxes;
  let gateways: FleetProcess[];
  let hoopai: SandboxControl;
  let redis: SharedRedis;
  let listener: EventBus;

  beforeAll(async () => {
    sandboxes = await startSandboxes();
    hoopai = sandboxControl(sandboxes.hoopai);
    gateways = await startGateways(2, sandboxes, { REDIS_URL: url, REDIS_KEY_PREFIX: prefix });
    redis = new SharedRedis({ url, keyPrefix: prefix, commandTimeoutMs: 500 });
    listener = new RedisEventBus(redis);
    await untilInstancesListen(url, prefix, 3);
  }, 120_000);

  afterAll(async () => {
    await listener?.close();
    await redis?.close();
    await Promise.all((gateways ?? []).map((gateway) => gateway.stop()));
    await sandboxes?.process.stop();
  });

  const [A, B] = [0, 1];
  const ask = async <T = any>(instance: number, query: string, variables: Record<string, unknown> = {}) => {
    const { body } = await graphql<T>(gateways[instance]!.announced, query, { key: FLEET_KEY, variables });
    expect(body.errors).toBeUndefined();
    return body.data as T;
  };
  const firstContacts = async (locationId: string, count: number): Promise<{ id: string; rawId: string }[]> => {
    const data = await ask(A, 'query($loc: ID!, $n: Int!) { contacts(locationId: $loc, first: $n) { edges { node { id rawId } } } }', {
      loc: locationId,
      n: count,
    });
    return data.contacts.edges.map((edge: { node: { id: string; rawId: string } }) => edge.node);
  };
  const firstName = async (instance: number, id: string): Promise<string> =>
    (await ask(instance, 'query($id: ID!) { contact(id: $id) { firstName } }', { id })).contact.firstName;
  const rename = (instance: number, id: string, name: string) =>
    ask(instance, 'mutation($id: ID!, $name: String!) { updateContact(input: { id: $id, firstName: $name }) { __typename } }', { id, name });

  it('serves a contact updated through A with its new value from B, at the cost of one fetch on B', async () => {
    const [contact] = await firstContacts(ACME, 1);
    const before = await firstName(B, contact!.id);
    const fetches = await hoopai.requests(GET_CONTACT);
    expect(await firstName(B, contact!.id)).toBe(before);
    expect(await hoopai.requests(GET_CONTACT)).toBe(fetches); // B serves it from its cache

    const renamed = `Shared${randomBytes(3).toString('hex')}`;
    await rename(A, contact!.id, renamed);
    const afterWrite = await hoopai.requests(GET_CONTACT);

    expect(await firstName(B, contact!.id)).toBe(renamed);
    expect(await hoopai.requests(GET_CONTACT)).toBe(afterWrite + 1); // B's copy was dropped: fetched again
    expect(await firstName(B, contact!.id)).toBe(renamed);
    expect(await firstName(A, contact!.id)).toBe(renamed);
    expect(await hoopai.requests(GET_CONTACT)).toBe(afterWrite + 1); // cached again on B; A kept what its write answered
  });

  it('serves a contact deleted through A as gone from B', async () => {
    const [, contact] = await firstContacts(BEATLINE, 2);
    await firstName(B, contact!.id);
    const deleted = await ask(A, 'mutation($id: ID!) { deleteContact(input: { id: $id }) { __typename } }', { id: contact!.id });
    expect(deleted.deleteContact.__typename).toBe('DeleteContactPayload');

    const { body } = await graphql(gateways[B]!.announced, 'query($id: ID!) { contact(id: $id) { firstName } }', { key: FLEET_KEY, variables: { id: contact!.id } });
    expect(body.data).toEqual({ contact: null });
  });

  it('serves a conversation from B with the message just sent through A', async () => {
    const [contact] = await firstContacts(ACME, 2).then((contacts) => contacts.slice(1));
    const send = (message: string) =>
      ask(A, 'mutation($id: ID!, $m: String!) { sendMessage(input: { contactId: $id, channel: SMS, message: $m }) { ... on SendMessagePayload { conversation { id } } } }', {
        id: contact!.id,
        m: message,
      });
    const lastMessage = async (instance: number, id: string): Promise<string> =>
      (await ask(instance, 'query($id: ID!) { conversation(id: $id) { lastMessageBody } }', { id })).conversation.lastMessageBody;

    const conversationId = (await send('first')).sendMessage.conversation.id as string;
    expect(await lastMessage(B, conversationId)).toBe('first');
    await send('second');
    const fetches = await hoopai.requests(GET_CONVERSATION);
    expect(await lastMessage(B, conversationId)).toBe('second');
    expect(await hoopai.requests(GET_CONVERSATION)).toBe(fetches + 1);
  });

  it("hands a write's event to every instance on its location's topic, and never to another location's subscribers", async () => {
    const [acmeContact] = await firstContacts(ACME, 1);
    const [beatlineContact] = await firstContacts(BEATLINE, 1);
    const acme = listener.subscribe(locationTopic(ACME, 'contact'));
    const beatline = listener.subscribe(locationTopic(BEATLINE, 'contact'));

    await rename(A, acmeContact!.id, 'Evented');
    // Published after the first event, so it arrives after it: Beatline's first event must be this one.
    await rename(B, beatlineContact!.id, 'Evented');

    const acmeEvent = (await acme.next()).value;
    expect(acmeEvent).toMatchObject({ kind: 'contact', change: 'updated', locationId: ACME, contactId: acmeContact!.rawId });
    expect(acmeEvent.origin).not.toBe(listener.instanceId);
    expect((await beatline.next()).value).toMatchObject({ locationId: BEATLINE, contactId: beatlineContact!.rawId });
  });
});
