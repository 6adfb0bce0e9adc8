import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventBus, EventSubscription, PublishOutcome, SubscribeOptions } from './event-bus';
import { EventQueue } from './event-queue';
import { type EventKind, type EventOfKind, type LocationTopic, type ReceivedEvent, topicOf } from './location-events';

const DEFAULT_BUFFER_SIZE = 256;

/** Every topic's subscribers, and the subscribers of every location (keyed by this). */
const EVERY_LOCATION = Symbol('every location');

/**
 * The event bus of one instance: events reach the subscribers of this process only. It is
 * also the local half of the shared bus ({@link RedisEventBus}), which adds the channel to
 * the other instances.
 */
export class MemoryEventBus implements EventBus {
  readonly instanceId: string = randomUUID();
  protected readonly logger: Logger | undefined;
  readonly #subscribers = new Map<string | typeof EVERY_LOCATION, Set<EventQueue<ReceivedEvent>>>();
  readonly #missedListeners = new Set<() => void>();
  #closed = false;

  constructor(options: { logger?: Logger } = {}) {
    this.logger = options.logger;
  }

  async publish<K extends EventKind>(topic: LocationTopic<K>, event: EventOfKind<K>): Promise<PublishOutcome> {
    this.deliver(topic, this.stamped(topic, event));
    return 'delivered';
  }

  subscribe<K extends EventKind>(topic: LocationTopic<K>, options: SubscribeOptions = {}): EventSubscription<ReceivedEvent<EventOfKind<K>>> {
    // A topic's queue only ever holds events of the topic's kind: `stamped` checks each one.
    return this.#queue(topic, options) as EventSubscription<ReceivedEvent> as EventSubscription<ReceivedEvent<EventOfKind<K>>>;
  }

  subscribeEveryLocation(options: SubscribeOptions = {}): AsyncIterableIterator<ReceivedEvent> {
    return this.#queue(EVERY_LOCATION, options);
  }

  onMissedEvents(listener: () => void): () => void {
    this.#missedListeners.add(listener);
    return () => this.#missedListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const queues of [...this.#subscribers.values()]) for (const queue of [...queues]) queue.end();
  }

  /** The event as it travels: checked against its topic, stamped with this instance. */
  protected stamped(topic: LocationTopic, event: EventOfKind<EventKind>): ReceivedEvent {
    if (topicOf(event) !== topic) throw new Error(`a ${event.kind} event of location ${event.locationId} does not belong on ${topic}`);
    return { ...event, origin: this.instanceId };
  }

  /** Hands an event to this instance's subscribers of its topic and of every location. */
  protected deliver(topic: LocationTopic, event: ReceivedEvent): void {
    for (const queue of this.#subscribers.get(topic) ?? []) queue.push(event);
    for (const queue of this.#subscribers.get(EVERY_LOCATION) ?? []) queue.push(event);
  }

  /** Tells every consumer of derived state that events may have been missed. */
  protected missedEvents(): void {
    for (const listener of this.#missedListeners) listener();
  }

  #queue(key: string | typeof EVERY_LOCATION, options: SubscribeOptions): EventQueue<ReceivedEvent> {
    let queues = this.#subscribers.get(key);
    if (!queues) this.#subscribers.set(key, (queues = new Set()));
    const subscribed = queues;
    let warned = false;
    const what = key === EVERY_LOCATION ? 'every location' : key;
    const queue: EventQueue<ReceivedEvent> = new EventQueue({
      capacity: options.bufferSize ?? DEFAULT_BUFFER_SIZE,
      onOverflow:
        options.onOverflow ??
        (() => {
          if (!warned) this.logger?.warn({ topic: what }, 'a subscriber reads events slower than they arrive; the oldest are dropped');
          warned = true;
        }),
      onEnd: () => {
        subscribed.delete(queue);
        if (subscribed.size === 0 && this.#subscribers.get(key) === subscribed) this.#subscribers.delete(key);
      },
    });
    if (this.#closed) queue.end();
    else subscribed.add(queue);
    return queue;
  }
}
