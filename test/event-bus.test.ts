import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ContactChange,
  type EventBus,
  locationTopic,
  MemoryEventBus,
  type ReceivedEvent,
  RedisEventBus,
} from '../src/upstream/events/index';
import { SharedRedis } from '../src/upstream/redis/connection';
import { NEEDS_REDIS, redisAnswers, useRedisPrefix } from './helpers/redis';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('event-bus');

const ACME = 've9EPM428h8vShlRW1KT';
const BEATLINE = 'kZ3mQ7rT1wX5yB9nC2dF';

const contactUpdated = (locationId: string, contactId: string): ContactChange => ({
  kind: 'contact',
  change: 'updated',
  locationId,
  contactId,
  at: 1_700_000_000_000,
});

/**
 * The next event. Absence is shown without waiting: a later event (a sentinel) published
 * after the one that must not arrive is the first to arrive instead.
 */
async function next<T>(events: AsyncIterator<T>): Promise<T> {
  const result = await events.next();
  if (result.done) throw new Error('the subscription ended');
  return result.value;
}

describe('event topics', () => {
  it('always name the location, and refuse an id that could reach into another topic', () => {
    expect(locationTopic(ACME, 'contact')).toBe(`location:${ACME}:contact`);
    expect(locationTopic(ACME, 'conversation')).toBe(`location:${ACME}:conversation`);
    for (const bad of ['', 'a:b', '*', 'x?', 'a'.repeat(65)]) expect(() => locationTopic(bad, 'contact')).toThrow(/not a HoopAI location id/);
  });
});

describe('the in-memory event bus', () => {
  it('delivers an event to the subscribers of its topic, stamped with this instance, and to no other location', async () => {
    const bus = new MemoryEventBus();
    const acme = bus.subscribe(locationTopic(ACME, 'contact'));
    const beatline = bus.subscribe(locationTopic(BEATLINE, 'contact'));
    const everything = bus.subscribeEveryLocation();
    expect(await bus.publish(locationTopic(ACME, 'contact'), contactUpdated(ACME, 'c1'))).toBe('delivered');

    await bus.publish(locationTopic(BEATLINE, 'contact'), contactUpdated(BEATLINE, 'sentinel'));

    const expected = { ...contactUpdated(ACME, 'c1'), origin: bus.instanceId };
    expect(await next(acme)).toEqual(expected);
    expect(await next(everything)).toEqual(expected);
    expect((await next(everything)).contactId).toBe('sentinel');
    expect((await next(beatline)).contactId).toBe('sentinel');
    await bus.close();
  });

  it('refuses an event published on a topic it does not belong to', async () => {
    const bus = new MemoryEventBus();
    await expect(bus.publish(locationTopic(BEATLINE, 'contact'), contactUpdated(ACME, 'c1'))).rejects.toThrow(/does not belong/);
  });

  it('keeps the newest events for a slow subscriber, within its buffer, and says how many it lost', async () => {
    const bus = new MemoryEventBus();
    let lost = 0;
    const slow = bus.subscribe(locationTopic(ACME, 'contact'), { bufferSize: 3, onOverflow: () => lost++ });
    for (let n = 1; n <= 5; n++) await bus.publish(locationTopic(ACME, 'contact'), contactUpdated(ACME, `c${n}`));
    expect(lost).toBe(2);
    const read = [];
    for (let n = 0; n < 3; n++) read.push((await next(slow)).contactId);
    expect(read).toEqual(['c3', 'c4', 'c5']);
  });

  it('holds nothing more for a subscriber that ends its subscription when told it lost an event', async () => {
    const bus = new MemoryEventBus();
    const topic = locationTopic(ACME, 'contact');
    const ending = bus.subscribe(topic, { bufferSize: 2, onOverflow: () => void ending.return() });
    expect(ending.buffered).toBe(0);
    for (let n = 1; n <= 3; n++) await bus.publish(topic, contactUpdated(ACME, `c${n}`));
    // The third event overflowed the buffer; the subscriber ended: not even that event is held.
    expect(ending.buffered).toBe(0);
    expect(await ending.next()).toEqual({ value: undefined, done: true });
  });

  it('is live from subscribe(), and a subscriber that leaves or a closed bus gets nothing more', async () => {
    const bus = new MemoryEventBus();
    const topic = locationTopic(ACME, 'contact');
    const early = bus.subscribe(topic);
    await bus.publish(topic, contactUpdated(ACME, 'before-first-read'));
    expect((await next(early)).contactId).toBe('before-first-read');

    const pending = early.next();
    await early.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    await bus.publish(topic, contactUpdated(ACME, 'after-leaving'));
    expect(await early.next()).toEqual({ value: undefined, done: true });

    const open = bus.subscribe(topic);
    await bus.close();
    expect(await open.next()).toEqual({ value: undefined, done: true });
    expect(await bus.subscribe(topic).next()).toEqual({ value: undefined, done: true });
  });
});

describe.skipIf(!redisUp)(`the event bus over Redis ${NEEDS_REDIS}`, () => {
  const opened: { bus: EventBus; redis: SharedRedis }[] = [];
  afterEach(async () => {
    for (const { bus, redis } of opened.splice(0)) {
      await bus.close();
      await redis.close();
    }
  });

  /** One gateway instance's bus, on a connection of its own; resolves once it hears the others. */
  async function instance(keyPrefix = prefix): Promise<EventBus> {
    const redis = new SharedRedis({ url, keyPrefix, commandTimeoutMs: 500 });
    const bus = new RedisEventBus(redis);
    const joined = new Promise<void>((resolve) => bus.onMissedEvents(resolve));
    opened.push({ bus, redis });
    await joined;
    return bus;
  }

  it('carries an event from one instance to the subscribers of its topic on another, never to another location', async () => {
    const [a, b] = [await instance(), await instance()];
    const acmeOnB = b.subscribe(locationTopic(ACME, 'contact'));
    const beatlineOnB = b.subscribe(locationTopic(BEATLINE, 'contact'));
    const acmeOnA = a.subscribe(locationTopic(ACME, 'contact'));

    expect(await a.publish(locationTopic(ACME, 'contact'), contactUpdated(ACME, 'c1'))).toBe('delivered');
    const expected: ReceivedEvent = { ...contactUpdated(ACME, 'c1'), origin: a.instanceId };
    // 'delivered' means Redis took it, not that B has read it yet: wait for B before B
    // publishes, since B's own subscribers get B's events at once, ahead of what is in transit.
    expect(await next(acmeOnB)).toEqual(expected);
    // Published after c1 reached Redis, so Redis passes it on after c1 to every instance.
    await b.publish(locationTopic(ACME, 'contact'), contactUpdated(ACME, 'sentinel'));
    await a.publish(locationTopic(BEATLINE, 'contact'), contactUpdated(BEATLINE, 'sentinel'));

    // The publisher's own subscribers get it once: at publish, not again from Redis.
    expect(await next(acmeOnA)).toEqual(expected);
    expect(await next(acmeOnA)).toMatchObject({ contactId: 'sentinel', origin: b.instanceId });
    expect(await next(beatlineOnB)).toMatchObject({ locationId: BEATLINE, contactId: 'sentinel' });
  });

  it('keeps gateways with different key prefixes apart, and ignores what is not a well-formed event of its topic', async () => {
    const [a, b] = [await instance(), await instance()];
    const [other, otherPublisher] = [await instance(`${prefix}other:`), await instance(`${prefix}other:`)];
    const onOther = other.subscribeEveryLocation();
    const onB = b.subscribeEveryLocation();

    const raw = new Redis(url);
    try {
      const channel = `${prefix}events:location:${ACME}:contact`;
      await raw.publish(channel, 'not json');
      // Well-formed, but naming another location than its channel's: refused.
      await raw.publish(channel, JSON.stringify({ origin: 'x', event: contactUpdated(BEATLINE, 'c9') }));
    } finally {
      raw.disconnect();
    }
    await a.publish(locationTopic(ACME, 'contact'), contactUpdated(ACME, 'c2'));
    await otherPublisher.publish(locationTopic(ACME, 'contact'), contactUpdated(ACME, 'sentinel'));

    expect((await next(onB)).contactId).toBe('c2');
    expect((await next(onOther)).contactId).toBe('sentinel');
  });
});
