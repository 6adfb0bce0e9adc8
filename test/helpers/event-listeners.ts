import { Redis } from 'ioredis';

/**
 * How many gateway instances (and test buses) with this key prefix hear the event channel
 * now: PUBLISH answers how many connections received the message. The probe is a
 * well-formed event of a location no gateway serves, so receiving it changes nothing.
 */
export async function instancesListening(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    const event = { kind: 'contact', change: 'updated', locationId: 'listenersProbe', contactId: 'probe', at: Date.now() };
    return await redis.publish(`${prefix}events:location:listenersProbe:contact`, JSON.stringify({ origin: 'probe', event }));
  } catch {
    return 0;
  } finally {
    redis.disconnect();
  }
}

/** Waits (polling every 50 ms, up to `attempts` times) until `count` instances hear the channel. */
export async function untilInstancesListen(url: string, prefix: string, count: number, attempts = 400): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if ((await instancesListening(url, prefix)) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} instances joined the event channel of ${prefix}`);
}
