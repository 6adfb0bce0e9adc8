import type { EventKind, EventOfKind, LocationTopic, ReceivedEvent } from './location-events';

export interface SubscribeOptions {
  /** Events held for a subscriber that reads slower than they arrive (default 256); the oldest go first. */
  bufferSize?: number;
  /** Called once per event a full buffer lost (default: a warning in the log, once per subscription). */
  onOverflow?: () => void;
}

/** A subscription to a topic: its events as an async iterator, and how many wait to be read. */
export interface EventSubscription<T> extends AsyncIterableIterator<T> {
  /** Events held for the subscriber now: never more than its `bufferSize`. */
  readonly buffered: number;
  /** Ends the subscription (what it holds is dropped); a `break` out of `for await` calls it. */
  return(): Promise<IteratorResult<T>>;
}

/**
 * `delivered`: every instance's subscribers have it (or will, as soon as they read).
 * `local-only`: only this instance's subscribers have it; the other instances could not be
 * reached (Redis down or slow) and never will, as events are not kept for later.
 */
export type PublishOutcome = 'delivered' | 'local-only';

/**
 * The channel of changes between the instances of one gateway, by tenant-scoped topic
 * (`location:<id>:contact`, `…:conversation`, `…:message`). Built once by the composition
 * root: in memory for one instance, over Redis pub/sub in shared mode.
 *
 * Contract for publishers: whoever publishes on an instance has already applied the change
 * to that instance's own caches. Consumers of derived state (the CRM cache) therefore skip
 * events whose `origin` is their own instance, and act on everyone else's.
 */
export interface EventBus {
  /** This instance's id, stamped as `origin` on every event it publishes. */
  readonly instanceId: string;

  /**
   * Delivers `event` to every subscriber of `topic`: this instance's at once (even while
   * other instances cannot be reached), the others' through the shared channel. Never throws
   * for a channel failure: the outcome says how far the event got. Throws if `event` does
   * not belong on `topic`.
   */
  publish<K extends EventKind>(topic: LocationTopic<K>, event: EventOfKind<K>): Promise<PublishOutcome>;

  /** The events on `topic` from now on, from every instance. Leave with `return()` (a `break`). */
  subscribe<K extends EventKind>(topic: LocationTopic<K>, options?: SubscribeOptions): EventSubscription<ReceivedEvent<EventOfKind<K>>>;

  /**
   * Every event of every location, for the gateway's own consumers (cache invalidation).
   * Never hand this to a caller: a caller's subscription names its location's topic.
   */
  subscribeEveryLocation(options?: SubscribeOptions): AsyncIterableIterator<ReceivedEvent>;

  /**
   * `listener` runs each time this instance (re)joins the other instances' channel, the
   * first time included: events published meanwhile may have been missed, so a consumer
   * that keeps state derived from events drops it. Never runs in memory (one instance
   * misses nothing). Returns the function that unregisters it.
   */
  onMissedEvents(listener: () => void): () => void;

  /** Ends every subscription; publishing after close reaches nobody. */
  close(): Promise<void>;
}
