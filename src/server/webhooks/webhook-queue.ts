import { bulkhead, type BulkheadPolicy } from 'cockatiel';
import type { Logger } from 'pino';

/**
 * Accepted deliveries waiting to be processed: one at a time, in the order they were
 * accepted (a ContactUpdate then its ContactDelete), at most `capacity` waiting. Never
 * unbounded: when full, `offer` says no at once and the receiver answers 503 with
 * Retry-After, so HoopAI delivers again later. A task that fails is logged, never retried
 * (the delivery was acknowledged).
 */
export class WebhookQueue {
  readonly #bulkhead: BulkheadPolicy;
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(
    capacity: number,
    private readonly logger?: Logger,
  ) {
    this.#bulkhead = bulkhead(1, capacity);
  }

  /** Whether `offer` would take a task now. */
  hasRoom(): boolean {
    return !this.#closed && this.#bulkhead.executionSlots + this.#bulkhead.queueSlots > 0;
  }

  /** Takes the task, or answers false (full, or closed) without taking it. */
  offer(task: () => Promise<void>, what: Record<string, unknown>): boolean {
    if (!this.hasRoom()) return false;
    const run = this.#bulkhead
      .execute(task)
      .catch((error: unknown) => this.logger?.error({ err: error, ...what }, 'a webhook delivery was acknowledged but could not be processed'))
      .finally(() => this.#running.delete(run));
    this.#running.add(run);
    return true;
  }

  /** Tasks taken and not finished. */
  get size(): number {
    return this.#running.size;
  }

  /** Resolves once every task taken so far (and any taken meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** Takes nothing more; resolves once what was taken has been processed. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.idle();
  }
}
