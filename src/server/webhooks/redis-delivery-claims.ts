import type { Logger } from 'pino';
import type { SharedRedis } from '../../upstream/redis/connection';
import { type DeliveryClaims, MemoryDeliveryClaims } from './delivery-claims';

/**
 * The fleet's claims: `SET <prefix>webhooks:hoopai:<deliveryId> <instance> NX PX <ttl>`, so a
 * delivery that reaches two instances (HoopAI redelivering to another one behind the load
 * balancer) is applied by the first only.
 *
 * While Redis cannot answer, this instance claims in memory instead and says so once: a
 * delivery is then applied at most once per instance, and perhaps once more by another.
 * Applying twice costs a second invalidation (idempotent); refusing would leave every
 * instance serving what the delivery says has changed until HoopAI's retries run out.
 */
export class RedisDeliveryClaims implements DeliveryClaims {
  readonly #fallback: MemoryDeliveryClaims;
  #degraded = false;

  constructor(
    private readonly shared: SharedRedis,
    private readonly options: { ttlMs: number; maxEntries?: number; instanceId: string; logger?: Logger; clock?: () => number },
  ) {
    this.#fallback = new MemoryDeliveryClaims({ ttlMs: options.ttlMs, maxEntries: options.maxEntries, clock: options.clock });
  }

  async claim(deliveryId: string): Promise<boolean> {
    try {
      const set = await this.shared.client.set(this.#key(deliveryId), this.options.instanceId, 'PX', this.options.ttlMs, 'NX');
      if (this.#degraded) this.options.logger?.info('webhook deliveries are claimed in Redis again: once per fleet');
      this.#degraded = false;
      // Also noted here, so that a redelivery during a later outage is still known to this instance.
      await this.#fallback.claim(deliveryId);
      return set === 'OK';
    } catch (error) {
      if (!this.#degraded) {
        this.options.logger?.warn(
          { err: { message: (error as Error).message } },
          'webhook deliveries are claimed in this instance only: Redis is unreachable; another instance may apply one again',
        );
      }
      this.#degraded = true;
      return this.#fallback.claim(deliveryId);
    }
  }

  async release(deliveryId: string): Promise<void> {
    await this.#fallback.release(deliveryId);
    await this.shared.client.del(this.#key(deliveryId)).catch(() => undefined);
  }

  #key(deliveryId: string): string {
    return this.shared.key('webhooks', 'hoopai', deliveryId);
  }
}
