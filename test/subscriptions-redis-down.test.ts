import { describe, expect, it } from 'vitest';
import { untilInstancesListen } from './helpers/event-listeners';
import { FLEET_KEY } from './helpers/fleet';
import { useFleetOnOwnRedis } from './helpers/fleet-on-own-redis';
import { NEEDS_REDIS_SERVER, redisServerInstalled } from './helpers/own-redis';
import { subscribeSse } from './helpers/sse';

const ACME = 've9EPM428h8vShlRW1KT';
const PREFIX = 'test:subscriptions-redis-down:';

/**
 * Two instances on a Redis of the test's own, stopped in the middle of a subscription: what
 * is written through A meanwhile never reaches B's subscriber. When B is back on the channel
 * its subscriptions end with EVENTS_MISSED, so a client knows to subscribe again and query,
 * instead of going on with a silent gap; a subscription made after that hears A again.
 */
describe.skipIf(!redisServerInstalled())(`subscriptions while Redis is down ${NEEDS_REDIS_SERVER}`, () => {
  const fleet = useFleetOnOwnRedis(2, PREFIX);
  const [A, B] = [0, 1];
  const { ask } = fleet;
  const rename = (id: string, name: string) =>
    ask(A, 'mutation($id: ID!, $n: String!) { updateContact(input: { id: $id, firstName: $n }) { __typename } }', { id, n: name });
  const CONTACTS = 'subscription($loc: ID!) { contactChanged(locationId: $loc) { kind contact { firstName } } }';

  it('ends B’s subscription with EVENTS_MISSED once B is back on the channel, and a new one hears A again', async () => {
    const id = (await ask(A, 'query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { id } } } }', { loc: ACME })).contacts.edges[0].node.id as string;
    const onB = await subscribeSse(fleet.gateways[B]!.announced, CONTACTS, { key: FLEET_KEY, variables: { loc: ACME } });
    await rename(id, 'BeforeOutage');
    expect((await onB.event(0)).data.data.contactChanged).toEqual({ kind: 'UPDATED', contact: { firstName: 'BeforeOutage' } });

    await fleet.redis.stop();
    await rename(id, 'DuringOutage'); // succeeds; its event reaches A's subscribers only
    await fleet.redis.start();
    await onB.ended;
    expect(onB.events.map((event) => event.event)).toEqual(['next', 'next', 'complete']);
    expect(onB.events[1]!.data.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'EVENTS_MISSED' }) })]);

    await untilInstancesListen(fleet.redis.url, PREFIX, 2);
    const again = await subscribeSse(fleet.gateways[B]!.announced, CONTACTS, { key: FLEET_KEY, variables: { loc: ACME } });
    try {
      await rename(id, 'AfterOutage');
      expect((await again.event(0)).data.data.contactChanged).toEqual({ kind: 'UPDATED', contact: { firstName: 'AfterOutage' } });
    } finally {
      again.close();
    }
  }, 60_000);
});

