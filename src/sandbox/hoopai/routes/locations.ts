import { HttpError } from '../../common/http-error';
import type { Router } from '../../common/router';
import type { SandboxRequest } from '../../common/types';
import { apiRoute } from '../api-access';
import { SANDBOX_LOCATIONS, type SandboxLocation } from '../locations';
import type { OAuthTokenRegistry } from '../oauth/token-registry';
import { bearerToken } from '../auth';
import { badRequest } from '../data/upstream-errors';
import { callerOf } from '../world';

/**
 * `GET /locations/:locationId` ("Get Sub-Account", Version 2021-07-28, scope
 * `locations.readonly`): `{location}` as HoopAI's locations API documents it
 * (GetLocationByIdSuccessfulResponseDto; that file is not among the ones this project
 * holds). A location's own token or key reads it; an agency token reads the locations its
 * install approved. An unknown id is the upstream's 400, like unknown contacts.
 */
export function registerLocationRoutes(router: Router, registry: OAuthTokenRegistry): void {
  router.get('/locations/:locationId', (req) => {
    const location = SANDBOX_LOCATIONS.find((candidate) => candidate.id === req.params.locationId);
    if (!location) throw badRequest(`Location with id ${req.params.locationId!} not found`);
    assertMayRead(req, location, registry);
    return { status: 200, body: { location: toLocation(location) } };
  }, apiRoute('locations', 'locations.readonly'));
}

function assertMayRead(req: SandboxRequest, location: SandboxLocation, registry: OAuthTokenRegistry): void {
  const caller = callerOf(req);
  const allowed =
    caller.kind === 'company'
      ? caller.companyId === location.companyId && (registry.accessInstall(bearerToken(req) ?? '')?.approvedLocations ?? []).includes(location.id)
      : caller.locationId === location.id;
  if (!allowed) throw new HttpError(403, { statusCode: 403, message: 'The token does not have access to this location.' });
}

/** The address fields appear twice in the answer: on the location and on its `business`. */
function toLocation(location: SandboxLocation): Record<string, unknown> {
  const { address, city, state, country, postalCode, website, email, phone } = location.business;
  const place = { address, city, state, country, postalCode, website, timezone: location.timezone, email };
  return {
    id: location.id,
    companyId: location.companyId,
    name: location.name,
    domain: '',
    ...place,
    phone,
    business: { name: location.name, ...place },
    social: {},
    settings: { allowDuplicateContact: false, allowDuplicateOpportunity: false, allowFacebookNameMerge: false, disableContactTimezone: false },
  };
}
