import type { Handler } from '../../common/types';
import { bearerToken, invalidToken } from '../auth';
import { callerOf } from '../world';
import type { OAuthDeps } from './deps';
import { agencyTokenRequired, locationNotActive, notApproved, requireFields } from './errors';
import { locationInstall } from './install';

/**
 * `POST /oauth/locationToken` (apps/oauth.json, Agency-Access-Only): an agency token mints
 * a location token for one of the locations its install approved. The answer follows
 * `GetLocationAccessTokenSuccessfulResponseDto` plus a `refresh_token`, as newer docs show
 * (FACTS.md); the minted pair refreshes like any Location install. Counts as a token grant.
 */
export function locationTokenEndpoint(deps: OAuthDeps): Handler {
  return (req) => {
    if (callerOf(req).kind !== 'company') throw agencyTokenRequired();
    const agency = deps.registry.accessInstall(bearerToken(req) ?? '');
    if (!agency) throw invalidToken();
    const form = req.form();
    requireFields(form, ['companyId', 'locationId']);
    if (form.get('companyId') !== agency.companyId) throw notApproved('company');
    const locationId = form.get('locationId')!;
    if (!agency.approvedLocations.includes(locationId)) throw notApproved('location');
    if (!deps.locations.isActive(locationId)) throw locationNotActive();

    deps.ctl.countTokenGrant();
    const install = { ...locationInstall(locationId, agency.scope), companyId: agency.companyId, userId: agency.userId, planId: agency.planId };
    const pair = deps.registry.issuePair(install);
    return {
      status: 200,
      body: {
        access_token: pair.accessToken,
        token_type: 'Bearer',
        expires_in: pair.expiresIn,
        refresh_token: pair.refreshToken,
        scope: install.scope,
        locationId,
        userId: install.userId,
        planId: install.planId,
      },
    };
  };
}
