import type { Handler, SandboxResponse } from '../../common/types';
import { SANDBOX_OAUTH_APP } from '../locations';
import type { OAuthDeps } from './deps';
import {
  invalidAuthorizationCode,
  invalidClient,
  invalidRefreshToken,
  locationNotActive,
  redirectUriMismatch,
  requireFields,
  requireOneOf,
  userTypeMismatch,
} from './errors';
import type { Install } from './install';
import type { TokenPair } from './token-registry';

const SUPPORTED_GRANTS = ['authorization_code', 'refresh_token'] as const;

/**
 * `POST /oauth/token`, form-encoded (apps/oauth.json `GetAccessCodebodyDto`). The OpenAPI
 * file lists no `Version` header and no bearer for it: the client authenticates with its
 * id and secret in the form. `user_type` is optional, but when sent it must match the
 * install the consent made (`Company` for an agency install, `Location` for a sub-account
 * one), on the code exchange and on every refresh: the install decides what the token is.
 *
 * Counting: every authorization_code request that passes client authentication is a
 * `tokenGrants`, every refresh_token request a `tokenRefreshes`, refused or not — a client
 * that burns refresh tokens shows up in the stats.
 */
export function tokenEndpoint(deps: OAuthDeps): Handler {
  return (req) => {
    const form = req.form();
    requireFields(form, ['client_id', 'client_secret', 'grant_type']);
    requireOneOf(form, 'grant_type', SUPPORTED_GRANTS);
    requireOneOf(form, 'user_type', ['Company', 'Location']);
    if (form.get('client_id') !== SANDBOX_OAUTH_APP.clientId || form.get('client_secret') !== SANDBOX_OAUTH_APP.clientSecret) {
      throw invalidClient();
    }
    return form.get('grant_type') === 'authorization_code' ? exchangeCode(deps, form) : refresh(deps, form);
  };
}

function exchangeCode(deps: OAuthDeps, form: URLSearchParams): SandboxResponse {
  deps.ctl.countTokenGrant();
  requireFields(form, ['code']);
  const issued = deps.registry.redeemCode(form.get('code')!);
  if (!issued) throw invalidAuthorizationCode();
  assertUserType(form, issued.install);
  const redirectUri = form.get('redirect_uri');
  if (redirectUri !== null && redirectUri !== issued.redirectUri) throw redirectUriMismatch();
  return tokenAnswer(issued.install, deps.registry.issuePair(issued.install));
}

/** Single-use refresh: the old refresh token dies, unless the location is inactive (then nothing is spent). */
function refresh(deps: OAuthDeps, form: URLSearchParams): SandboxResponse {
  deps.ctl.countTokenRefresh();
  requireFields(form, ['refresh_token']);
  const refreshToken = form.get('refresh_token')!;
  const install = deps.registry.refreshInstall(refreshToken);
  if (!install) throw invalidRefreshToken();
  assertUserType(form, install);
  if (install.locationId && !deps.locations.isActive(install.locationId)) throw locationNotActive();
  return tokenAnswer(install, deps.registry.rotate(refreshToken)!);
}

/** A `user_type` other than the install's is refused; nothing is issued (a refresh token is not spent). */
function assertUserType(form: URLSearchParams, install: Install): void {
  const userType = form.get('user_type');
  if (userType !== null && userType !== install.userType) throw userTypeMismatch(userType, install.userType);
}

/** `GetAccessCodeSuccessfulResponseDto`: `locationId` only on Location tokens. */
function tokenAnswer(install: Install, pair: TokenPair): SandboxResponse {
  return {
    status: 200,
    body: {
      access_token: pair.accessToken,
      token_type: 'Bearer',
      expires_in: pair.expiresIn,
      refresh_token: pair.refreshToken,
      scope: install.scope,
      userType: install.userType,
      ...(install.locationId ? { locationId: install.locationId } : {}),
      companyId: install.companyId,
      approvedLocations: [...install.approvedLocations],
      userId: install.userId,
      planId: install.planId,
      ...(install.userType === 'Company' ? { isBulkInstallation: true } : {}),
    },
  };
}
