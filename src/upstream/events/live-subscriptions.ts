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
  /** Subscriptions ended since start-up because this instance may have missed other instances' events. */
  endedEventsMissed: number;
}

/** Why the gateway ends a subscription by itself (metrics label values). */
export type SubscriptionEnding = 'too_slow' | 'events_missed';

/**
 * The callers' subscriptions of this instance (GraphQL subscriptions; not the gateway's own
 * consumers such as the CRM cache), and the bound that keeps a slow one from growing memory:
 * each holds at most `bufferSize` events for its subscriber, and is ended, with a reason, when
 * one more arrives. Built once by the composition root.
 */
export class LiveSubscriptions {
  /** Each open subscription, with what ends it when events may have been missed. */
  readonly #open = new Map<EventSubscription<unknown>, () => void>();
  readonly #ended: Record<SubscriptionEnding, number> = { too_slow: 0, events_missed: 0 };
  readonly #onEnded: (reason: SubscriptionEnding) => void;

  /** `onEnded` is told each time the gateway ends a subscription by itself (metrics). */
  constructor(
    readonly bufferSize: number,
    options: { onEnded?: (reason: SubscriptionEnding) => void } = {},
  ) {
    if (!(bufferSize >= 1)) throw new RangeError('a subscription holds at least one event');
    this.#onEnded = options.onEnded ?? (() => undefined);
  }

  /**
   * Counts `subscription` as open until the returned function runs. `endForMissedEvents`
   * ends it (with its reason) when this instance may have missed events (see `missedEvents`).
   */
  track(subscription: EventSubscription<unknown>, endForMissedEvents: () => void): () => void {
    this.#open.set(subscription, endForMissedEvents);
    return () => this.#open.delete(subscription);
  }

  /** A subscription was ended because its subscriber did not keep up. */
  endedTooSlow(): void {
    this.#ended.too_slow += 1;
    this.#onEnded('too_slow');
  }

  /**
   * This instance has (re)joined the other instances' channel after losing it (Redis down):
   * what they published meanwhile never reached its subscriptions, so every open one is
   * ended, saying so, rather than going on as if nothing had been missed.
   */
  missedEvents(): void {
    for (const [subscription, end] of [...this.#open]) {
      this.#open.delete(subscription);
      this.#ended.events_missed += 1;
      this.#onEnded('events_missed');
      end();
    }
  }

  snapshot(): LiveSubscriptionsSnapshot {
    let buffered = 0;
    let mostBuffered = 0;
    for (const subscription of this.#open.keys()) {
      buffered += subscription.buffered;
      mostBuffered = Math.max(mostBuffered, subscription.buffered);
    }
    return { open: this.#open.size, buffered, mostBuffered, endedTooSlow: this.#ended.too_slow, endedEventsMissed: this.#ended.events_missed };
  }
}
