import type { RateLimitReport } from './headers';

/**
 * One location's short-interval budget ("100 requests per 10 s"), kept as a sliding log.
 *
 * Why not rate-limiter-flexible here: its in-memory limiters count in fixed windows, and
 * the upstream allows 100 in ANY 10 s; a fixed window lets up to 200 through across a
 * window edge. The upstream also counts a request when it ARRIVES, which we cannot see, so
 * a request holds its slot from the moment it is sent until one interval after its answer
 * (in flight, then in the log) — never less than the upstream holds it.
 *
 * The budget adapts to what the upstream reports: a smaller `X-RateLimit-Max` lowers the
 * limit, the reported interval replaces ours, and a `X-RateLimit-Remaining` below what we
 * think is left (other gateway instances, other apps) books the difference as used now.
 */
/** Expired entries dropped at once, at the earliest; fewer are just skipped. */
const COMPACT_AFTER = 256;

export class WindowBucket {
  /**
   * Times (ascending) of answered requests, plus booked phantoms; those from `head` on are
   * still inside the interval. Expired entries are skipped by moving `head` and dropped in
   * batches, so a large budget (a long log) costs no more per request than a small one.
   */
  private readonly log: number[] = [];
  private head = 0;
  inFlight = 0;
  /** No request may start before this time (after an upstream 429). */
  blockedUntil = 0;
  /** False until the first answer: until then one request at a time, so a smaller upstream limit is learned before a burst. */
  calibrated = false;

  constructor(
    private readonly configuredLimit: number,
    public limit: number,
    public windowMs: number,
    /** The part of the upstream's budget this bucket may spend (1: all of it; see LocationRateLimiter). */
    private readonly share: () => number = () => 1,
  ) {}

  /** Slots free right now (negative when the upstream lowered the limit below what is in use). */
  free(now: number): number {
    this.prune(now);
    if (now < this.blockedUntil) return 0;
    if (!this.calibrated) return this.inFlight === 0 && this.logged < this.limit ? 1 : 0;
    return this.limit - this.logged - this.inFlight;
  }

  take(): void {
    this.inFlight++;
  }

  /** The request never reached the upstream: its slot is free at once. */
  release(): void {
    this.inFlight--;
  }

  /** The request was answered (or may have reached the upstream): it counts for one interval from now. */
  answered(now: number, report: RateLimitReport): void {
    this.inFlight--;
    this.log.push(now);
    this.calibrated = true;
    if (report.intervalMs) this.windowMs = report.intervalMs;
    const share = this.share();
    if (report.max) this.limit = Math.max(1, Math.floor(Math.min(this.configuredLimit, report.max) * share));
    if (report.remaining !== undefined) {
      const believedFree = this.limit - this.logged - this.inFlight;
      for (let i = Math.floor(report.remaining * share); i < believedFree; i++) this.log.push(now);
    }
  }

  /** After an upstream 429: nothing starts for `ms`. */
  block(now: number, ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, now + ms);
  }

  /**
   * The earliest time the waiter at `position` (0 = next in line) could start, assuming the
   * upstream reports nothing new. Optimistic, so a waiter is only turned away early when it
   * certainly cannot make its deadline; `undefined` while uncalibrated (unknowable).
   */
  slotTime(position: number, now: number): number | undefined {
    if (!this.calibrated) return undefined;
    this.prune(now);
    const start = Math.max(now, this.blockedUntil);
    const needed = position + 1 - (this.limit - this.logged - this.inFlight);
    if (needed <= 0) return start;
    // Logged requests leave the interval oldest first; in-flight ones an interval after their answer at the earliest.
    const expiry = needed <= this.logged ? this.log[this.head + needed - 1]! + this.windowMs : now + this.windowMs;
    return Math.max(start, expiry);
  }

  /** When `free()` may next grow on its own (a log entry expiring, a block ending); undefined if only an answer can change it. */
  nextChange(now: number): number | undefined {
    const times: number[] = [];
    if (this.blockedUntil > now) times.push(this.blockedUntil);
    const oldest = this.log[this.head];
    if (oldest !== undefined) times.push(oldest + this.windowMs);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  /** Entries inside the interval (as of the last prune). */
  private get logged(): number {
    return this.log.length - this.head;
  }

  private prune(now: number): void {
    while (this.head < this.log.length && this.log[this.head]! + this.windowMs <= now) this.head++;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.log.length) {
      this.log.splice(0, this.head);
      this.head = 0;
    }
  }
}
