import { builder } from '../../../builder';
import type { AccessDenial } from '../../access-denial';
import { IdempotencyInProgressError, IdempotencyKeyReusedError, IdempotencyUnavailableError } from '../../../upstream/idempotency/index';
import {
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UpstreamError,
  UpstreamRejectedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../../upstream/index';

/**
 * The typed failures of CRM mutations: every way a mutation can fail that a client can act
 * on. Each mutation returns a union of its payload and these, so a generated client
 * switches on `__typename`; every one implements `MutationError` for a catch-all
 * `... on MutationError { code message }`.
 *
 * Not typed, but GraphQL errors as everywhere else: no or bad credentials (HTTP 401, before
 * any field runs), a document or variables the schema refuses, and unexpected failures
 * (masked).
 */

export interface FieldProblem {
  /** The input path, e.g. `input.email` or `input.tags.2`. */
  field: string;
  message: string;
}

/** The input was refused before any upstream call. */
export class InputValidationError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly problems: FieldProblem[]) {
    super(`The input is invalid: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`);
  }
}

/**
 * The caller may not do this: it lacks a scope the mutation needs, or may not use the
 * location the input names. Found before any upstream call; no input change helps.
 */
export class CallerForbiddenError extends Error {
  readonly code = 'FORBIDDEN';
  readonly missingScope: string | null;
  readonly locationId: string | null;
  constructor(denial: AccessDenial) {
    super(denial.message);
    this.missingScope = denial.missingScope ?? null;
    this.locationId = denial.locationId ?? null;
  }
}

/** The contact (or conversation) does not exist in the location its id names. */
export class ObjectNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(readonly id: string) {
    super('No such object: it was deleted, or the id is wrong.');
  }
}

/** HoopAI understood the request and refused it (a duplicate email, DND on the channel, …). */
export class UpstreamRefusedError extends Error {
  readonly code = 'UPSTREAM_REFUSED';
  constructor(
    message: string,
    readonly upstreamMessages: readonly string[],
  ) {
    super(message);
  }
}

/**
 * HoopAI could not be reached or did not answer in time. `outcomeUnknown`: the request may
 * have been carried out (it left, and no answer came back); a retry with the same
 * idempotency key first looks upstream for what it wrote, and never writes twice.
 */
export class UpstreamFailureError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterMs: number | null,
    readonly outcomeUnknown: boolean,
  ) {
    super(message);
  }
}

export { IdempotencyInProgressError, IdempotencyKeyReusedError, IdempotencyUnavailableError };

const MutationErrorInterface = builder.interfaceRef<Error & { code: string }>('MutationError').implement({
  description: 'Something a mutation could not do, with a stable code to switch on.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'Stable machine-readable code.' }),
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
  }),
});

const FieldProblemRef = builder.objectRef<FieldProblem>('FieldError').implement({
  description: 'One invalid input field.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'Path of the field in the mutation arguments, e.g. input.email.' }),
    message: t.exposeString('message', { description: 'Why it is invalid.' }),
  }),
});

builder.objectType(InputValidationError, {
  name: 'InputValidationError',
  description: 'The input is invalid; nothing was sent upstream. Code BAD_USER_INPUT.',
  interfaces: [MutationErrorInterface],
  isTypeOf: (value) => value instanceof InputValidationError,
  fields: (t) => ({
    fields: t.field({ type: [FieldProblemRef], description: 'Every invalid field.', resolve: (error) => error.problems }),
  }),
});

builder.objectType(CallerForbiddenError, {
  name: 'ForbiddenError',
  description:
    'The caller may not do this: its API key or token lacks a scope the mutation needs, or may not use the location. Nothing was sent upstream. Code FORBIDDEN.',
  interfaces: [MutationErrorInterface],
  isTypeOf: (value) => value instanceof CallerForbiddenError,
  fields: (t) => ({
    missingScope: t.exposeString('missingScope', {
      nullable: true,
      description: 'The scope the caller lacks (crm:write, catalog:read), when that is the reason; see viewer.scopes.',
    }),
    locationId: t.exposeID('locationId', {
      nullable: true,
      description: 'The HoopAI location the caller may not use, when that is the reason; see viewer.locations.',
    }),
  }),
});

builder.objectType(ObjectNotFoundError, {
  name: 'NotFoundError',
  description: 'The object named by the input does not exist (any more). Code NOT_FOUND.',
  interfaces: [MutationErrorInterface],
  isTypeOf: (value) => value instanceof ObjectNotFoundError,
  fields: (t) => ({ id: t.exposeID('id', { description: 'The id that named nothing.' }) }),
});

builder.objectType(UpstreamRefusedError, {
  name: 'UpstreamRefusedError',
  description: 'HoopAI refused the request, e.g. a duplicate email or phone, or do-not-disturb on the channel. Code UPSTREAM_REFUSED.',
  interfaces: [MutationErrorInterface],
  isTypeOf: (value) => value instanceof UpstreamRefusedError,
  fields: (t) => ({
    upstreamMessages: t.stringList({ description: "HoopAI's own explanation.", resolve: (error) => [...error.upstreamMessages] }),
  }),
});

builder.objectType(UpstreamFailureError, {
  name: 'UpstreamFailureError',
  description:
    'HoopAI was unavailable, too slow or rate-limited, or refused the gateway’s own set-up. Codes: RATE_LIMITED, UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE, UPSTREAM_BAD_RESPONSE, UNAUTHENTICATED, REAUTH_REQUIRED, UPSTREAM_SCOPE_MISSING, UPSTREAM_VERSION_REFUSED, TOKENS_UNAVAILABLE.',
  interfaces: [MutationErrorInterface],
  isTypeOf: (value) => value instanceof UpstreamFailureError,
  fields: (t) => ({
    retryAfterMs: t.exposeInt('retryAfterMs', { nullable: true, description: 'Wait at least this long before retrying, when known.' }),
    outcomeUnknown: t.exposeBoolean('outcomeUnknown', {
      description:
        'The request may have been carried out. Retry with the same idempotencyKey: the gateway looks for what it wrote and answers that, or writes once.',
    }),
  }),
});

builder.objectType(IdempotencyKeyReusedError, {
  name: 'IdempotencyKeyReusedError',
  description: 'The idempotencyKey was used before with different input. Code IDEMPOTENCY_KEY_REUSED.',
  interfaces: [MutationErrorInterface],
  isTypeOf: (value) => value instanceof IdempotencyKeyReusedError,
  fields: () => ({}),
});

builder.objectType(IdempotencyInProgressError, {
  name: 'IdempotencyInProgressError',
  description:
    'An earlier attempt with this idempotencyKey is still running, or timed out and may still be carried out upstream; nothing was written now. Code IDEMPOTENCY_IN_PROGRESS.',
  interfaces: [MutationErrorInterface],
  isTypeOf: (value) => value instanceof IdempotencyInProgressError,
  fields: (t) => ({
    // Nullable, as on UpstreamFailureError: one selection may ask both for it.
    retryAfterMs: t.exposeInt('retryAfterMs', { nullable: true, description: 'Retry with the same idempotencyKey after this many ms (always given).' }),
    settling: t.exposeBoolean('settling', {
      description: 'True when the earlier attempt timed out and the gateway waits for it to land upstream (IDEMPOTENCY_SETTLE_MS); false while it is still running.',
    }),
  }),
});

builder.objectType(IdempotencyUnavailableError, {
  name: 'IdempotencyUnavailableError',
  description:
    'The shared store of idempotency keys (Redis) cannot be reached, so a write with an idempotencyKey was refused; nothing was written. Code IDEMPOTENCY_UNAVAILABLE.',
  interfaces: [MutationErrorInterface],
  isTypeOf: (value) => value instanceof IdempotencyUnavailableError,
  fields: () => ({}),
});

/** Every typed failure; each mutation lists these. */
const MUTATION_ERRORS = [
  InputValidationError,
  CallerForbiddenError,
  ObjectNotFoundError,
  UpstreamRefusedError,
  UpstreamFailureError,
  IdempotencyKeyReusedError,
  IdempotencyInProgressError,
  IdempotencyUnavailableError,
];

/** The `errors` option of a mutation field: its payload or one of the typed failures, as union `<Name>Result`. */
export function mutationErrors(mutationName: string) {
  const union = `${mutationName[0]!.toUpperCase()}${mutationName.slice(1)}Result`;
  return {
    types: MUTATION_ERRORS,
    directResult: true,
    union: { name: union, description: `What ${mutationName} answers: its payload, or why it did nothing (switch on __typename).` },
  } as const;
}

/** Upstream failures as typed mutation errors; anything else is passed on unchanged. */
export function asMutationError(error: unknown, objectId: string | undefined): unknown {
  if (!(error instanceof UpstreamError)) return error;
  if ((error instanceof NotFoundError || error instanceof ForbiddenError) && objectId !== undefined) return new ObjectNotFoundError(objectId);
  if (error instanceof UpstreamRejectedError) return new UpstreamRefusedError('HoopAI refused the request.', error.upstreamMessages);
  const retryAfterMs = error instanceof RateLimitedError ? error.retryAfterMs : null;
  return new UpstreamFailureError(error.code, error.message, retryAfterMs, outcomeUnknown(error));
}

/** The request left and no answer came back: it may have been carried out. */
export function outcomeUnknown(error: unknown): boolean {
  const transport = error instanceof UpstreamTimeoutError || error instanceof UpstreamUnavailableError;
  return transport && !error.neverSent && error.status === undefined;
}
