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
  /** The sub-account's business details, as `GET /locations/:locationId` answers them. */
  business: { address: string; city: string; state: string; country: string; postalCode: string; phone: string; email: string; website: string };
}

export const SANDBOX_COMPANY_ID = 'Cmp5tR8uY2iO4pA6sD9f';

export const SANDBOX_LOCATIONS: readonly SandboxLocation[] = [
  {
    id: 've9EPM428h8vShlRW1KT', name: 'Acme Studios Mumbai', companyId: SANDBOX_COMPANY_ID, contactCount: 2500, conversationCount: 600, timezone: 'Asia/Kolkata',
    business: { address: '12 Linking Road, Bandra West', city: 'Mumbai', state: 'MH', country: 'IN', postalCode: '400050', phone: '+912226400000', email: 'studio@acme-mumbai.sandbox.hoopai.test', website: 'https://acme-mumbai.sandbox.hoopai.test' },
  },
  {
    id: 'kZ3mQ7rT1wX5yB9nC2dF', name: 'Beatline Agency', companyId: SANDBOX_COMPANY_ID, contactCount: 900, conversationCount: 250, timezone: 'America/New_York',
    business: { address: '210 Grand Street', city: 'New York', state: 'NY', country: 'US', postalCode: '10013', phone: '+12125550147', email: 'hello@beatline.sandbox.hoopai.test', website: 'https://beatline.sandbox.hoopai.test' },
  },
  {
    id: 'pL4sG8hJ2kV6bN0qW3eR', name: 'Nimbus Events', companyId: SANDBOX_COMPANY_ID, contactCount: 400, conversationCount: 150, timezone: 'Europe/London',
    business: { address: '48 Old Street', city: 'London', state: 'England', country: 'GB', postalCode: 'EC1V 9AE', phone: '+442079460321', email: 'events@nimbus.sandbox.hoopai.test', website: 'https://nimbus.sandbox.hoopai.test' },
  },
];

/** The private integration key the sandbox accepts for a location. */
export function privateIntegrationKey(locationId: string): string {
  return `pit-sandbox-${locationId}`;
}

/** The sandbox's marketplace app; `appId` is what its webhooks name (a 24-hex id, as the marketplace's are). */
export const SANDBOX_OAUTH_APP = { clientId: 'sandbox-app', clientSecret: 'sandbox-app-secret', appId: '6651f0c2a8b4e3d7c9a1b2f4' } as const;
