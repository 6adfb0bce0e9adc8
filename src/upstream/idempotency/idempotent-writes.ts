import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { type IdempotentWriteOutcome, NO_OBSERVER, type UpstreamObserver } from '../observability';
import { IdempotencyInProgressError, IdempotencyKeyReusedError, IdempotencyUnavailableError } from './errors';
import type { IdempotencyRecord, IdempotencyScope, IdempotencyStore, PendingRecord } from './records';

export interface IdempotentWritesOptions {
  /**
   * How long after an unknown outcome (a timeout, a reset connection) the write may still
   * land upstream. Until then a retry that finds no trace of it answers
   * IDEMPOTENCY_IN_PROGRESS; after it, the retry writes (once). Default 30 s.
   */
  settleMs?: number;
  /** Longest a retry waits for an attempt still in flight before IDEMPOTENCY_IN_PROGRESS. Default 5 s. */
  maxWaitMs?: number;
  /** How often a waiting retry looks at the record again. Default 100 ms. */
  pollMs?: number;
  clock?: () => number;
  observer?: UpstreamObserver;
  logger?: Logger;
}

/** One keyed write: what to do, how to find out whether an earlier attempt did it, and when its outcome is unknown. */
export interface KeyedWrite<T> {
  scope: IdempotencyScope;
  fingerprint: string;
  /** Epoch ms: the request's deadline. The write ends by then; a waiting retry never waits past it. */
  deadline: number;
  write(): Promise<T>;
  /**
   * Looks upstream for what an attempt started at `since` (epoch ms) may have written:
   * its result, or undefined when there is none. Absent: the write is repeatable (doing it
   * twice leaves the same state, e.g. setting fields or tags), and a retry simply does it again.
   */
  reconcile?(since: number): Promise<T | undefined>;
  /**
   * With `reconcile`: when it finds nothing, write again at once instead of waiting out the
   * settle time, because the lost attempt landing late would change nothing (a delete).
   */
  repeatable?: boolean;
  /** Whether a failure of `write` leaves its outcome unknown (it may have been carried out). */
  outcomeUnknown(error: unknown): boolean;
}

export interface IdempotentOutcome<T> {
  value: T;
  /** True when nothing was written now: `value` is the first attempt's answer, or what reconciliation found it wrote. */
  replayed: boolean;
}

/** How a keyed write ended, for the observer: `reconciled` when a lost attempt's write was found. */
type Ended<T> = IdempotentOutcome<T> & { reconciled?: boolean };

/** A pending attempt whose instance has not finished it this long after its deadline is presumed lost. */
const LEASE_MARGIN_MS = 2_000;

/**
 * Runs writes at most once per idempotency key, on every instance that shares the store:
 * the first attempt claims the key atomically; a retry replays its answer, waits while it
 * is in flight (bounded), and — when its outcome is unknown — reconciles with the upstream
 * before writing: it answers what the first attempt wrote if it finds it, waits out the
 * settle time if it does not, and only then writes, once (the store's compare-and-set lets
 * one retry take the key over).
 *
 * Fails closed: a store that cannot be reached refuses the keyed write
 * (IDEMPOTENCY_UNAVAILABLE) before anything is written. Once the write has been made, a
 * store failure no longer changes the answer: the record stays pending, its lease runs out,
 * and a later retry reconciles.
 */
export class IdempotentWrites {
  readonly settleMs: number;
  readonly #maxWaitMs: number;
  readonly #pollMs: number;
  readonly #clock: () => number;
  readonly #observer: UpstreamObserver;
  readonly #logger: Logger | undefined;

  constructor(
    private readonly store: IdempotencyStore,
    options: IdempotentWritesOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 30_000;
    this.#maxWaitMs = options.maxWaitMs ?? 5_000;
    this.#pollMs = options.pollMs ?? 100;
    this.#clock = options.clock ?? Date.now;
    this.#observer = options.observer ?? NO_OBSERVER;
    this.#logger = options.logger;
  }

  async run<T>(plan: KeyedWrite<T>): Promise<IdempotentOutcome<T>> {
    try {
      const outcome = await this.#run(plan);
      this.#observer.idempotentWrite(plan.scope.mutation, outcome.reconciled ? 'reconciled' : outcome.replayed ? 'replayed' : 'written');
      return { value: outcome.value, replayed: outcome.replayed };
    } catch (error) {
      this.#observer.idempotentWrite(plan.scope.mutation, this.#failure(plan, error));
      throw error;
    }
  }

  #failure(plan: KeyedWrite<unknown>, error: unknown): IdempotentWriteOutcome {
    if (error instanceof IdempotencyInProgressError) return 'in_progress';
    if (error instanceof IdempotencyUnavailableError) return 'unavailable';
    if (error instanceof IdempotencyKeyReusedError) return 'key_reused';
    return plan.outcomeUnknown(error) ? 'outcome_unknown' : 'failed';
  }

  async #run<T>(plan: KeyedWrite<T>): Promise<Ended<T>> {
    const waitUntil = Math.min(this.#clock() + this.#maxWaitMs, plan.deadline - this.#pollMs);
    for (let look = 0; ; look++) {
      const attempt = this.#pending(plan);
      const claim = await this.#stored(() => this.store.claim(plan.scope, attempt));
      // One lookup per request, however long it waits.
      if (look === 0) this.#observer.cacheLookup('idempotency', !claim.claimed);
      if (claim.claimed) return this.#write(plan, attempt);
      const existing = claim.existing;
      if (existing.fingerprint !== plan.fingerprint) throw new IdempotencyKeyReusedError();
      if (existing.state === 'done') return { value: existing.result as T, replayed: true };
      const now = this.#clock();
      if (existing.state === 'pending' && now < existing.leaseUntil) {
        if (now + this.#pollMs > waitUntil) throw new IdempotencyInProgressError(existing.leaseUntil - now, false);
        await sleep(this.#pollMs);
        continue;
      }
      const outcome = await this.#takeOver(plan, existing);
      if (outcome) return outcome;
      // Another retry changed the record meanwhile: look at it again.
    }
  }

  /** The record of an attempt whose outcome is unknown (or whose instance vanished): reconcile, then write once. */
  async #takeOver<T>(plan: KeyedWrite<T>, existing: IdempotencyRecord): Promise<Ended<T> | undefined> {
    const settleAt = existing.state === 'unknown' ? existing.settleAt : existing.state === 'pending' ? existing.leaseUntil + this.settleMs : 0;
    if (plan.reconcile) {
      const found = await plan.reconcile(existing.startedAt);
      if (found !== undefined) {
        this.#logger?.info({ mutation: plan.scope.mutation, locationId: plan.scope.locationId }, 'idempotent write reconciled: the lost attempt had written');
        const done = { state: 'done', fingerprint: plan.fingerprint, attempt: existing.attempt, startedAt: existing.startedAt, result: found } as const;
        // Nothing is written now: a store failure here only means the next retry reconciles again.
        await this.#afterWrite(() => this.store.replace(plan.scope, existing.attempt, done));
        return { value: found, replayed: true, reconciled: true };
      }
      const now = this.#clock();
      if (now < settleAt && !plan.repeatable) throw new IdempotencyInProgressError(settleAt - now, true);
    }
    const attempt = this.#pending(plan);
    if (!(await this.#stored(() => this.store.replace(plan.scope, existing.attempt, attempt)))) return undefined;
    this.#logger?.info({ mutation: plan.scope.mutation, locationId: plan.scope.locationId }, 'idempotent write retried: no trace of the lost attempt');
    return this.#write(plan, attempt);
  }

  async #write<T>(plan: KeyedWrite<T>, attempt: PendingRecord): Promise<Ended<T>> {
    let value: T;
    try {
      value = await plan.write();
    } catch (error) {
      if (plan.outcomeUnknown(error)) {
        const unknown = { ...attempt, state: 'unknown', settleAt: this.#clock() + this.settleMs } as const;
        await this.#afterWrite(() => this.store.replace(plan.scope, attempt.attempt, unknown));
      } else {
        await this.#afterWrite(() => this.store.release(plan.scope, attempt.attempt));
      }
      throw error;
    }
    const done = { state: 'done', fingerprint: attempt.fingerprint, attempt: attempt.attempt, startedAt: attempt.startedAt, result: value } as const;
    await this.#afterWrite(() => this.store.replace(plan.scope, attempt.attempt, done));
    return { value, replayed: false };
  }

  #pending(plan: KeyedWrite<unknown>): PendingRecord {
    const now = this.#clock();
    return { state: 'pending', fingerprint: plan.fingerprint, attempt: randomUUID(), startedAt: now, leaseUntil: Math.max(plan.deadline, now) + LEASE_MARGIN_MS };
  }

  /** A store call before anything is written: its failure refuses the write. */
  async #stored<R>(call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      this.#logger?.warn({ err: { message: (error as Error).message } }, 'idempotency store unavailable; keyed write refused');
      throw new IdempotencyUnavailableError();
    }
  }

  /** A store call after the write (or after finding it): its failure must not change the answer. */
  async #afterWrite(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.#logger?.warn({ err: { message: (error as Error).message } }, 'idempotency record not updated after the write; a retry will reconcile');
    }
  }
}
