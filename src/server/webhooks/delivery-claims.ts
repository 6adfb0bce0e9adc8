import { LRUCache } from 'lru-cache';
import { DEFAULT_WEBHOOK_CONFIG } from './webhook-config';

/**
 * Which deliveries have been taken, by id, so that each is applied once: a redelivery (HoopAI
 * retries what it thinks failed) or a replayed request is acknowledged and not applied again.
 * A claim needs to outlive only the timestamp window: anything older is refused as stale.
 */
export interface DeliveryClaims {
  /** True for the first claim of `deliveryId` (within its lifetime), false for every later one. */
  claim(deliveryId: string): Promise<boolean>;
  /** Gives a claim back: the delivery was refused after all (a full queue), and its redelivery must be applied. */
  release(deliveryId: string): Promise<void>;
}

/** One instance's claims, bounded in number: the oldest go first under a flood. */
export class MemoryDeliveryClaims implements DeliveryClaims {
  readonly #claimed: LRUCache<string, true>;

  constructor(options: { ttlMs: number; maxEntries?: number; clock?: () => number }) {
    const clock = options.clock ?? Date.now;
    this.#claimed = new LRUCache({ max: options.maxEntries ?? DEFAULT_WEBHOOK_CONFIG.rememberedDeliveries, ttl: options.ttlMs, ttlAutopurge: false, perf: { now: () => clock() } });
  }

  async claim(deliveryId: string): Promise<boolean> {
    if (this.#claimed.has(deliveryId)) return false;
    this.#claimed.set(deliveryId, true);
    return true;
  }

  async release(deliveryId: string): Promise<void> {
    this.#claimed.delete(deliveryId);
  }
}
