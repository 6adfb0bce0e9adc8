import { beforeAll, describe, expect, it } from 'vitest';
import { untilInstancesListen } from './helpers/event-listeners';
import { useFleetOnOwnRedis } from './helpers/fleet-on-own-redis';
import { NEEDS_REDIS_SERVER, redisServerInstalled } from './helpers/own-redis';
import { type SandboxControl, sandboxControl } from './helpers/upstream-sandbox-control';

const ACME = 've9EPM428h8vShlRW1KT';
const GET_CONTACT = 'GET /contacts/:contactId';
const PREFIX = 'test:redis-down:';

/**
 * Two instances on a Redis of the test's own, stopped in the middle of the run: the caches
 * keep serving from local state (a copy another instance's write made stale stays until
 * its TTL), writes still succeed and invalidate their own instance, their events reach no
 * other instance; when Redis is back every instance drops its CRM cache and follows the
 * others' writes again, without a restart.
 */
describe.skipIf(!redisServerInstalled())(`the shared caches while Redis is down ${NEEDS_REDIS_SERVER}`, () => {
  const fleet = useFleetOnOwnRedis(2, PREFIX);
  let hoopai: SandboxControl;
  /** What instance A logged (the gateway logs to stdout). */
  let logOfA = '';

  beforeAll(() => {
    hoopai = sandboxControl(fleet.sandboxes.hoopai);
    fleet.gateways[0]!.process.stdout!.on('data', (chunk: Buffer) => (logOfA += chunk.toString()));
  });

  const [A, B] = [0, 1];
  const { ask } = fleet;
  const firstName = async (instance: number, id: string): Promise<string> =>
    (await ask(instance, 'query($id: ID!) { contact(id: $id) { firstName } }', { id })).contact.firstName;
  const rename = async (instance: number, id: string, name: string) => {
    const data = await ask(instance, 'mutation($id: ID!, $name: String!) { updateContact(input: { id: $id, firstName: $name }) { __typename } }', { id, name });
    expect(data.updateContact.__typename).toBe('UpdateContactPayload');
  };
  /**
   * One request through each instance: whatever Redis sent an instance before this (the
   * reply that its pattern is live again) has been handled once the request is answered,
   * as the process reads every socket that was ready before the request's.
   */
  const letEachInstanceCatchUp = () => Promise.all(fleet.gateways.map((_, instance) => ask(instance, '{ viewer { name } }')));

  it('serves from local state while Redis is down, and follows the other instance again once it is back', async () => {
    const data = await ask(A, 'query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { id } } } }', { loc: ACME });
    const id = data.contacts.edges[0].node.id as string;
    await firstName(B, id);
    await rename(A, id, 'BeforeOutage');
    expect(await firstName(B, id)).toBe('BeforeOutage');

    await fleet.redis.stop();
    const fetches = await hoopai.requests(GET_CONTACT);
    expect(await firstName(B, id)).toBe('BeforeOutage'); // from B's cache, no Redis needed
    await rename(A, id, 'DuringOutage'); // the write succeeds; its event reaches A only
    expect(await firstName(A, id)).toBe('DuringOutage');
    expect(await firstName(B, id)).toBe('BeforeOutage'); // stale on B until its TTL (30 s) or Redis returns
    expect(await hoopai.requests(GET_CONTACT)).toBe(fetches);
    expect(logOfA).toContain('events reach this instance only');

    await fleet.redis.start();
    await untilInstancesListen(fleet.redis.url, PREFIX, 2);
    await letEachInstanceCatchUp();
    // Back on the channel, B dropped what it may have missed changes to: fetched afresh.
    expect(await firstName(B, id)).toBe('DuringOutage');
    expect(await hoopai.requests(GET_CONTACT)).toBe(fetches + 1);

    await rename(A, id, 'AfterOutage');
    expect(await firstName(B, id)).toBe('AfterOutage');
  }, 60_000);
});
