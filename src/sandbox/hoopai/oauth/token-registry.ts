import { randomBytes } from 'node:crypto';
import type { Install } from './install';

/** The upstream's lifetimes (FACTS.md, "Credentials"). */
export const ACCESS_TOKEN_TTL_SECONDS = 86_399;
export const REFRESH_TOKEN_TTL_MS = 365 * 86_400_000;
export const AUTHORIZATION_CODE_TTL_MS = 10 * 60_000;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** The access token's lifetime as it was when issued (`expires_in`). */
  expiresIn: number;
}

interface Issued<T> {
  value: T;
  issuedAt: number;
}

export interface IssuedCode {
  install: Install;
  redirectUri: string;
}

export interface RegistryClock {
  now(): number;
  /** The access-token lifetime in force now (the `tokenTtlSeconds` fault, else the default). */
  accessTtlSeconds(): number;
}

/**
 * Every OAuth credential the sandbox has issued, in memory. It outlives
 * `/__sandbox/reset` (which resets data and counters) so a client's stored tokens keep
 * working across test resets, as installs survive at the real upstream.
 *
 * - Authorization codes are single-use and live 10 minutes.
 * - Access tokens expire `accessTtlSeconds()` after they were issued, judged at use time,
 *   so a changed lifetime applies to tokens already issued. A refresh does NOT revoke the
 *   previous access token: it keeps working until it expires, as it does upstream.
 * - Refresh tokens are single-use and live a year: rotating one deletes it, so a second use
 *   (or a concurrent one that lost the race) finds nothing.
 *
 * Maps iterate in insertion order, which is issue order, so expired entries are pruned
 * from the front in time proportional to what is pruned.
 */
export class OAuthTokenRegistry {
  private readonly codes = new Map<string, Issued<IssuedCode>>();
  private readonly accessTokens = new Map<string, Issued<Install>>();
  private readonly refreshTokens = new Map<string, Issued<Install>>();

  constructor(private readonly clock: RegistryClock) {}

  issueCode(install: Install, redirectUri: string): string {
    const now = this.clock.now();
    pruneOlderThan(this.codes, now - AUTHORIZATION_CODE_TTL_MS);
    const code = opaque();
    this.codes.set(code, { value: { install, redirectUri }, issuedAt: now });
    return code;
  }

  /** The code's install, once: the code is gone afterwards whatever the caller does next. */
  redeemCode(code: string): IssuedCode | undefined {
    const issued = this.codes.get(code);
    if (!issued) return undefined;
    this.codes.delete(code);
    return this.clock.now() - issued.issuedAt < AUTHORIZATION_CODE_TTL_MS ? issued.value : undefined;
  }

  issuePair(install: Install): TokenPair {
    const now = this.clock.now();
    const ttlSeconds = this.clock.accessTtlSeconds();
    // Tokens past both the default and the current lifetime cannot come back to life.
    pruneOlderThan(this.accessTokens, now - Math.max(ttlSeconds, ACCESS_TOKEN_TTL_SECONDS) * 1000);
    pruneOlderThan(this.refreshTokens, now - REFRESH_TOKEN_TTL_MS);
    const pair = { accessToken: opaque(), refreshToken: opaque(), expiresIn: ttlSeconds };
    this.accessTokens.set(pair.accessToken, { value: install, issuedAt: now });
    this.refreshTokens.set(pair.refreshToken, { value: install, issuedAt: now });
    return pair;
  }

  /** The install behind a live access token; undefined when unknown or expired. */
  accessInstall(accessToken: string): Install | undefined {
    const issued = this.accessTokens.get(accessToken);
    if (!issued) return undefined;
    const expiresAt = issued.issuedAt + this.clock.accessTtlSeconds() * 1000;
    return this.clock.now() < expiresAt ? issued.value : undefined;
  }

  /** The install behind a live refresh token, without using it up. */
  refreshInstall(refreshToken: string): Install | undefined {
    const issued = this.refreshTokens.get(refreshToken);
    if (!issued) return undefined;
    return this.clock.now() - issued.issuedAt < REFRESH_TOKEN_TTL_MS ? issued.value : undefined;
  }

  /**
   * Revokes every code, access token and refresh token whose install `matches` (an
   * uninstall): they answer as unknown from now on. Returns how many were revoked.
   */
  revoke(matches: (install: Install) => boolean): number {
    let revoked = 0;
    for (const entries of [this.accessTokens, this.refreshTokens] as Map<string, Issued<Install>>[]) {
      for (const [token, issued] of entries) {
        if (matches(issued.value)) {
          entries.delete(token);
          revoked++;
        }
      }
    }
    for (const [code, issued] of this.codes) if (matches(issued.value.install)) this.codes.delete(code);
    return revoked;
  }

  /** An agency install may no longer mint tokens for `locationId` (the app was uninstalled there). */
  unapprove(locationId: string): void {
    for (const entries of [this.accessTokens, this.refreshTokens] as Map<string, Issued<Install>>[]) {
      for (const issued of entries.values()) {
        const install = issued.value;
        if (install.userType === 'Company') install.approvedLocations = install.approvedLocations.filter((id) => id !== locationId);
      }
    }
  }

  /** Spends `refreshToken` and issues the next pair for the same install. */
  rotate(refreshToken: string): TokenPair | undefined {
    const install = this.refreshInstall(refreshToken);
    this.refreshTokens.delete(refreshToken);
    return install ? this.issuePair(install) : undefined;
  }
}

function opaque(): string {
  return randomBytes(24).toString('hex');
}

function pruneOlderThan<T>(entries: Map<string, Issued<T>>, cutoff: number): void {
  for (const [key, issued] of entries) {
    if (issued.issuedAt > cutoff) return;
    entries.delete(key);
  }
}
