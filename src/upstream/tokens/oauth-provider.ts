import type { Logger } from 'pino';
import type { SecretRegistry } from '../../logger';
import { type CallScope, inScope } from '../http/call-scope';
import { ReauthRequiredError, TokensUnavailableError } from '../http/errors';
import { NO_OBSERVER, type TokenRequestKind, type UpstreamObserver } from '../observability';
import type { FleetTokenGate } from './fleet-token-gate';
import { freshUntil } from './freshness';
import { OAuthPairs } from './oauth-pairs';
import { TokenStoreUnavailableError } from './redis-sealed-records';
import { SingleFlight } from './single-flight';
import type { TokenProvider } from './token-provider';
import { tokenKeys, type StoredTokens, type TokenRecord, type TokenStore } from './token-store';

/** A token answer of the OAuth server (code exchange, refresh, or a minted location token). */
export interface OAuthGrant {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
  userType: 'Location' | 'Company';
  locationId?: string;
  companyId?: string;
  scope?: string;
}

/** The OAuth server calls the provider needs (HoopaiOAuthApi). */
export interface OAuthGrants {
  /** Rejects with InvalidGrantError when the refresh token is dead (used, expired, revoked). */
  refresh(refreshToken: string, userType: 'Location' | 'Company', scope: CallScope): Promise<OAuthGrant>;
  mintLocationToken(agencyAccessToken: string, companyId: string, locationId: string, scope: CallScope): Promise<OAuthGrant>;
}

/** The refresh token can never work again: the location must be installed again. */
export class InvalidGrantError extends Error {}

export interface OAuthLocation {
  locationId: string;
  /** When set, and the location has no pair of its own, its tokens are minted from this agency's install. */
  companyId?: string;
}

export interface OAuthProviderOptions {
  grants: OAuthGrants;
  store: TokenStore;
  locations: readonly OAuthLocation[];
  /** Stop handing out a token this long before it expires, ms. */
  refreshAheadMs: number;
  /** Where an admin re-installs the app for a location (goes into REAUTH_REQUIRED errors). */
  installUrl(locationId: string): string | undefined;
  /** A scope for one token request, independent of any caller's cancellation. */
  newScope(): CallScope;
  secrets: SecretRegistry;
  logger: Logger;
  /** Told of every refresh and mint and how it went. */
  observer?: UpstreamObserver;
  /**
   * Shared mode: every refresh and mint runs under this fleet-wide lock, after reading what
   * the other instances stored (the store is then shared too). Absent: one instance.
   */
  gate?: FleetTokenGate;
}

/**
 * HoopAI OAuth tokens per location. Refresh tokens are single-use, so:
 * - one refresh per location at a time, shared by every waiting caller (single-flight);
 * - the store is re-read before refreshing (another instance may have done it already);
 * - the new pair is written to the store BEFORE anyone uses it (a crash after the refresh
 *   must not lose the only valid refresh token);
 * - `Invalid grant` marks the location REAUTH_REQUIRED (the pair stays readable) and no
 *   further refresh is tried; `Location is not active` keeps the refresh token (it works
 *   again later) and fails the call as UPSTREAM_UNAVAILABLE.
 * In shared mode (`gate`), refreshes run under a fleet-wide lock and every write is
 * compare-and-set on the version read under it; a pair is only ever replaced by its own
 * successor (or an install), never by a writer that read an older one. Without Redis, a
 * still-valid token this instance knows keeps being used; anything that needs a refresh
 * fails as TOKENS_UNAVAILABLE, and nothing is refreshed without the lock.
 */
export class OAuthTokenProvider implements TokenProvider {
  private readonly pairs: OAuthPairs;
  /** Shared mode: true while Redis is unreachable (one warning per outage). */
  private degraded = false;
  private readonly flight = new SingleFlight<string>();
  private readonly locations: Map<string, OAuthLocation>;
  private readonly failures = new Map<string, string>();

  constructor(private readonly options: OAuthProviderOptions) {
    this.locations = new Map(options.locations.map((location) => [location.locationId, location]));
    this.pairs = new OAuthPairs({ store: options.store, secrets: options.secrets, logger: options.logger, flight: this.flight });
  }

  async token(locationId: string, scope: CallScope): Promise<string> {
    const key = tokenKeys.location(locationId);
    // A location this instance has not used yet is read from the store inside the flight (one read for every caller).
    const record = this.pairs.known(key);
    if (record && !record.tokens.reauthRequired && this.isFresh(record)) return record.tokens.accessToken;
    return scope.race(this.flight.run(key, () => this.refreshTracked(locationId, record?.tokens.accessToken)));
  }

  async renew(locationId: string, rejected: string, scope: CallScope): Promise<string> {
    const key = tokenKeys.location(locationId);
    const record = this.pairs.known(key);
    if (record && record.tokens.accessToken !== rejected && !record.tokens.reauthRequired && this.isFresh(record)) return record.tokens.accessToken;
    const renewed = await scope.race(this.flight.run(key, () => this.refreshTracked(locationId, rejected)));
    // The flight joined was started for an older token and ended on the one just rejected: one more, for this one.
    if (renewed !== rejected) return renewed;
    return scope.race(this.flight.run(key, () => this.refreshTracked(locationId, rejected)));
  }

  /**
   * Read-only, for readiness: the locations whose last attempt to get a token failed (a
   * refresh the upstream refused, REAUTH_REQUIRED, a store that would not keep the pair), why.
   */
  failingLocations(): ReadonlyMap<string, string> {
    return this.failures;
  }

  private async refreshTracked(locationId: string, stale: string | undefined): Promise<string> {
    try {
      const token = await this.refreshLocation(locationId, stale);
      this.failures.delete(locationId);
      return token;
    } catch (error) {
      // Redis down is the fleet's outage, not this instance's: readiness would take every
      // instance out of the pool at once, and the catalog with them.
      if (!(error instanceof TokensUnavailableError)) this.failures.set(locationId, error instanceof Error ? error.message : 'no token could be obtained');
      throw error;
    }
  }

  /** Forgets the record held in memory for `key` (an app (un)install changed it): the next call reads the store. */
  forgetCached(key: string): void {
    this.pairs.forget(key);
  }

  /** Stores a pair from a completed install (OAuth callback); clears any REAUTH_REQUIRED mark. */
  async install(grant: OAuthGrant): Promise<void> {
    const key = grant.userType === 'Company' ? tokenKeys.company(grant.companyId ?? '') : tokenKeys.location(grant.locationId ?? '');
    const current = await this.options.store.get(key);
    // An admin's new install replaces whatever is stored, a REAUTH_REQUIRED mark included.
    await this.pairs.save(key, current?.version, this.toStored(grant, Date.now()), () => true);
    this.options.logger.info({ userType: grant.userType, locationId: grant.locationId, companyId: grant.companyId }, 'HoopAI OAuth install stored');
  }

  private async refreshLocation(locationId: string, stale: string | undefined): Promise<string> {
    const key = tokenKeys.location(locationId);
    try {
      if (this.pairs.hasUnsaved(key)) return await this.pairs.saveUnsaved(key);
      const gate = this.options.gate;
      const token = gate
        ? await gate.run('hoopai', key, { usable: () => this.usableFromStore(key, locationId, stale), work: () => this.refreshLocationNow(locationId, stale) })
        : await this.refreshLocationNow(locationId, stale);
      this.recovered();
      return token;
    } catch (error) {
      if (!(error instanceof TokenStoreUnavailableError)) throw error;
      return this.withoutStore(key, locationId, stale, error);
    }
  }

  /** Redis is unreachable: a still-valid token this instance knows, else TOKENS_UNAVAILABLE (never a refresh without the lock). */
  private withoutStore(key: string, locationId: string, stale: string | undefined, error: TokenStoreUnavailableError): string {
    if (!this.degraded) this.options.logger.warn({ err: { message: error.message } }, 'token store unreachable: known tokens are used until they expire; no refresh until it is back');
    this.degraded = true;
    const known = this.pairs.known(key);
    if (known && !known.tokens.reauthRequired && known.tokens.accessToken !== stale && Date.now() < known.tokens.expiresAt) return known.tokens.accessToken;
    throw this.unavailable(locationId, error);
  }

  private recovered(): void {
    if (this.degraded) this.options.logger.info('token store reachable again');
    this.degraded = false;
  }

  private unavailable(locationId: string, cause: unknown): TokensUnavailableError {
    return new TokensUnavailableError(`HoopAI tokens of location ${locationId} cannot be renewed now: the shared token store is unreachable`, {
      upstream: 'hoopai',
      cause,
    });
  }

  /** What the other instances stored, when it can be used as it is. */
  private async usableFromStore(key: string, locationId: string, stale: string | undefined): Promise<string | undefined> {
    const record = await this.pairs.load(key);
    if (record?.tokens.reauthRequired) throw this.reauth(locationId);
    return record && record.tokens.accessToken !== stale && this.isFresh(record) ? record.tokens.accessToken : undefined;
  }

  private async refreshLocationNow(locationId: string, stale: string | undefined): Promise<string> {
    const key = tokenKeys.location(locationId);
    const record = await this.pairs.load(key);
    if (record?.tokens.reauthRequired) throw this.reauth(locationId);
    if (record && record.tokens.accessToken !== stale && this.isFresh(record)) return record.tokens.accessToken;
    if (record?.tokens.refreshToken) return this.refreshRecord(key, record, locationId);
    const companyId = this.locations.get(locationId)?.companyId;
    if (companyId) return this.mint(locationId, companyId, record);
    throw this.reauth(locationId);
  }

  private async refreshRecord(key: string, record: TokenRecord, locationId: string): Promise<string> {
    let grant: OAuthGrant;
    const requestedAt = Date.now();
    try {
      grant = await this.requestToken('refresh', (scope) => this.options.grants.refresh(record.tokens.refreshToken!, record.tokens.userType, scope));
    } catch (error) {
      if (!(error instanceof InvalidGrantError)) throw error;
      // A holder whose lock expired may have spent this refresh token first, and stored its successor.
      const latest = await this.pairs.load(key);
      if (latest && latest.version !== record.version && !latest.tokens.reauthRequired) return latest.tokens.accessToken;
      await this.pairs.markReauthRequired(key, record);
      throw this.reauth(locationId);
    }
    // Ours is the successor of the pair whose refresh token we spent: it may replace that pair,
    // or a REAUTH_REQUIRED mark made from it by an instance that lost the race to us; nothing newer.
    const spent = record.tokens.refreshToken;
    return this.pairs.save(key, record.version, this.toStored(grant, requestedAt, record.tokens), (latest) => !latest || latest.tokens.refreshToken === spent);
  }

  private async mint(locationId: string, companyId: string, record: TokenRecord | undefined): Promise<string> {
    const agencyToken = await this.companyToken(companyId, locationId);
    const requestedAt = Date.now();
    const grant = await this.requestToken('mint', (scope) => this.options.grants.mintLocationToken(agencyToken, companyId, locationId, scope));
    const tokens = this.toStored(grant, requestedAt, { userType: 'Location', companyId, locationId });
    // A minted token replaces nothing but an absent pair, or the one this mint was to replace.
    return this.pairs.save(tokenKeys.location(locationId), record?.version, tokens, (latest) => !latest || latest.version === record?.version || latest.tokens.reauthRequired === true);
  }

  private async companyToken(companyId: string, forLocation: string): Promise<string> {
    const key = tokenKeys.company(companyId);
    if (this.pairs.hasUnsaved(key)) return this.pairs.saveUnsaved(key);
    const record = await this.pairs.load(key);
    if (!record || record.tokens.reauthRequired) throw this.reauth(forLocation);
    if (this.isFresh(record)) return record.tokens.accessToken;
    const gate = this.options.gate;
    return this.flight.run(key, () =>
      gate
        ? gate.run('hoopai', key, { usable: () => this.usableFromStore(key, forLocation, undefined), work: () => this.refreshCompanyNow(key, forLocation) })
        : this.refreshCompanyNow(key, forLocation),
    );
  }

  private async refreshCompanyNow(key: string, forLocation: string): Promise<string> {
    const record = await this.pairs.load(key);
    if (!record || record.tokens.reauthRequired || !record.tokens.refreshToken) throw this.reauth(forLocation);
    if (this.isFresh(record)) return record.tokens.accessToken;
    return this.refreshRecord(key, record, forLocation);
  }

  /** One token request in a scope of its own (no caller's cancellation stops it), reported to the observer. */
  private async requestToken(kind: TokenRequestKind, request: (scope: CallScope) => Promise<OAuthGrant>): Promise<OAuthGrant> {
    const observer = this.options.observer ?? NO_OBSERVER;
    try {
      const grant = await inScope(this.options.newScope(), request);
      observer.tokenRequested('hoopai', kind, 'ok');
      return grant;
    } catch (error) {
      observer.tokenRequested('hoopai', kind, error instanceof InvalidGrantError ? 'reauth_required' : 'failed');
      throw error;
    }
  }

  private isFresh(record: TokenRecord): boolean {
    const { obtainedAt, expiresAt } = record.tokens;
    return Date.now() < freshUntil(obtainedAt, expiresAt, this.options.refreshAheadMs);
  }

  /** `requestedAt`: when the request for the grant was sent; its lifetime is counted from then, never from its slower answer. */
  private toStored(grant: OAuthGrant, requestedAt: number, previous?: Partial<StoredTokens>): StoredTokens {
    const obtainedAt = requestedAt;
    return {
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      obtainedAt,
      expiresAt: obtainedAt + grant.expiresInSeconds * 1000,
      userType: grant.userType ?? previous?.userType ?? 'Location',
      companyId: grant.companyId ?? previous?.companyId,
      locationId: grant.locationId ?? previous?.locationId,
      scope: grant.scope ?? previous?.scope,
    };
  }

  private reauth(locationId: string): ReauthRequiredError {
    return new ReauthRequiredError(locationId, this.options.installUrl(locationId), { upstream: 'hoopai' });
  }
}
