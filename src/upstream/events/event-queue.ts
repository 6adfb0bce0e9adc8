/**
 * One subscriber's events, as an async iterator with a bounded buffer. A subscriber that
 * reads slower than events arrive loses the OLDEST ones (the newest say most about the
 * state now) and is told through `onOverflow`, once per event lost; memory never grows
 * past `capacity` events per subscriber.
 *
 * The subscription is live from construction, not from the first read (as a Repeater's
 * is): an event published right after `subscribe()` returns is never lost.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  readonly #capacity: number;
  readonly #onOverflow: () => void;
  readonly #onEnd: () => void;
  readonly #buffered: T[] = [];
  readonly #readers: ((result: IteratorResult<T>) => void)[] = [];
  #ended = false;

  constructor(options: { capacity: number; onOverflow: () => void; onEnd: () => void }) {
    if (!(options.capacity >= 1)) throw new RangeError('an event queue holds at least one event');
    this.#capacity = options.capacity;
    this.#onOverflow = options.onOverflow;
    this.#onEnd = options.onEnd;
  }

  push(value: T): void {
    if (this.#ended) return;
    const reader = this.#readers.shift();
    if (reader) return reader({ value, done: false });
    if (this.#buffered.length >= this.#capacity) {
      this.#buffered.shift();
      this.#onOverflow();
      // The subscriber may end the subscription when it learns it lost an event.
      if (this.#ended) return;
    }
    this.#buffered.push(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#buffered.length > 0) return Promise.resolve({ value: this.#buffered.shift() as T, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  /** The subscriber is done (a `for await` loop left): no more events, the buffer is dropped. */
  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the subscription: waiting reads finish, buffered events are dropped. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#buffered.length = 0;
    for (const reader of this.#readers.splice(0)) reader({ value: undefined, done: true });
    this.#onEnd();
  }

  /** Events held now, waiting for the subscriber to read them (never more than the capacity). */
  get buffered(): number {
    return this.#buffered.length;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
