/** The failures of an idempotent write that are about its key, not about the upstream. Stable codes. */

/** The key was used before for a different request: replaying it would answer another question. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This idempotency key was already used for a different request; use a new key for a new request.');
    this.name = 'IdempotencyKeyReusedError';
  }
}

/**
 * Another attempt with this key is still running, or its outcome is unknown and the write
 * may still land upstream: nothing was written now. Retry with the same key after `retryAfterMs`.
 */
export class IdempotencyInProgressError extends Error {
  readonly code = 'IDEMPOTENCY_IN_PROGRESS';
  constructor(
    readonly retryAfterMs: number,
    readonly settling: boolean,
  ) {
    super(
      settling
        ? 'An earlier attempt with this idempotency key timed out and may still be carried out upstream; nothing was written now. Retry with the same key later.'
        : 'An earlier attempt with this idempotency key is still running; nothing was written now. Retry with the same key later.',
    );
    this.name = 'IdempotencyInProgressError';
  }
}

/** The shared idempotency store (Redis) cannot be reached: a keyed write is refused rather than risk a second write. */
export class IdempotencyUnavailableError extends Error {
  readonly code = 'IDEMPOTENCY_UNAVAILABLE';
  constructor() {
    super('Idempotency keys cannot be checked right now, so nothing was written. Retry with the same key later, or send without a key.');
    this.name = 'IdempotencyUnavailableError';
  }
}
