import { setImmediate as nextTurn } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { startHooprSandbox, type RunningHooprSandbox } from '../src/sandbox/hoopr/index';
import { startGateway, type RunningGateway } from '../src/server/start';
import type { ReceivedEvent } from '../src/upstream/events/index';
import { graphql } from './helpers/gateway';
import { NEEDS_REDIS, redisAnswers, TEST_REDIS_URL, useRedisPrefix } from './helpers/redis';
import { sandboxControl } from './helpers/upstream-sandbox-control';
import { deliver, deliveryCounts, signedDelivery } from './helpers/webhook-delivery';

/**
 * Two gateway instances sharing Redis (one key prefix), in sandbox mode in front of sandboxes
 * that run on their own (as `npm run cluster` runs them; each instance fetched the sandbox's
 * webhook keys from its control plane). One delivery reaches both instances: one applies it,
 * the other acknowledges it as a replay; the event of the one that applied it reaches both,
 * and both serve the new state.
 */

const REDIS_UP = await redisAnswers();
if (!REDIS_UP) console.warn(`webhooks-fleet: skipped ${NEEDS_REDIS}`);

const LOCATION = SANDBOX_LOCATIONS[0]!.id;

describe.skipIf(!REDIS_UP)('webhooks across instances', () => {
  const { url: redisUrl, prefix } = useRedisPrefix('webhooks-fleet');
  let hoopr: RunningHooprSandbox;
  let hoopai: RunningHoopaiSandbox;
  let a: RunningGateway;
  let b: RunningGateway;
  let contact: { id: string; rawId: string };

  beforeAll(async () => {
    hoopr = await startHooprSandbox({ port: 0, host: '127.0.0.1' });
    hoopai = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
    const env = {
      PORT: '0',
      HOOPR_SANDBOX_URL: hoopr.url,
      HOOPAI_SANDBOX_URL: hoopai.url,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
    };
    const started = await Promise.all([0, 1].map(() => startGateway(loadConfig(env), createLogger({ level: 'silent' }))));
    [a, b] = [started[0]!, started[1]!];
  });
  afterAll(async () => {
    await Promise.allSettled([a?.close(1_000), b?.close(1_000)]);
    await Promise.allSettled([hoopr?.close(), hoopai?.close()]);
  });
  beforeEach(async () => {
    for (const gateway of [a, b]) gateway.services.crm.cache.clear();
    const answer = await graphql<any>(a.graphqlUrl, `query($loc: ID!) { contacts(locationId: $loc, first: 1) { edges { node { id rawId } } } }`, { variables: { loc: LOCATION } });
    contact = answer.body.data.contacts.edges[0].node;
  });

  const getContactCalls = () => sandboxControl(hoopai.url).requests('GET /contacts/:contactId');
  const readOn = (gateway: RunningGateway) => graphql<any>(gateway.graphqlUrl, `query($id: ID!) { contact(id: $id) { lastName } }`, { variables: { id: contact.id } });

  /**
   * The events on `events` before a sentinel that `publisher` (the instance that published
   * them) publishes after them: one publisher's events reach every instance in order.
   */
  async function onlyEventBefore(events: AsyncIterableIterator<ReceivedEvent>, publisher: RunningGateway): Promise<ReceivedEvent[]> {
    await publisher.services.events.publish(`location:${LOCATION}:contact`, { kind: 'contact', change: 'updated', locationId: LOCATION, contactId: 'sentinel', at: 0 });
    const seen: ReceivedEvent[] = [];
    for (;;) {
      const { value } = await events.next();
      if ((value as { contactId?: string }).contactId === 'sentinel') return seen;
      seen.push(value);
    }
  }

  it('one webhookId delivered to both instances at once is applied once, and both serve the new state', async () => {
    await Promise.all([readOn(a), readOn(b)]);
    await Promise.all([readOn(a), readOn(b)]);
    const cachedCalls = await getContactCalls();

    const onA = a.services.events.subscribeEveryLocation();
    const onB = b.services.events.subscribeEveryLocation();
    try {
      const delivery = await signedDelivery({ type: 'ContactUpdate', locationId: LOCATION, id: contact.rawId });
      const answers = await Promise.all([deliver(a.url, delivery), deliver(b.url, delivery)]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      expect(answers.map((answer) => answer.body.status).sort()).toEqual(['accepted', 'replay']);
      const applier = answers[0]!.body.status === 'accepted' ? a : b;
      await Promise.all([a.webhooks.idle(), b.webhooks.idle()]);

      // The claim is the fleet's, in Redis, held by the instance that applied it.
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const webhookId = JSON.parse(delivery.body.toString()).webhookId as string;
        expect(await redis.get(`${prefix}webhooks:hoopai:${webhookId}`)).toBe(applier.services.events.instanceId);
        expect(await redis.pttl(`${prefix}webhooks:hoopai:${webhookId}`)).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }

      // One event, from the instance that applied it, reached both instances.
      const seenOnA = await onlyEventBefore(onA, applier);
      const seenOnB = await onlyEventBefore(onB, applier);
      for (const seen of [seenOnA, seenOnB]) {
        expect(seen).toEqual([expect.objectContaining({ kind: 'contact', change: 'updated', contactId: contact.rawId, origin: applier.services.events.instanceId })]);
      }
      await nextTurn();

      // Both instances dropped their copy: one upstream read each, then cached again.
      await Promise.all([readOn(a), readOn(b)]);
      expect(await getContactCalls()).toBe(cachedCalls + 2);
      await Promise.all([readOn(a), readOn(b)]);
      expect(await getContactCalls()).toBe(cachedCalls + 2);
    } finally {
      await Promise.all([onA.return!(), onB.return!()]);
    }

    const [countsA, countsB] = await Promise.all([deliveryCounts(a.observability.metrics), deliveryCounts(b.observability.metrics)]);
    expect((countsA['ContactUpdate/accepted'] ?? 0) + (countsB['ContactUpdate/accepted'] ?? 0)).toBe(1);
    expect((countsA['ContactUpdate/replay'] ?? 0) + (countsB['ContactUpdate/replay'] ?? 0)).toBe(1);
  });

  it('a delivery the sandbox makes to one instance is followed by the other', async () => {
    hoopai.setWebhookUrl(`${a.url}/webhooks/hoopai`);
    try {
      await readOn(b);
      const before = await getContactCalls();
      const changed = await fetch(`${hoopai.url}/contacts/${contact.rawId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer pit-sandbox-${LOCATION}`, version: '2021-07-28', 'content-type': 'application/json' },
        body: JSON.stringify({ lastName: 'Fleetwide' }),
      });
      expect(changed.status).toBe(200);
      const onB = b.services.events.subscribeEveryLocation();
      try {
        await hoopai.webhooksIdle();
        await a.webhooks.idle();
        expect(await onlyEventBefore(onB, a)).toEqual([expect.objectContaining({ contactId: contact.rawId, origin: a.services.events.instanceId })]);
      } finally {
        await onB.return!();
      }
      await nextTurn();
      expect((await readOn(b)).body.data.contact.lastName).toBe('Fleetwide');
      expect(await getContactCalls()).toBe(before + 1);
    } finally {
      hoopai.setWebhookUrl(undefined);
    }
  });
});
