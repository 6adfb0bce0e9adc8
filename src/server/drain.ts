/**
 * The gateway's shutdown as the request path sees it: once `begin()` is called, `/readyz`
 * answers 503, every answer asks its client to close the connection, and every open event
 * stream ends with a reason. One per running gateway (built by start.ts, read by plugins).
 */
export class Drain {
  #since: number | undefined;
  readonly #streams = new Set<() => void>();

  get draining(): boolean {
    return this.#since !== undefined;
  }

  /** Idempotent: a second call changes nothing. */
  begin(): void {
    if (this.#since !== undefined) return;
    this.#since = Date.now();
    for (const close of [...this.#streams]) close();
    this.#streams.clear();
  }

  /** `close` runs when the drain begins (at once if it already has); the returned function forgets it. */
  onBegin(close: () => void): () => void {
    if (this.draining) {
      close();
      return () => undefined;
    }
    this.#streams.add(close);
    return () => this.#streams.delete(close);
  }
}
