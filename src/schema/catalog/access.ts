import { GraphQLError } from 'graphql';
import { hasScope } from '../../auth/viewer';
import type { Context } from '../../context';
import { ErrorCode, gatewayError } from '../../errors';
import { catalogFor, type CachedCatalog } from '../../upstream/catalog-cache/index';
import { UpstreamError } from '../../upstream/index';

/** Every catalog entry point (root fields, `node`/`nodes`) needs the `catalog:read` scope. */
export function requireCatalogRead(ctx: Context): void {
  if (!hasScope(ctx.viewer, 'catalog:read')) throw catalogForbidden();
}

export function catalogForbidden(): GraphQLError {
  return gatewayError(ErrorCode.FORBIDDEN, 'This API key may not read the catalog: it needs the catalog:read scope.');
}

/** The shared, cached catalog behind this gateway, for the catalog mode its Hoopr credentials have. */
export function catalogOf(ctx: Context): CachedCatalog {
  return catalogFor(ctx.services.upstreams.hoopr, ctx.services.catalogMode);
}

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

/** A field error carrying NOT_FOUND: `node`, `track` and `artist` answer null for it, without an error. */
export function isNotFound(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.NOT_FOUND;
}
