import type { EventSubscription } from './event-bus';

export interface LiveSubscriptionsSnapshot {
  /** Caller subscriptions open on this instance now. */
  open: number;
  /** Events they hold now, waiting to be read: at most `open × bufferSize`. */
  buffered: number;
  /** The most events any one of them holds now: at most `bufferSize`. */
  mostBuffered: number;
  /** Subscriptions ended since start-up because their subscriber fell `bufferSize` events behind. */
  endedTooSlow: number;
}

/**
 * The callers' subscriptions of this instance (GraphQL subscriptions; not the gateway's own
 * consumers such as the CRM cache), and the bound that keeps a slow one from growing memory:
 * each holds at most `bufferSize` events for its subscriber, and is ended, with a reason, when
 * one more arrives. Built once by the composition root.
 */
export class LiveSubscriptions {
  readonly #open = new Set<EventSubscription<unknown>>();
  #endedTooSlow = 0;

  readonly #onEndedTooSlow: () => void;

  /** `onEndedTooSlow` is told each time a subscription is ended for its slow subscriber (metrics). */
  constructor(
    readonly bufferSize: number,
    options: { onEndedTooSlow?: () => void } = {},
  ) {
    if (!(bufferSize >= 1)) throw new RangeError('a subscription holds at least one event');
    this.#onEndedTooSlow = options.onEndedTooSlow ?? (() => undefined);
  }

  /** Counts `subscription` as open until the returned function runs. */
  track(subscription: EventSubscription<unknown>): () => void {
    this.#open.add(subscription);
    return () => this.#open.delete(subscription);
  }

  /** A subscription was ended because its subscriber did not keep up. */
  endedTooSlow(): void {
    this.#endedTooSlow += 1;
    this.#onEndedTooSlow();
  }

  snapshot(): LiveSubscriptionsSnapshot {
    let buffered = 0;
    let mostBuffered = 0;
    for (const subscription of this.#open) {
      buffered += subscription.buffered;
      mostBuffered = Math.max(mostBuffered, subscription.buffered);
    }
    return { open: this.#open.size, buffered, mostBuffered, endedTooSlow: this.#endedTooSlow };
  }
}
