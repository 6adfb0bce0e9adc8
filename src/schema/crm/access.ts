import { GraphQLError } from 'graphql';
import { hasScope, mayUseLocation, type Scope } from '../../auth/viewer';
import type { Context } from '../../context';
import { ErrorCode, gatewayError } from '../../errors';
import type { CallOptions } from '../../upstream/index';
import { MAX_LOCATION_ID_LENGTH, checkLength } from '../argument-limits';
import type { AccessDenial } from '../access-denial';

/**
 * Who may touch which tenant. Every CRM entry point names a location — given, carried by a
 * global id, or implied when the caller has exactly one — and checks it here before any
 * upstream call: the scope for the kind of access, then the location itself.
 */

export type CrmScope = Extract<Scope, 'crm:read' | 'crm:write'>;

/** The reason this caller may not access `locationId` with `scope`; undefined when it may. */
export function crmAccessDenial(ctx: Context, scope: CrmScope, locationId: string): AccessDenial | undefined {
  if (!hasScope(ctx.viewer, scope)) {
    return { message: `This caller may not ${scope === 'crm:read' ? 'read' : 'change'} CRM data: it needs the ${scope} scope.`, missingScope: scope };
  }
  if (!mayUseLocation(ctx.viewer, locationId)) return { message: locationForbiddenMessage(locationId), locationId };
  return undefined;
}

export function requireCrmAccess(ctx: Context, scope: CrmScope, locationId: string): void {
  const denial = crmAccessDenial(ctx, scope, locationId);
  if (denial) throw gatewayError(ErrorCode.FORBIDDEN, denial.message, denial.locationId === undefined ? {} : { locationId: denial.locationId });
}

export function locationForbidden(locationId: string): GraphQLError {
  return gatewayError(ErrorCode.FORBIDDEN, locationForbiddenMessage(locationId), { locationId });
}

function locationForbiddenMessage(locationId: string): string {
  return `This caller may not use location ${locationId}.`;
}

/** The location a field works on: the one given, else the caller's only location; undefined when neither. */
export function impliedLocation(ctx: Context, locationId: string | null | undefined): string | undefined {
  return locationId ?? (ctx.viewer.locationIds.length === 1 ? ctx.viewer.locationIds[0] : undefined);
}

/** Why `locationId` may not be left out for this caller (it has several locations, or none). */
export function locationRequiredReason(ctx: Context): string {
  return `this caller may use ${ctx.viewer.locationIds.length} locations (see viewer.locations)`;
}

/** The location a root field works on: the argument, or the caller's only location when it has one. */
export function chosenLocation(ctx: Context, locationId: string | null | undefined, scope: CrmScope): string {
  // Checked first: a refusal names the location, and must not echo megabytes back.
  if (locationId != null) checkLength('locationId', locationId, MAX_LOCATION_ID_LENGTH);
  const chosen = impliedLocation(ctx, locationId);
  if (chosen === undefined) throw gatewayError(ErrorCode.BAD_USER_INPUT, `\`locationId\` is required: ${locationRequiredReason(ctx)}.`);
  requireCrmAccess(ctx, scope, chosen);
  return chosen;
}


export function callOptions(ctx: Context): CallOptions {
  return ctx.upstreamCall;
}

// Shared with the other domain: one mapping of upstream failures to field errors.
export { asFieldError, isNotFound, resolvingUpstream } from '../upstream-errors';
