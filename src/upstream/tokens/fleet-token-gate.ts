import { setTimeout as sleep } from 'node:timers/promises';
import { TokensUnavailableError, type UpstreamName } from '../http/errors';
import type { LockLease, RedisLock } from './redis-lock';
import { TokenStoreUnavailableError } from './redis-sealed-records';

export interface FleetTokenGateOptions {
  /**
   * Longest one instance waits for another's token request before giving up with
   * TOKENS_UNAVAILABLE: the lock's lifetime (a holder that died) plus an upstream call's
   * deadline (a holder that is slow). Callers with an earlier deadline stop waiting sooner.
   */
  maxWaitMs: number;
  /**
   * Whether the connection to Redis is up. A read that failed while it is (a command slower
   * than its timeout, on a loaded machine) is tried again within `maxWaitMs`; with the
   * connection down the failure is final at once.
   */
  connected(): boolean;
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
 * surface as TokenStoreUnavailableError: the caller decides what to do without Redis. Only
 * the reads and the lock before a token request are tried again; a failure of the work
 * itself never is (a refresh token may have been spent by then).
 */
export class FleetTokenGate {
  constructor(
    private readonly lock: RedisLock,
    private readonly options: FleetTokenGateOptions,
  ) {}

  async run<T>(upstream: UpstreamName, name: string, request: GatedRequest<T>): Promise<T> {
    const giveUpAt = Date.now() + this.options.maxWaitMs;
    const owner = this.lock.newOwner();
    let pauseMs = 20;
    for (;;) {
      let lease: LockLease | undefined;
      try {
        const ready = await request.usable();
        if (ready !== undefined) return ready;
        lease = await this.lock.tryAcquire(name, owner);
      } catch (error) {
        if (!(error instanceof TokenStoreUnavailableError) || !this.options.connected() || Date.now() >= giveUpAt) throw error;
      }
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
