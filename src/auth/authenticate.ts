import { ApiKeyRegistry } from './api-keys';
import type { AuthConfig } from './auth-config';
import { JwtVerifier } from './jwt';
import { sandboxViewer } from './sandbox-keys';
import type { Viewer } from './viewer';

export interface AuthOptions {
  /** Locations of the HoopAI sandbox when it is the upstream; undefined outside sandbox mode. */
  sandboxLocationIds?: readonly string[];
  /** Configured callers; none when omitted (then only sandbox keys, in sandbox mode). */
  callers?: AuthConfig;
}

export type AuthFailure = 'missing' | 'invalid' | 'expired';
export type AuthResult = { ok: true; viewer: Viewer } | { ok: false; reason: AuthFailure };

export type Authenticate = (authorization: string | null) => Promise<AuthResult>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Resolves the caller from `Authorization: Bearer <credential>`: a configured API key, a
 * sandbox development key (sandbox mode only), or — when JWTs are configured and the
 * credential has a JWT's shape — a verified JWT. Built once per gateway.
 */
export function createAuthenticator(options: AuthOptions): Authenticate {
  const keys = new ApiKeyRegistry(options.callers?.apiKeys ?? []);
  const jwt = options.callers?.jwt ? new JwtVerifier(options.callers.jwt) : undefined;
  return async (authorization) => {
    const match = BEARER.exec(authorization ?? '');
    if (!match) return { ok: false, reason: authorization ? 'invalid' : 'missing' };
    const credential = match[1]!;
    if (jwt && JWT_SHAPE.test(credential)) return jwt.verify(credential);
    const viewer =
      keys.viewerFor(credential) ??
      (options.sandboxLocationIds ? sandboxViewer(credential, options.sandboxLocationIds) : undefined);
    return viewer ? { ok: true, viewer } : { ok: false, reason: 'invalid' };
  };
}
