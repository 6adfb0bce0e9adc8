import type { Logger } from 'pino';
import type { CallScope } from '../http/call-scope';
import type { RateLimitedError, UpstreamName } from '../http/errors';
import { NO_OBSERVER, type RateLimitRefusal, type UpstreamObserver } from '../observability';
import type { SharedRedis } from '../redis/connection';
import type { FleetPresence } from './fleet-presence';
import type { RateLimitTuning } from './location-limiter';
import type { RateLimitPermit, RateLimiter } from './rate-limiter';
import { RedisOutage } from './redis-outage';
import { rateLimitRefusal } from './refusal';
import { sharedPermit } from './shared-permit';
import { SharedWindow } from './shared-window';

export interface SharedRateLimitOptions {
  /** Whose budgets these are. Default `hoopai` (one per location); `hoopr` has one per client. */
  upstream?: UpstreamName;
  tuning: RateLimitTuning;
  redis: SharedRedis;
  /** Names this instance in the shared log (its id). */
  presence: FleetPresence;
  /** What limits this instance while Redis is down; built at the first outage. */
  fallback: () => RateLimiter;
  logger: Logger;
  observer?: UpstreamObserver;
  /** Longest a request may be in flight before its slot counts as answered (a crashed instance's slots free themselves). Default 60000. */
  leaseMs?: number;
  /** After a failed Redis command, the local fallback serves alone this long before Redis is tried again, ms. Default 1000. */
  retryRedisAfterMs?: number;
}

interface Waiter {
  /** Its name in the fleet's line of waiting callers. */
  id: string;
  scope: CallScope;
  queuedAt: number;
  /** True once it was not served at its first try: it is counted as a rate-limit wait. */
  waited: boolean;
  /** True while it stands in the fleet's line in Redis (it was the head of this queue and had to wait). */
  inLine: boolean;
  grant(permit: RateLimitPermit): void;
  refuse(error: unknown): void;
  /** Stops listening to its scope and leaves the fleet's line: it waits here no more. */
  detach(): void;
}

interface Queue {
  waiters: Waiter[];
  /** When the next slot may free, as Redis last said (this process's clock); undefined when unknown. */
  startAt?: number;
  windowMs: number;
  timer?: NodeJS.Timeout;
  pumping: boolean;
  /** Redis commands of this queue that failed in a row while connected. */
  failures: number;
  /** Something changed while pumping (an answer, a release): try again before sleeping. */
  again: boolean;
}

const inLine = (waiter: Waiter) => ({ id: waiter.id, arrivedAt: waiter.queuedAt, deadline: waiter.scope.deadline });

/** Until the budget is calibrated, a waiter asks again this often (no slot time is known). */
const UNCALIBRATED_POLL_MS = 50;
/** How long a caller waits for the first connection to Redis, at most, ms (then: the fallback). */
const FIRST_CONNECTION_WAIT_MS = 2_000;
/** A connected Redis failing this many commands in a row is an outage. */
const FAILURES_BEFORE_FALLBACK = 3;
const RETRY_AFTER_FAILURE_MS = 50;
/** Spread over the instances' retries at the same freed slot, ms. */
const RETRY_JITTER_MS = 20;

/**
 * The fleet's rate limiter in shared mode: one budget per HoopAI location for every
 * instance together, in Redis (`SharedWindow`), learnt from the upstream's headers as the
 * in-process limiter learns them.
 *
 * Waiting: callers of one location queue in this process, first come first served; the
 * queue's head asks Redis for a slot, and while none is free it stands in the fleet's line
 * (one per location, in Redis, ordered by arrival) and the queue sleeps until the time Redis
 * names for the next slot; a caller queued behind others joins the line at once. A freed
 * slot goes to the caller that has waited longest in the whole fleet. A caller
 * whose deadline falls before that time is turned away at once with RATE_LIMITED; one still
 * queued at its deadline, likewise.
 *
 * Redis failing: commands fail fast (SharedRedis), and the limiter falls back to
 * `fallback` (for HoopAI: an in-process `LocationRateLimiter` holding this instance's share
 * of every budget), with one warning. After `retryRedisAfterMs`, once connected, the shared
 * budget is used again: the upstream's `X-RateLimit-Remaining` books what the fleet spent
 * meanwhile.
 */
export class SharedLocationRateLimiter implements RateLimiter {
  readonly #queues = new Map<string, Queue>();
  readonly #window: SharedWindow;
  readonly #tuning: RateLimitTuning;
  readonly #redis: SharedRedis;
  readonly #presence: FleetPresence;
  readonly #logger: Logger;
  readonly #observer: UpstreamObserver;
  readonly #outage: RedisOutage;
  readonly #upstream: UpstreamName;
  readonly #buildFallback: () => RateLimiter;
  #fallback: RateLimiter | undefined;
  #permits = 0;
  #waiters = 0;
  #closed = false;

  constructor(options: SharedRateLimitOptions) {
    this.#tuning = options.tuning;
    this.#redis = options.redis;
    this.#presence = options.presence;
    this.#logger = options.logger;
    this.#observer = options.observer ?? NO_OBSERVER;
    this.#outage = new RedisOutage(options.redis, options.logger, options.retryRedisAfterMs ?? 1_000, () => options.presence.instances);
    this.#upstream = options.upstream ?? 'hoopai';
    this.#buildFallback = options.fallback;
    const { perWindow, windowMs, daily } = options.tuning;
    this.#window = new SharedWindow(options.redis, this.#upstream, { perWindow, windowMs, daily, leaseMs: options.leaseMs ?? 60_000 });
  }

  /** Whether budgets are shared through Redis now (false during a fallback). */
  get shared(): boolean {
    return !this.#outage.ongoing;
  }

  async acquire(locationId: string, scope: CallScope): Promise<RateLimitPermit> {
    if (this.#closed) throw this.#refusal(locationId, undefined, 'shutting_down', Date.now());
    // Just started: the first connection is still being made. Its budget is the fleet's, so wait for it (briefly).
    if (this.#outage.connecting) await this.#redis.ready(Math.max(0, Math.min(FIRST_CONNECTION_WAIT_MS, scope.deadline - Date.now()))).catch(() => undefined);
    if (this.#outage.ongoing) return this.#viaFallback().acquire(locationId, scope);
    const queue = this.#queue(locationId);
    const now = Date.now();
    if (queue.waiters.length >= this.#tuning.maxQueue) throw this.#refusal(locationId, queue.startAt, 'queue_full', now);
    if (queue.waiters.length > 0 && queue.startAt !== undefined && queue.startAt > scope.deadline) {
      throw this.#refusal(locationId, queue.startAt, 'over_budget', now);
    }
    return new Promise<RateLimitPermit>((resolve, reject) => {
      const onAbort = () => {
        waiter.detach();
        const index = queue.waiters.indexOf(waiter);
        if (index >= 0) queue.waiters.splice(index, 1);
        if (scope.cancelledByCaller) {
          this.#observer.rateLimited(this.#upstream, { outcome: 'cancelled', waitedMs: Date.now() - waiter.queuedAt });
          reject(scope.abortError());
        } else {
          reject(this.#refusal(locationId, queue.startAt, 'deadline', waiter.queuedAt));
        }
      };
      const waiter: Waiter = {
        id: `${this.#presence.id}:w${++this.#waiters}`,
        scope,
        queuedAt: now,
        waited: false,
        inLine: false,
        grant: (permit) => {
          waiter.detach();
          if (waiter.waited) this.#observer.rateLimited(this.#upstream, { outcome: 'granted', waitedMs: Date.now() - waiter.queuedAt });
          resolve(permit);
        },
        refuse: (error) => {
          waiter.detach();
          reject(error);
        },
        detach: () => {
          scope.signal.removeEventListener('abort', onAbort);
          if (!waiter.inLine) return;
          waiter.inLine = false;
          // Else it would hold back the fleet's callers behind it until its deadline.
          this.#window.leaveLine(locationId, waiter.id).catch(() => undefined);
        },
      };
      scope.signal.addEventListener('abort', onAbort, { once: true });
      queue.waiters.push(waiter);
      if (queue.waiters.length > 1) {
        // Behind others here: it takes its place in the fleet's line at once, so that no later caller elsewhere passes it.
        waiter.inLine = true;
        this.#window.joinLine(locationId, inLine(waiter)).catch(() => undefined);
      }
      // A queue asleep until the next slot needs no extra round trip for a newcomer: it is served in turn.
      if (!queue.timer) void this.#pump(locationId, queue);
    });
  }

  close(): void {
    this.#closed = true;
    for (const [locationId, queue] of this.#queues) {
      clearTimeout(queue.timer);
      for (const waiter of queue.waiters.splice(0)) waiter.refuse(this.#refusal(locationId, undefined, 'shutting_down', waiter.queuedAt));
    }
    this.#fallback?.close();
  }

  #queue(locationId: string): Queue {
    let queue = this.#queues.get(locationId);
    if (!queue) {
      queue = { waiters: [], windowMs: this.#tuning.windowMs, pumping: false, again: false, failures: 0 };
      this.#queues.set(locationId, queue);
    }
    return queue;
  }

  /** Serves the queue's head from Redis until no slot is free, then sleeps until one may be. One pump per queue at a time. */
  async #pump(locationId: string, queue: Queue): Promise<void> {
    if (queue.pumping) {
      queue.again = true;
      return;
    }
    queue.pumping = true;
    clearTimeout(queue.timer);
    queue.timer = undefined;
    try {
      do {
        queue.again = false;
        if (!(await this.#serve(locationId, queue))) return;
        if (queue.again) {
          clearTimeout(queue.timer);
          queue.timer = undefined;
        }
      } while (queue.again && queue.waiters.length > 0);
    } finally {
      queue.pumping = false;
    }
  }

  /** One round of serving; false when Redis failed and the waiters went to the fallback. */
  async #serve(locationId: string, queue: Queue): Promise<boolean> {
    while (queue.waiters.length > 0 && !this.#closed) {
      const member = `${this.#presence.id}:${++this.#permits}`;
      const head = queue.waiters[0]!;
      let result;
      try {
        result = await this.#window.take(locationId, member, inLine(head));
        queue.failures = 0;
      } catch (error) {
        // The script may have run all the same (a reply late under load): give back the slot it may hold.
        this.#window.release(locationId, member).catch(() => undefined);
        // A connected Redis that missed one reply is asked again, the callers keeping their place; a lost
        // connection, or one that keeps failing, is an outage: the fallback takes over.
        if (this.#redis.connected && ++queue.failures < FAILURES_BEFORE_FALLBACK) {
          this.#logger.debug({ err: error, key: locationId }, 'rate limits: a Redis command failed; asking again');
          queue.timer = setTimeout(() => void this.#pump(locationId, queue), RETRY_AFTER_FAILURE_MS);
          return true;
        }
        queue.failures = 0;
        this.#outage.failed(error);
        this.#handOver(locationId, queue);
        return false;
      }
      queue.windowMs = result.windowMs;
      if (result.granted) {
        queue.startAt = undefined;
        head.inLine = false; // the grant took it out of the line
        // The head may have left meanwhile (cancelled, deadline): the slot goes to whoever is first now.
        const waiter = queue.waiters.shift();
        if (waiter) waiter.grant(this.#permit(locationId, member, queue));
        else this.#window.release(locationId, member).catch(() => undefined);
        continue;
      }
      const now = Date.now();
      if (result.dailySpent) {
        for (const waiter of queue.waiters.splice(0)) waiter.refuse(this.#refusal(locationId, result.startAt, 'daily_budget_spent', waiter.queuedAt));
        return true;
      }
      queue.startAt = result.startAt;
      if (queue.waiters.includes(head)) head.inLine = true;
      else this.#window.leaveLine(locationId, head.id).catch(() => undefined); // it left while asking
      // First come, first served: nobody starts before `startAt`, so a deadline before it cannot be met.
      for (const waiter of [...queue.waiters]) {
        waiter.waited = true;
        if (result.startAt !== undefined && result.startAt > waiter.scope.deadline) {
          queue.waiters.splice(queue.waiters.indexOf(waiter), 1);
          waiter.refuse(this.#refusal(locationId, result.startAt, 'over_budget', waiter.queuedAt));
        }
      }
      if (queue.waiters.length > 0) {
        const delay = result.startAt === undefined ? UNCALIBRATED_POLL_MS : Math.max(1, result.startAt - now) + Math.random() * RETRY_JITTER_MS;
        queue.timer = setTimeout(() => void this.#pump(locationId, queue), delay);
      }
      return true;
    }
    return true;
  }

  #permit(locationId: string, member: string, queue: Queue): RateLimitPermit {
    return sharedPermit({
      window: this.#window,
      upstream: this.#upstream,
      key: locationId,
      member,
      windowMs: () => queue.windowMs,
      logger: this.#logger,
      settled: () => this.#wake(locationId, queue),
    });
  }

  /** A local answer may have calibrated the budget or changed the next slot: the sleeping queue asks again. */
  #wake(locationId: string, queue: Queue): void {
    if (queue.waiters.length === 0 || this.#outage.ongoing) return;
    void this.#pump(locationId, queue);
  }

  /** The queue's waiters go on waiting in the fallback, their place in line kept. */
  #handOver(locationId: string, queue: Queue): void {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    queue.startAt = undefined;
    const fallback = this.#viaFallback();
    for (const waiter of queue.waiters.splice(0)) {
      waiter.inLine = false; // Redis is unreachable: its place there lapses at its deadline
      waiter.detach();
      waiter.waited = false; // the fallback reports its own wait
      fallback.acquire(locationId, waiter.scope).then(waiter.grant, waiter.refuse);
    }
  }

  #viaFallback(): RateLimiter {
    // Built at the first outage, when the instance count is known.
    this.#fallback ??= this.#buildFallback();
    return this.#fallback;
  }

  #refusal(key: string, startAt: number | undefined, reason: RateLimitRefusal, waitingSince: number): RateLimitedError {
    return rateLimitRefusal(this.#observer, this.#upstream, key, { reason, startAt, waitingSince, windowMs: this.#tuning.windowMs });
  }
}
