import type { ControlPlane } from '../common/control-plane';
import type { RouteMeta, SandboxRequest, SandboxResponse } from '../common/types';
import { failure, HOOPR_ERROR_CODES } from './envelope';
import type { TokenRegistry } from './tokens';

/** Documented: tokens live one hour unless the control plane says otherwise. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** Route settings read by `authenticate`. */
interface HooprRouteMeta {
  /** No bearer token needed (the token call itself, the CDN). */
  public?: boolean;
  /** The scope the token must carry. */
  scope?: string;
}

export const PUBLIC_ROUTE: RouteMeta = { public: true } satisfies HooprRouteMeta;

export function requiresScope(scope: string): RouteMeta {
  return { scope } satisfies HooprRouteMeta;
}

/**
 * The bearer check in front of every non-public route: a missing, unknown or expired token
 * is a 401, a token without the route's scope a 403, each in the Hoopr envelope.
 */
export function authenticate(req: SandboxRequest, tokens: TokenRegistry, ctl: ControlPlane): SandboxResponse | undefined {
  const meta = req.meta as HooprRouteMeta;
  if (meta.public) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer === undefined) {
    return failure(401, HOOPR_ERROR_CODES.missingToken, 'Missing bearer token', { 'www-authenticate': 'Bearer realm="hoopr"' });
  }
  const check = tokens.check(bearer, ctl.tokenTtlSeconds(DEFAULT_TOKEN_TTL_SECONDS), Date.now());
  if (check.status !== 'valid') {
    const expired = check.status === 'expired';
    return failure(
      401,
      expired ? HOOPR_ERROR_CODES.expiredToken : HOOPR_ERROR_CODES.invalidToken,
      expired ? 'Access token expired' : 'Invalid access token',
      { 'www-authenticate': `Bearer realm="hoopr", error="invalid_token"` },
    );
  }
  if (meta.scope !== undefined && !check.grant.client.scopes.includes(meta.scope)) {
    return failure(403, HOOPR_ERROR_CODES.insufficientScope, `This call needs the "${meta.scope}" scope`, {
      'www-authenticate': `Bearer realm="hoopr", error="insufficient_scope", scope="${meta.scope}"`,
    });
  }
  return undefined;
}
