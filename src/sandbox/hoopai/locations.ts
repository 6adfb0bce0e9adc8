/**
 * The sandbox's agency (company) and its locations. Ids have the shape of real HighLevel
 * ids (20 alphanumerics) so clients cannot lean on a friendlier format.
 */
export interface SandboxLocation {
  id: string;
  name: string;
  companyId: string;
  /** How many contacts the seed gives this location. */
  contactCount: number;
  conversationCount: number;
  timezone: string;
}

export const SANDBOX_COMPANY_ID = 'Cmp5tR8uY2iO4pA6sD9f';

export const SANDBOX_LOCATIONS: readonly SandboxLocation[] = [
  { id: 've9EPM428h8vShlRW1KT', name: 'Acme Studios Mumbai', companyId: SANDBOX_COMPANY_ID, contactCount: 2500, conversationCount: 600, timezone: 'Asia/Kolkata' },
  { id: 'kZ3mQ7rT1wX5yB9nC2dF', name: 'Beatline Agency', companyId: SANDBOX_COMPANY_ID, contactCount: 900, conversationCount: 250, timezone: 'America/New_York' },
  { id: 'pL4sG8hJ2kV6bN0qW3eR', name: 'Nimbus Events', companyId: SANDBOX_COMPANY_ID, contactCount: 400, conversationCount: 150, timezone: 'Europe/London' },
];

/** The private integration key the sandbox accepts for a location. */
export function privateIntegrationKey(locationId: string): string {
  return `pit-sandbox-${locationId}`;
}

/** The sandbox's marketplace app; `appId` is what its webhooks name (a 24-hex id, as the marketplace's are). */
export const SANDBOX_OAUTH_APP = { clientId: 'sandbox-app', clientSecret: 'sandbox-app-secret', appId: '6651f0c2a8b4e3d7c9a1b2f4' } as const;
