/**
 * What the idempotency store keeps per key, for 24 h. The record moves one way per attempt:
 * `pending` (claimed; the write is in flight until `leaseUntil`) → `done` (the answer to
 * replay) or `unknown` (the write may have happened: a retry reconciles before writing).
 * A failed write whose outcome is known (nothing was written) deletes its record instead.
 * Every change after the claim names the attempt that made it, so an attempt that lost
 * the key to another one (a retry that took over after its lease) can never overwrite it.
 */

/** Who the key belongs to: it is one key per location, caller and mutation. */
export interface IdempotencyScope {
  locationId: string;
  caller: string;
  mutation: string;
  key: string;
}

interface RecordBase {
  /** Canonical form of the input: the same key with other input is refused, not replayed. */
  fingerprint: string;
  /** Random id of the attempt that holds the key. */
  attempt: string;
  /** Epoch ms when that attempt started writing: a reconciliation looks for writes from then on. */
  startedAt: number;
}

export interface PendingRecord extends RecordBase {
  state: 'pending';
  /** Epoch ms after which the attempt is presumed lost (its instance died): then it counts as unknown. */
  leaseUntil: number;
}

export interface DoneRecord extends RecordBase {
  state: 'done';
  /** The first answer, as JSON: replayed to every retry. */
  result: unknown;
}

export interface UnknownRecord extends RecordBase {
  state: 'unknown';
  /** Epoch ms until which the write may still land upstream: until then, a retry that finds nothing waits. */
  settleAt: number;
}

export type IdempotencyRecord = PendingRecord | DoneRecord | UnknownRecord;

export type ClaimResult = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

/**
 * Where idempotency records live: in the process (one instance) or in Redis (shared mode).
 * Every method may reject when the storage is unreachable; the caller fails closed then.
 */
export interface IdempotencyStore {
  /** Stores `record` unless the key has one (atomically); answers the one it has otherwise. */
  claim(scope: IdempotencyScope, record: PendingRecord): Promise<ClaimResult>;
  /** Replaces the record when it still belongs to `attempt`; false when another attempt holds it (or it is gone). */
  replace(scope: IdempotencyScope, attempt: string, next: IdempotencyRecord): Promise<boolean>;
  /** Deletes the record when it still belongs to `attempt`: the key is free for a retry. */
  release(scope: IdempotencyScope, attempt: string): Promise<void>;
  close?(): Promise<void>;
}

/** How long a key is remembered. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60_000;
