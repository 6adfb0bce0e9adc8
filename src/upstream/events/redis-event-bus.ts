import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SharedRedis } from '../redis/connection';
import type { PublishOutcome } from './event-bus';
import { envelopeOf, type EventKind, type EventOfKind, type LocationTopic, readEnvelope, topicOf } from './location-events';
import { MemoryEventBus } from './memory-event-bus';

/**
 * The event bus of a fleet: this instance's subscribers get an event at once (as in
 * memory), the other instances' through Redis pub/sub, on the channel `<prefix>events:<topic>`.
 *
 * Each instance listens with ONE pattern subscription to every location's channels: the CRM
 * cache needs every location's changes anyway, and a new subscriber is live at once (no
 * SUBSCRIBE round trip to wait for, nothing to redo per topic after a reconnect).
 *
 * When Redis is down or slow, events still reach this instance's subscribers; the other
 * instances miss them — they are dropped with a warning, not queued: a late event would
 * describe a state that may have changed again since, and every instance that lost the
 * channel drops what it derived from events when it is back (`onMissedEvents`). Nothing
 * needs a restart: the connection retries by itself and the pattern is subscribed again.
 *
 * Not `@graphql-yoga/redis-event-target` (3.0.4 fits yoga 5.24 and ioredis 5, and was
 * tried): it neither awaits nor catches its PUBLISH and SUBSCRIBE, so on the gateway's
 * fail-fast connection (no offline queue) Redis being down becomes an unhandled rejection,
 * which ends a Node 20 process; and a topic first subscribed while Redis is down is never
 * subscribed after it returns.
 */
export class RedisEventBus extends MemoryEventBus {
  readonly #shared: SharedRedis;
  readonly #subscriber: Redis;
  /** `<prefix>events:`; a channel is this plus the topic. */
  readonly #channelPrefix: string;
  readonly #pattern: string;
  /** Events other instances did not get since the channel last worked; 0 while it works. */
  #dropped = 0;
  #joined = false;
  #closed = false;

  constructor(shared: SharedRedis, options: { logger?: Logger } = {}) {
    super(options);
    this.#shared = shared;
    this.#channelPrefix = shared.key('events', '');
    this.#pattern = `${this.#channelPrefix}location:*`;
    this.#subscriber = shared.subscriber();
    this.#subscriber.on('pmessage', this.#onMessage);
    this.#subscriber.on('ready', this.#join);
    if (this.#subscriber.status === 'ready') this.#join();
  }

  override async publish<K extends EventKind>(topic: LocationTopic<K>, event: EventOfKind<K>): Promise<PublishOutcome> {
    const stamped = this.stamped(topic, event);
    this.deliver(topic, stamped);
    if (this.#closed) return 'local-only';
    try {
      await this.#shared.client.publish(this.#channelPrefix + topic, envelopeOf(stamped));
    } catch (error) {
      if (this.#dropped++ === 0) {
        this.logger?.warn({ topic, err: { message: (error as Error).message } }, 'events reach this instance only: Redis is unreachable; the other instances miss them');
      }
      return 'local-only';
    }
    if (this.#dropped > 0) this.logger?.info({ dropped: this.#dropped }, 'events reach the other instances again');
    this.#dropped = 0;
    return 'delivered';
  }

  override async close(): Promise<void> {
    this.#closed = true;
    this.#subscriber.off('pmessage', this.#onMessage);
    this.#subscriber.off('ready', this.#join);
    await this.#subscriber.punsubscribe(this.#pattern).catch(() => undefined);
    await super.close();
  }

  /**
   * (Re)subscribes the pattern each time the connection is ready. ioredis resubscribes by
   * itself after a reconnect, but only this reply tells when the pattern is live again:
   * replies come in order, so from here on nothing published is missed.
   */
  readonly #join = (): void => {
    this.#subscriber.psubscribe(this.#pattern).then(
      () => {
        if (this.#closed) return;
        if (this.#joined) this.logger?.info('hearing the other instances again; what was derived from their events is dropped');
        this.#joined = true;
        this.missedEvents();
      },
      // The connection went away again; its next 'ready' tries again.
      () => undefined,
    );
  };

  readonly #onMessage = (pattern: string, channel: string, message: string): void => {
    if (pattern !== this.#pattern) return;
    const topic = channel.slice(this.#channelPrefix.length);
    const event = readEnvelope(topic, message);
    if (!event) {
      this.logger?.warn({ channel }, 'an event that is not one of this gateway’s was ignored');
      return;
    }
    // This instance's own events reached its subscribers when they were published.
    if (event.origin !== this.instanceId) this.deliver(topicOf(event), event);
  };
}
