/**
 * At most one run of `work` per key at a time: callers arriving while it runs share its
 * promise. The work must not depend on any one caller's cancellation (see CallScope.race).
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}
