import { GraphQLError } from 'graphql';
import { hasScope, mayUseLocation, type Scope } from '../../auth/viewer';
import type { Context } from '../../context';
import { ErrorCode, gatewayError } from '../../errors';
import { type CachedCrm, crmFor } from '../../upstream/crm-cache/index';
import type { CallOptions } from '../../upstream/index';
import { MAX_LOCATION_ID_LENGTH, checkLength } from '../argument-limits';

/**
 * Who may touch which tenant. Every CRM entry point names a location — given, carried by a
 * global id, or implied when the caller has exactly one — and checks it here before any
 * upstream call: the scope for the kind of access, then the location itself.
 */

export function requireCrmAccess(ctx: Context, scope: Extract<Scope, 'crm:read' | 'crm:write'>, locationId: string): void {
  if (!hasScope(ctx.viewer, scope)) {
    throw gatewayError(ErrorCode.FORBIDDEN, `This caller may not ${scope === 'crm:read' ? 'read' : 'change'} CRM data: it needs the ${scope} scope.`);
  }
  if (!mayUseLocation(ctx.viewer, locationId)) throw locationForbidden(locationId);
}

export function locationForbidden(locationId: string): GraphQLError {
  return gatewayError(ErrorCode.FORBIDDEN, `This caller may not use location ${locationId}.`, { locationId });
}

/** The location a root field works on: the argument, or the caller's only location when it has one. */
export function chosenLocation(ctx: Context, locationId: string | null | undefined, scope: 'crm:read' | 'crm:write'): string {
  // Checked first: a refusal names the location, and must not echo megabytes back.
  if (locationId != null) checkLength('locationId', locationId, MAX_LOCATION_ID_LENGTH);
  const chosen = locationId ?? (ctx.viewer.locationIds.length === 1 ? ctx.viewer.locationIds[0] : undefined);
  if (chosen === undefined) {
    throw gatewayError(
      ErrorCode.BAD_USER_INPUT,
      `\`locationId\` is required: this caller may use ${ctx.viewer.locationIds.length} locations (see viewer.locations).`,
    );
  }
  requireCrmAccess(ctx, scope, chosen);
  return chosen;
}

export function crmOf(ctx: Context): CachedCrm {
  return crmFor(ctx.services.upstreams.hoopai);
}

export function callOptions(ctx: Context): CallOptions {
  return ctx.upstreamCall;
}

// Shared with the other domain: one mapping of upstream failures to field errors.
export { asFieldError, isNotFound, resolvingUpstream } from '../upstream-errors';
