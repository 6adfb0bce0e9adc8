import { setTimeout as sleep } from 'node:timers/promises';
import { TokensUnavailableError, type UpstreamName } from '../http/errors';
import type { RedisLock } from './redis-lock';

export interface FleetTokenGateOptions {
  /**
   * Longest one instance waits for another's token request before giving up with
   * TOKENS_UNAVAILABLE: the lock's lifetime (a holder that died) plus an upstream call's
   * deadline (a holder that is slow). Callers with an earlier deadline stop waiting sooner.
   */
  maxWaitMs: number;
}

export interface GatedRequest<T> {
  /** Reads the shared state: a value when it can be used as it is (another instance has done the work). */
  usable(): Promise<T | undefined>;
  /** The token request, run while holding the lock; it reads the shared state again first. */
  work(): Promise<T>;
}

/**
 * One token request per expiry for the whole fleet: read what the others stored; if it will
 * not do, take the fleet-wide lock and do the work (re-reading first: the last holder may have
 * finished just before); else wait a little and read again, until the holder's result is
 * there or its lock has expired (it died) and this instance can take over. Redis failures
 * surface as TokenStoreUnavailableError: the caller decides what to do without Redis.
 */
export class FleetTokenGate {
  constructor(
    private readonly lock: RedisLock,
    private readonly options: FleetTokenGateOptions,
  ) {}

  async run<T>(upstream: UpstreamName, name: string, request: GatedRequest<T>): Promise<T> {
    const giveUpAt = Date.now() + this.options.maxWaitMs;
    let pauseMs = 20;
    for (;;) {
      const ready = await request.usable();
      if (ready !== undefined) return ready;
      const lease = await this.lock.tryAcquire(name);
      if (lease) {
        try {
          return await request.work();
        } finally {
          await lease.release();
        }
      }
      if (Date.now() >= giveUpAt) {
        throw new TokensUnavailableError(`another gateway instance has been obtaining the ${name} token for over ${this.options.maxWaitMs} ms`, { upstream });
      }
      await sleep(pauseMs);
      pauseMs = Math.min(pauseMs * 2, 200);
    }
  }
}
