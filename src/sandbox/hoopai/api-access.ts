import type { RouteMeta } from '../common/types';

/**
 * What each HoopAI API route demands beyond a live token: the `Version` header values it
 * accepts and the OAuth scope its token must carry, as the official OpenAPI files list them
 * (`security` and the `Version` parameter of every operation). test/sandbox-hoopai-access
 * checks every registered route against those files.
 */

/**
 * `Version` values per endpoint family. The docs and the vendor's SDK send `2021-07-28`
 * everywhere; the conversations file lists `2021-04-15` for each of its operations, so
 * conversations take either. Anything else, or none, is refused before the token is read.
 */
export const API_VERSIONS = {
  contacts: ['2021-07-28'],
  conversations: ['2021-07-28', '2021-04-15'],
  oauth: ['2021-07-28'],
  locations: ['2021-07-28'],
} as const satisfies Record<string, readonly string[]>;

export type ApiFamily = keyof typeof API_VERSIONS;

export interface ApiRouteMeta extends RouteMeta {
  family: ApiFamily;
  /** The scope the token must have been granted (OAuth installs carry the scopes of their consent). */
  scope: string;
}

export function apiRoute(family: ApiFamily, scope: string): ApiRouteMeta {
  return { family, scope };
}

/** The versions a route accepts: its family's, or the documented default for routes that name none. */
export function acceptedVersions(meta: RouteMeta): readonly string[] {
  const family = (meta as Partial<ApiRouteMeta>).family;
  return family ? API_VERSIONS[family] : API_VERSIONS.contacts;
}

export function requiredScope(meta: RouteMeta): string | undefined {
  const scope = (meta as Partial<ApiRouteMeta>).scope;
  return typeof scope === 'string' ? scope : undefined;
}

/** The live answer to a request without `Version` (BadRequestDTO). */
export const VERSION_MISSING_BODY = { statusCode: 400, message: 'version header was not found' } as const;

/**
 * A `Version` the route does not serve. The live body is not documented; this is the
 * closest documented shape (BadRequestDTO, as for a missing header) with its own message.
 */
export function versionInvalidBody(version: string, accepted: readonly string[]) {
  return { statusCode: 400, message: `version header is invalid: ${version} is not one of ${accepted.join(', ')}` } as const;
}

/**
 * A token without the route's scope. The upstream answers 401 (FACTS.md: "a 401 can also
 * mean wrong scope") in the UnauthorizedDTO shape; the message does not name the scope.
 */
export const SCOPE_MISSING_BODY = { statusCode: 401, message: 'The token is not authorized for this scope.', error: 'Unauthorized' } as const;
