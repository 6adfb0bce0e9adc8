import { hasScope, mayUseLocation } from '../../auth/viewer';
import type { Context } from '../../context';
import { ErrorCode, gatewayError } from '../../errors';
import { isNotFound, locationForbidden } from './access';
import type { LocatedId } from './ids';

/**
 * `node`/`nodes` loading for one CRM type. Each id's location is checked against the caller
 * before anything is fetched: another tenant's id is FORBIDDEN at its position, an id that
 * does not exist is null with no error, and one bad id never fails its siblings
 * (graphql-js raises an Error found in a list position as that item's error).
 */
export async function loadCrmNodes<Id extends LocatedId, Node>(
  ctx: Context,
  payloads: readonly string[],
  parse: (payload: string) => Id | undefined,
  load: (id: Id) => Promise<Node | null>,
): Promise<(Node | null)[]> {
  return Promise.all(
    payloads.map(async (payload) => {
      const id = parse(payload);
      if (!id) return gatewayError(ErrorCode.BAD_USER_INPUT, 'This id is not an id of this API.') as unknown as Node;
      if (!hasScope(ctx.viewer, 'crm:read')) {
        return gatewayError(ErrorCode.FORBIDDEN, 'This caller may not read CRM data: it needs the crm:read scope.') as unknown as Node;
      }
      if (!mayUseLocation(ctx.viewer, id.locationId)) return locationForbidden(id.locationId) as unknown as Node;
      try {
        return await load(id);
      } catch (error) {
        if (isNotFound(error)) return null;
        return error as Node;
      }
    }),
  );
}

/** For root fields: a miss is null, anything else stays an error. */
export async function nullWhenMissing<T>(load: Promise<T>): Promise<T | null> {
  try {
    return await load;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
