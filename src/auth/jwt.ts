import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from './auth-config';
import { SCOPES, type Scope, type Viewer } from './viewer';

export type JwtResult = { ok: true; viewer: Viewer } | { ok: false; reason: 'invalid' | 'expired' };

/** Leeway for `exp` and `nbf`: the issuer's clock and ours may differ this much. */
const CLOCK_TOLERANCE_S = 60;

/** Asymmetric algorithms a JWKS may carry; `none` and HMAC are never accepted from a key set. */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Verifies caller JWTs: signature (JWKS or the shared HS256 secret), `iss`, `aud`, `exp`
 * and `nbf` (60 s of clock tolerance). The caller's scopes are the known values of the
 * space-separated `scope` claim; its locations the string array under the configured claim.
 * A token that verifies but grants nothing still authenticates: its fields answer FORBIDDEN.
 */
export class JwtVerifier {
  private readonly key: JWTVerifyGetKey | Uint8Array;
  private readonly algorithms: string[];

  constructor(private readonly config: JwtConfig) {
    if (config.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      this.algorithms = JWKS_ALGORITHMS;
    } else {
      this.key = new TextEncoder().encode(config.secret ?? '');
      this.algorithms = ['HS256'];
    }
  }

  async verify(token: string): Promise<JwtResult> {
    let payload: JWTPayload;
    try {
      const options = { issuer: this.config.issuer, audience: this.config.audience, algorithms: this.algorithms, clockTolerance: CLOCK_TOLERANCE_S };
      // Two calls instead of one union-typed call: jose overloads on the key's type.
      payload =
        this.key instanceof Uint8Array
          ? (await jwtVerify(token, this.key, options)).payload
          : (await jwtVerify(token, this.key, options)).payload;
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      // Any other failure (signature, claims, an unreachable JWKS) must fail closed.
      return { ok: false, reason: 'invalid' };
    }
    return { ok: true, viewer: viewerOf(payload, this.config.locationsClaim) };
  }
}

function viewerOf(payload: JWTPayload, locationsClaim: string): Viewer {
  const scopeClaim = typeof payload.scope === 'string' ? payload.scope.split(/\s+/) : [];
  const scopes = SCOPES.filter((scope): scope is Scope => scopeClaim.includes(scope));
  const rawLocations = payload[locationsClaim];
  const locationIds = Array.isArray(rawLocations) ? rawLocations.filter((id): id is string => typeof id === 'string' && id !== '') : [];
  const viewer: Viewer = { name: typeof payload.sub === 'string' ? `jwt:${payload.sub}` : 'jwt', scopes, locationIds: [...new Set(locationIds)] };
  if (typeof payload.exp === 'number') viewer.credentialExpiresAt = (payload.exp + CLOCK_TOLERANCE_S) * 1000;
  return viewer;
}
