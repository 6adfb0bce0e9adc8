import type { Context } from '../../../context';
import { outcomeUnknown } from './errors';

/**
 * Runs a mutation's write at most once per idempotency key: the same key from the same
 * caller, for the same mutation and location, within 24 h, on any instance, answers the
 * first result (with `replayed: true`). Without a key, the write simply runs.
 *
 * `reconcile(since)` finds what an attempt started at `since` wrote, for writes that must
 * not be repeated (a created contact, a sent message): a retry after an unknown outcome
 * answers that instead of writing again. Without it the write is repeatable (setting fields
 * or tags twice leaves the same state), and such a retry writes again.
 */
export async function oncePerKey<T extends object>(
  ctx: Context,
  mutation: string,
  locationId: string,
  idempotencyKey: string | null | undefined,
  input: unknown,
  write: () => Promise<T>,
  reconcile?: (since: number) => Promise<T | undefined>,
  options: { repeatable?: boolean } = {},
): Promise<T & { replayed: boolean }> {
  if (idempotencyKey == null) return { ...(await write()), replayed: false };
  const outcome = await ctx.services.idempotency.run({
    scope: { locationId, caller: ctx.viewer.name, mutation, key: idempotencyKey },
    fingerprint: fingerprint(input),
    deadline: ctx.upstreamCall.deadline,
    write,
    ...(reconcile ? { reconcile } : {}),
    ...options,
    // A client that hung up cancels the write wherever it was: it may have reached HoopAI.
    outcomeUnknown: (error) => outcomeUnknown(error) || ctx.signal.aborted,
  });
  return { ...outcome.value, replayed: outcome.replayed };
}

/** Canonical JSON of the input (key order does not matter; the key itself is left out). */
function fingerprint(input: unknown): string {
  return JSON.stringify(input, (key, value: unknown) => {
    if (key === 'idempotencyKey') return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return value;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
