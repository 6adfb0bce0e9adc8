import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors';
import { UpstreamError } from '../upstream/index';

/**
 * An upstream failure as a field error: its stable code, upstream and status (never an
 * upstream body or credential), so the rest of the query still resolves. Built without
 * `originalError` and without an HTTP status: it is one field's failure, not the request's.
 * Anything else is passed on untouched (yoga masks what is not a GraphQLError).
 */
export function asFieldError(error: unknown): unknown {
  if (error instanceof UpstreamError) return new GraphQLError(error.message, { extensions: error.extensions });
  return error;
}

/** Runs a resolver body, turning upstream failures into field errors. */
export async function resolvingUpstream<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asFieldError(error);
  }
}

/** A field error carrying NOT_FOUND: lookups by id answer null for it, without an error. */
export function isNotFound(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.NOT_FOUND;
}
