import { SANDBOX_COMPANY_ID, SANDBOX_LOCATIONS } from '../locations';
import type { Caller } from '../world';

/** What an app install grants: every code, access token and refresh token carries one. */
export interface Install {
  userType: 'Location' | 'Company';
  companyId: string;
  /** Set for Location installs only. */
  locationId?: string;
  /** The locations an agency token may mint location tokens for (Company installs). */
  approvedLocations: string[];
  /** Space-separated, as the consent URL and the token answer carry it. */
  scope: string;
  userId: string;
  planId: string;
}

/** Every scope the sandbox knows; private integration keys have all of them. */
export const SANDBOX_SCOPES: readonly string[] = [
  'contacts.readonly',
  'contacts.write',
  'conversations.readonly',
  'conversations.write',
  'conversations/message.readonly',
  'conversations/message.write',
  'locations.readonly',
  'oauth.readonly',
  'oauth.write',
];

/** The user who "clicked install" on the consent page, and the app's (free) plan. */
export const SANDBOX_INSTALLER_USER_ID = 'Usr7bQ2xN5mK8pL1vR4t';
export const SANDBOX_PLAN_ID = 'Pln3hF6jW9dS2gA5zX8c';

export function locationInstall(locationId: string, scope: string): Install {
  return {
    userType: 'Location',
    companyId: SANDBOX_COMPANY_ID,
    locationId,
    approvedLocations: [locationId],
    scope,
    userId: SANDBOX_INSTALLER_USER_ID,
    planId: SANDBOX_PLAN_ID,
  };
}

/** An agency (bulk) install approved for every sandbox location. */
export function companyInstall(scope: string): Install {
  return {
    userType: 'Company',
    companyId: SANDBOX_COMPANY_ID,
    approvedLocations: SANDBOX_LOCATIONS.map((location) => location.id),
    scope,
    userId: SANDBOX_INSTALLER_USER_ID,
    planId: SANDBOX_PLAN_ID,
  };
}

/**
 * Scopes are recorded and echoed back, not enforced: the data routes check locations
 * only, so a sandbox client never fails on a scope list the real app would be granted.
 */
export function callerOfInstall(install: Install): Caller {
  return {
    kind: install.userType === 'Company' ? 'company' : 'location',
    companyId: install.companyId,
    ...(install.locationId ? { locationId: install.locationId } : {}),
    scopes: install.scope.split(' ').filter(Boolean),
  };
}
