import { z } from 'zod';

/** How idempotent writes treat retries (README, "Idempotency keys across instances"). */
export interface IdempotencySettings {
  /**
   * How long after an unknown outcome (a timeout, a reset connection) the write may still
   * land upstream: until then a retry that finds no trace of it is told to come back
   * (IDEMPOTENCY_IN_PROGRESS) instead of writing again.
   */
  settleMs: number;
  /** Longest a retry waits for the same key's attempt still in flight, before IDEMPOTENCY_IN_PROGRESS. */
  maxWaitMs: number;
}

export const DEFAULT_IDEMPOTENCY_SETTINGS: IdempotencySettings = { settleMs: 30_000, maxWaitMs: 5_000 };

const positiveInt = (fallback: number) => z.coerce.number().int('a whole number').positive('a positive whole number').default(fallback);

export const idempotencyEnvShape = {
  IDEMPOTENCY_SETTLE_MS: positiveInt(DEFAULT_IDEMPOTENCY_SETTINGS.settleMs),
  IDEMPOTENCY_WAIT_MS: positiveInt(DEFAULT_IDEMPOTENCY_SETTINGS.maxWaitMs),
};

type IdempotencyEnv = z.infer<z.ZodObject<typeof idempotencyEnvShape>>;

export function buildIdempotencySettings(env: IdempotencyEnv): IdempotencySettings {
  return { settleMs: env.IDEMPOTENCY_SETTLE_MS, maxWaitMs: env.IDEMPOTENCY_WAIT_MS };
}
