import { GraphQLError } from 'graphql';
import { hasScope } from '../../auth/viewer';
import type { Context } from '../../context';
import { ErrorCode, gatewayError } from '../../errors';
import type { AccessDenial } from '../access-denial';

const CATALOG_READ_NEEDED = 'This API key may not read the catalog: it needs the catalog:read scope.';

/** Every catalog entry point (root fields, `node`/`nodes`) needs the `catalog:read` scope. */
export function requireCatalogRead(ctx: Context): void {
  if (catalogReadDenial(ctx)) throw catalogForbidden();
}

export function catalogReadDenial(ctx: Context): AccessDenial | undefined {
  return hasScope(ctx.viewer, 'catalog:read') ? undefined : { message: CATALOG_READ_NEEDED, missingScope: 'catalog:read' };
}

export function catalogForbidden(): GraphQLError {
  return gatewayError(ErrorCode.FORBIDDEN, CATALOG_READ_NEEDED);
}

// Shared with the other domain: one mapping of upstream failures to field errors.
export { asFieldError, isNotFound, resolvingUpstream } from '../upstream-errors';
