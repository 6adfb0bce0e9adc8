import type { Logger } from 'pino';
import type { SharedRedis } from '../redis/connection';

/**
 * Whether the shared budgets can be used now, for one limiter: Redis connected, and no
 * outage in the last `retryAfterMs`. An outage starts with a lost connection or with a
 * failure the limiter reports (`failed`), and is logged once, as a warning with the
 * instance count that sets this instance's share; its end, once, as an info line.
 */
export class RedisOutage {
  /** Epoch ms of the last failure of the current outage; undefined while Redis serves. */
  #failedAt: number | undefined;
  #everConnected = false;

  constructor(
    private readonly redis: SharedRedis,
    private readonly logger: Logger,
    private readonly retryAfterMs: number,
    private readonly instances: () => number,
  ) {}

  /** The first connection is still being made (the gateway just started): not an outage yet. */
  get connecting(): boolean {
    return !this.#everConnected && !this.redis.connected && ['wait', 'connecting', 'connect'].includes(this.redis.client.status);
  }

  /** True while the fallback serves: disconnected, or a failure less than `retryAfterMs` ago. */
  get ongoing(): boolean {
    if (!this.redis.connected) {
      this.failed(new Error(`Redis connection ${this.redis.client.status}`));
      return true;
    }
    this.#everConnected = true;
    if (this.#failedAt === undefined) return false;
    if (Date.now() - this.#failedAt < this.retryAfterMs) return true;
    this.#failedAt = undefined;
    this.logger.info('rate limits: Redis answers again; the fleet shares each budget again');
    return false;
  }

  failed(error: unknown): void {
    if (this.#failedAt === undefined) {
      const instances = Math.max(1, this.instances());
      this.logger.warn(
        { err: { message: error instanceof Error ? error.message : String(error) }, instances, share: `1/${instances}` },
        "rate limits: Redis unavailable; this instance limits its own calls until Redis answers again (HoopAI: its share of each location's budget)",
      );
    }
    this.#failedAt = Date.now();
  }
}
