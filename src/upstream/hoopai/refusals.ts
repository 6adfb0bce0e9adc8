import { SecretRegistry } from '../../logger';
import { UpstreamScopeMissingError, UpstreamVersionRefusedError, type UpstreamError } from '../http/errors';
import type { HttpResponse } from '../http/exchange';
import { errorForStatus, traceIdOf, upstreamMessages } from '../http/upstream-body';
import type { HoopaiRequest } from './endpoints';

/**
 * HoopAI refusals that are about the gateway's own set-up rather than the request: a token
 * without the route's scope (401, which a renewed token would not cure) and a `Version`
 * header the route does not serve (400). HoopAI tells them apart from other 401s and 400s by
 * message text only, so the text is read here, and nowhere else.
 */
export type SetupRefusal = 'scope' | 'version';

const SCOPE_REFUSAL = /not authorized for this scope/i;
const VERSION_REFUSAL = /version header/i;
/** Only matched against, never shown: nothing to scrub. */
const MATCH_ONLY = new SecretRegistry();

export function setupRefusalOf(response: HttpResponse): SetupRefusal | undefined {
  if (response.status !== 400 && response.status !== 401) return undefined;
  const text = upstreamMessages(response.body, MATCH_ONLY).join(' ');
  if (response.status === 401 && SCOPE_REFUSAL.test(text)) return 'scope';
  if (response.status === 400 && VERSION_REFUSAL.test(text)) return 'version';
  return undefined;
}

/** True for a 401 that renewing the token cannot cure: the caller must not spend a refresh on it. */
export function isScopeRefusal(response: HttpResponse): boolean {
  return setupRefusalOf(response) === 'scope';
}

export interface RefusalContext {
  locationId: string;
  /** The `Version` the request carried. */
  version: string;
  secrets: SecretRegistry;
  /** Where an admin installs the app again, for OAuth locations. */
  installUrl?(locationId: string): string | undefined;
}

/** The error for a non-2xx HoopAI answer: a set-up refusal with its own code, else by status. */
export function hoopaiErrorFor(request: HoopaiRequest, response: HttpResponse, context: RefusalContext): UpstreamError {
  const details = { upstream: 'hoopai' as const, status: response.status, traceId: traceIdOf(response) };
  const refusal = setupRefusalOf(response);
  if (refusal === 'scope' && request.oauthScope) {
    return new UpstreamScopeMissingError(request.oauthScope, context.locationId, context.installUrl?.(context.locationId), details);
  }
  if (refusal === 'version') return new UpstreamVersionRefusedError(request.family, context.version, details);
  return errorForStatus(response, {
    upstream: 'hoopai',
    route: request.route,
    secrets: context.secrets,
    notFoundStatuses: request.notFoundStatuses,
  });
}
