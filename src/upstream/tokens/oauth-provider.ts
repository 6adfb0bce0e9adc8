import type { Logger } from 'pino';
import type { SecretRegistry } from '../../logger';
import { type CallScope, inScope } from '../http/call-scope';
import { ReauthRequiredError } from '../http/errors';
import { NO_OBSERVER, type TokenRequestKind, type UpstreamObserver } from '../observability';
import { freshUntil } from './freshness';
import { SingleFlight } from './single-flight';
import type { TokenProvider } from './token-provider';
import { tokenKeys, TokenStoreError, type StoredTokens, type TokenRecord, type TokenStore } from './token-store';

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
 */
export class OAuthTokenProvider implements TokenProvider {
  private readonly memory = new Map<string, TokenRecord>();
  /** Pairs the upstream issued that the store refused to take: persisted before any use, on the next call. */
  private readonly unsaved = new Map<string, StoredTokens>();
  private readonly flight = new SingleFlight<string>();
  private readonly locations: Map<string, OAuthLocation>;
  private readonly failures = new Map<string, string>();

  constructor(private readonly options: OAuthProviderOptions) {
    this.locations = new Map(options.locations.map((location) => [location.locationId, location]));
  }

  async token(locationId: string, scope: CallScope): Promise<string> {
    const key = tokenKeys.location(locationId);
    const record = this.memory.get(key) ?? (await scope.race(this.load(key)));
    if (record && !record.tokens.reauthRequired && this.isFresh(record)) return record.tokens.accessToken;
    return scope.race(this.flight.run(key, () => this.refreshTracked(locationId, record?.tokens.accessToken)));
  }

  renew(locationId: string, rejected: string, scope: CallScope): Promise<string> {
    const record = this.memory.get(tokenKeys.location(locationId));
    if (record && record.tokens.accessToken !== rejected && !record.tokens.reauthRequired && this.isFresh(record)) {
      return Promise.resolve(record.tokens.accessToken);
    }
    return scope.race(this.flight.run(tokenKeys.location(locationId), () => this.refreshTracked(locationId, rejected)));
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
      this.failures.set(locationId, error instanceof Error ? error.message : 'no token could be obtained');
      throw error;
    }
  }

  /** Forgets the record held in memory for `key` (an app (un)install changed it): the next call reads the store. */
  forgetCached(key: string): void {
    this.memory.delete(key);
  }

  /** Stores a pair from a completed install (OAuth callback); clears any REAUTH_REQUIRED mark. */
  async install(grant: OAuthGrant): Promise<void> {
    const key = grant.userType === 'Company' ? tokenKeys.company(grant.companyId ?? '') : tokenKeys.location(grant.locationId ?? '');
    const current = await this.options.store.get(key);
    await this.save(key, current?.version, this.toStored(grant));
    this.options.logger.info({ userType: grant.userType, locationId: grant.locationId, companyId: grant.companyId }, 'HoopAI OAuth install stored');
  }

  private async refreshLocation(locationId: string, stale: string | undefined): Promise<string> {
    const key = tokenKeys.location(locationId);
    if (this.unsaved.has(key)) return this.saveUnsaved(key);
    const record = await this.load(key);
    if (record?.tokens.reauthRequired) throw this.reauth(locationId);
    if (record && record.tokens.accessToken !== stale && this.isFresh(record)) return record.tokens.accessToken;
    if (record?.tokens.refreshToken) return this.refreshRecord(key, record, locationId);
    const companyId = this.locations.get(locationId)?.companyId;
    if (companyId) return this.mint(locationId, companyId, record);
    throw this.reauth(locationId);
  }

  private async refreshRecord(key: string, record: TokenRecord, locationId: string): Promise<string> {
    let grant: OAuthGrant;
    try {
      grant = await this.requestToken('refresh', (scope) => this.options.grants.refresh(record.tokens.refreshToken!, record.tokens.userType, scope));
    } catch (error) {
      if (!(error instanceof InvalidGrantError)) throw error;
      await this.markReauthRequired(key, record);
      throw this.reauth(locationId);
    }
    return this.save(key, record.version, this.toStored(grant, record.tokens));
  }

  private async mint(locationId: string, companyId: string, record: TokenRecord | undefined): Promise<string> {
    const agencyToken = await this.companyToken(companyId, locationId);
    const grant = await this.requestToken('mint', (scope) => this.options.grants.mintLocationToken(agencyToken, companyId, locationId, scope));
    const tokens = this.toStored(grant, { userType: 'Location', companyId, locationId });
    return this.save(tokenKeys.location(locationId), record?.version, tokens);
  }

  private async companyToken(companyId: string, forLocation: string): Promise<string> {
    const key = tokenKeys.company(companyId);
    if (this.unsaved.has(key)) return this.saveUnsaved(key);
    const record = await this.load(key);
    if (!record || record.tokens.reauthRequired) throw this.reauth(forLocation);
    if (this.isFresh(record)) return record.tokens.accessToken;
    if (!record.tokens.refreshToken) throw this.reauth(forLocation);
    return this.flight.run(key, () => this.refreshRecord(key, record, forLocation));
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

  /** Durable first, then visible: the pair is in the store before this resolves. */
  private async save(key: string, expectedVersion: number | undefined, tokens: StoredTokens): Promise<string> {
    this.options.secrets.add(tokens.accessToken);
    this.options.secrets.add(tokens.refreshToken);
    let saved: TokenRecord | undefined;
    try {
      saved = await this.options.store.compareAndSet(key, expectedVersion, tokens);
      if (!saved) {
        // Another writer changed the key since we read it; ours is the pair the server issued last.
        const latest = await this.options.store.get(key);
        saved = await this.options.store.compareAndSet(key, latest?.version, tokens);
        if (!saved) throw new TokenStoreError(`token store entry ${key} keeps changing; giving up this refresh`);
      }
    } catch (error) {
      // The refresh token that bought this pair is spent: losing the pair would lose the install.
      this.unsaved.set(key, tokens);
      this.options.logger.error({ err: error, key }, 'token store refused the new pair; holding it until it can be stored');
      throw error;
    }
    this.unsaved.delete(key);
    this.memory.set(key, saved);
    return tokens.accessToken;
  }

  private async saveUnsaved(key: string): Promise<string> {
    const latest = await this.options.store.get(key);
    return this.save(key, latest?.version, this.unsaved.get(key)!);
  }

  private async markReauthRequired(key: string, record: TokenRecord): Promise<void> {
    const marked = { ...record.tokens, reauthRequired: true };
    const saved = await this.options.store.compareAndSet(key, record.version, marked);
    this.memory.set(key, saved ?? { tokens: marked, version: record.version });
    this.options.logger.warn({ key }, 'HoopAI refused the refresh token: re-authorization required');
  }

  private async load(key: string): Promise<TokenRecord | undefined> {
    const record = await this.options.store.get(key);
    if (record) {
      this.memory.set(key, record);
      this.options.secrets.add(record.tokens.accessToken);
      this.options.secrets.add(record.tokens.refreshToken);
    }
    return record;
  }

  private isFresh(record: TokenRecord): boolean {
    const { obtainedAt, expiresAt } = record.tokens;
    return Date.now() < freshUntil(obtainedAt, expiresAt, this.options.refreshAheadMs);
  }

  private toStored(grant: OAuthGrant, previous?: Partial<StoredTokens>): StoredTokens {
    const obtainedAt = Date.now();
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
