import { GraphQLError } from 'graphql';
import type { Context } from '../../../context';
import type { AccessDenial } from '../../access-denial';
import { decodeGlobalIdOf } from '../../global-id';
import { crmAccessDenial, impliedLocation, locationRequiredReason } from '../access';
import { type LocatedId, parseLocatedId } from '../ids';
import { asMutationError, CallerForbiddenError } from './errors';
import type { InputChecks } from './validation';

/** The location and raw id of a Contact id argument; a malformed one is a field problem, not a thrown error. */
export function locatedIdIn(checks: InputChecks, field: string, typename: 'Contact', globalId: string): LocatedId | undefined {
  try {
    const located = parseLocatedId(decodeGlobalIdOf(typename, globalId, field));
    checks.require(located !== undefined, field, `must be the id of a ${typename}`);
    return located;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    checks.require(false, field, `must be the id of a ${typename}, as this API returned it`);
    return undefined;
  }
}

/**
 * The location an input names in `field`, or the caller's only location when it has one;
 * a problem of `field` when neither (the caller must say which of its locations).
 */
export function locationIn(checks: InputChecks, ctx: Context, field: string, locationId: string | null | undefined): string | undefined {
  const chosen = impliedLocation(ctx, locationId);
  checks.require(chosen !== undefined, field, `is required: ${locationRequiredReason(ctx)}`);
  return chosen;
}

/**
 * Checked after the input and before any upstream call: a caller without `crm:write`, or
 * writing to a location it may not use, gets the mutation's ForbiddenError. `also` adds
 * what else the mutation needs (e.g. `catalog:read` to share a track).
 */
export function requireWriteAccess(ctx: Context, locationId: string, also?: AccessDenial): void {
  const denial = crmAccessDenial(ctx, 'crm:write', locationId) ?? also;
  if (denial) throw new CallerForbiddenError(denial);
}

/** Runs a mutation's upstream work, turning upstream failures into its typed errors. */
export async function mutating<T>(objectId: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asMutationError(error, objectId);
  }
}
