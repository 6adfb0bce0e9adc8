/** The authenticated caller of one GraphQL request. Knows requests, not GraphQL types. */
export interface Viewer {
  /** A human-readable name of the key or token that authenticated the call. */
  name: string;
  scopes: Scope[];
  /** HoopAI location ids the caller may use. */
  locationIds: string[];
  /** May send free-form queries while only trusted documents are accepted (TRUSTED_DOCUMENTS_ONLY). */
  freeFormQueries?: boolean;
  /**
   * Epoch ms after which the credential no longer authenticates (a JWT's `exp` with the
   * clock tolerance); undefined when it does not expire (API keys). What outlives a request
   * (a subscription) ends then.
   */
  credentialExpiresAt?: number;
}

export const SCOPES = ['catalog:read', 'crm:read', 'crm:write'] as const;
export type Scope = (typeof SCOPES)[number];

export function hasScope(viewer: Viewer, scope: Scope): boolean {
  return viewer.scopes.includes(scope);
}

export function mayUseLocation(viewer: Viewer, locationId: string): boolean {
  return viewer.locationIds.includes(locationId);
}
