import { randomBytes } from 'node:crypto';
import type { SandboxClient } from './credentials';

/**
 * Access tokens the sandbox issued. A token's lifetime is not fixed at issue: it is
 * whatever the control plane says now (DESIGN.md: `tokenTtlSeconds` applies to every
 * token, already issued or not), counted from when it was issued. Tokens survive
 * `/__sandbox/reset`; only the oldest are forgotten once `capacity` is reached, which a
 * client sees as a revoked token (401).
 */

export interface TokenGrant {
  client: SandboxClient;
  issuedAtMs: number;
}

export type TokenCheck = { status: 'valid'; grant: TokenGrant } | { status: 'expired' } | { status: 'unknown' };

/** `{"alg":"HS256","typ":"JWT"}`: tokens look like the upstream's JWTs, though they are opaque here. */
const JWT_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export class TokenRegistry {
  private readonly grants = new Map<string, TokenGrant>();

  constructor(private readonly capacity = 100_000) {}

  issue(client: SandboxClient, nowMs: number): string {
    const claims = { sub: client.clientId, scope: client.scopes.join(' '), iat: Math.floor(nowMs / 1000), jti: randomBytes(12).toString('hex') };
    const token = `${JWT_HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    this.grants.set(token, { client, issuedAtMs: nowMs });
    if (this.grants.size > this.capacity) this.grants.delete(this.grants.keys().next().value!);
    return token;
  }

  check(token: string, ttlSeconds: number, nowMs: number): TokenCheck {
    const grant = this.grants.get(token);
    if (!grant) return { status: 'unknown' };
    if (nowMs >= grant.issuedAtMs + ttlSeconds * 1000) return { status: 'expired' };
    return { status: 'valid', grant };
  }
}
