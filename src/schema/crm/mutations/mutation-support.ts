import { GraphQLError } from 'graphql';
import { type LocatedId, parseLocatedId } from '../ids';
import { decodeGlobalIdOf } from '../../global-id';
import { asMutationError } from './errors';
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

/** Runs a mutation's upstream work, turning upstream failures into its typed errors. */
export async function mutating<T>(objectId: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asMutationError(error, objectId);
  }
}
