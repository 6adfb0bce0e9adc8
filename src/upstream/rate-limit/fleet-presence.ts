import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SharedRedis } from '../redis/connection';

/**
 * How many gateway instances share the fleet's budgets, known while Redis is up, so that
 * while it is down each instance spends only its share (`budget / instances`).
 *
 * Each instance scores itself in `fleet:instances` (a sorted set) every `heartbeatMs`;
 * entries older than three heartbeats are dropped, so a crashed instance stops counting
 * within that. The last count seen is kept for when Redis is unreachable.
 */
export class FleetPresence {
  readonly id = randomUUID();
  #known = 1;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: SharedRedis,
    private readonly heartbeatMs = 2_000,
    private readonly logger?: Logger,
  ) {}

  /** Instances seen at the last heartbeat (this one included); 1 before the first. */
  get instances(): number {
    return this.#known;
  }

  start(): void {
    if (this.#timer) return;
    void this.beat();
    this.#timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.#timer.unref();
  }

  /** Stops the heartbeat and leaves the fleet at once, so the others' shares grow back. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.redis.connected) this.redis.client.zrem(this.key, this.id).catch(() => undefined);
  }

  /** One heartbeat: announces this instance and counts the live ones. */
  async beat(): Promise<number> {
    if (!this.redis.connected) return this.#known;
    const now = Date.now();
    try {
      const replies = await this.redis.client
        .multi()
        .zadd(this.key, now, this.id)
        .zremrangebyscore(this.key, '-inf', now - 3 * this.heartbeatMs)
        .zcard(this.key)
        .pexpire(this.key, 10 * this.heartbeatMs)
        .exec();
      const count = Number(replies?.[2]?.[1]);
      if (Number.isInteger(count) && count > 0) this.#known = count;
    } catch (error) {
      this.logger?.debug({ err: error }, 'fleet heartbeat failed; keeping the last instance count');
    }
    return this.#known;
  }

  private get key(): string {
    return this.redis.key('fleet', 'instances');
  }
}
