import type { Logger } from 'pino';
import type { SecretRegistry } from '../../logger';
import { type CallScope, inScope } from '../http/call-scope';
import { NO_OBSERVER, type UpstreamObserver } from '../observability';
import type { FleetTokenGate } from './fleet-token-gate';
import { freshUntil } from './freshness';
import { type RedisSealedRecords, TokenStoreUnavailableError } from './redis-sealed-records';
import { TokenStoreError } from './token-store';
import { SingleFlight } from './single-flight';
import type { TokenProvider } from './token-provider';

export interface IssuedToken {
  accessToken: string;
  /** Lifetime the upstream announced, seconds. */
  expiresInSeconds: number;
}

export interface ClientCredentialsOptions {
  /** Asks the upstream for a new token (the scope is the refresh's own, not a caller's). */
  issue(scope: CallScope): Promise<IssuedToken>;
  /** A scope for one token request, independent of any caller's cancellation. */
  newScope(): CallScope;
  /** Stop handing out a token this long before it expires, ms. */
  refreshAheadMs: number;
  secrets: SecretRegistry;
  logger: Logger;
  /** Told of every token request and how it went. */
  observer?: UpstreamObserver;
  /** Shared mode: the token lives in Redis for every instance, and is requested under the fleet-wide lock. */
  shared?: SharedClientToken;
}

/** A client-credentials token as the instances share it. */
export interface SharedTokenValue {
  accessToken: string;
  obtainedAt: number;
  expiresAt: number;
}

export interface SharedClientToken {
  records: RedisSealedRecords<SharedTokenValue>;
  gate: FleetTokenGate;
  /** The record's and the lock's name; carries the client id (a new client never reuses the old one's token). */
  name: string;
}

/**
 * One client-credentials token shared by every call (Hoopr): cached until shortly before
 * it expires; exactly one token request in flight however many callers wait.
 *
 * Shared mode (`shared`): the token is read from Redis first, and requested under the
 * fleet-wide lock, so the whole fleet makes one grant per expiry. Without Redis an instance
 * requests its own (as a single instance does): a client-credentials grant spends nothing
 * and revokes no other token, so the catalog need not fail with Redis.
 */
export class ClientCredentialsProvider implements TokenProvider {
  private cached: { token: string; obtainedAt: number; freshUntil: number; expiresAt: number } | undefined;
  private lastFailure: string | undefined;
  private readonly flight = new SingleFlight<string>();
  /** Shared mode: true while Redis is unreachable (one warning per outage). */
  private degraded = false;

  constructor(private readonly options: ClientCredentialsOptions) {}

  token(_key: string, scope: CallScope): Promise<string> {
    if (this.cached && Date.now() < this.cached.freshUntil) return Promise.resolve(this.cached.token);
    return scope.race(this.flight.run('', () => this.obtain(undefined)));
  }

  async renew(_key: string, rejected: string, scope: CallScope): Promise<string> {
    // Another caller already replaced the rejected token: use the replacement.
    if (this.cached && this.cached.token !== rejected) return this.cached.token;
    const renewed = await scope.race(this.flight.run('', () => this.obtain(rejected)));
    // The flight joined was started before the rejection and ended on the rejected token: one more.
    if (renewed !== rejected) return renewed;
    return scope.race(this.flight.run('', () => this.obtain(rejected)));
  }

  /**
   * Read-only, for readiness: why no token can be had now (the last request for one failed
   * and no unexpired token is left), or undefined while calls have a token to use.
   */
  unavailable(): string | undefined {
    if (this.lastFailure === undefined) return undefined;
    return this.cached && Date.now() < this.cached.expiresAt ? undefined : this.lastFailure;
  }

  private async obtain(rejected: string | undefined): Promise<string> {
    const shared = this.options.shared;
    if (!shared) return this.issue();
    try {
      const token = await shared.gate.run('hoopr', shared.name, {
        usable: () => this.usableShared(shared, rejected),
        work: async () => (await this.usableShared(shared, rejected)) ?? this.issueShared(shared),
      });
      if (this.degraded) this.options.logger.info('token store reachable again: the Hoopr token is shared again');
      this.degraded = false;
      return token;
    } catch (error) {
      if (!(error instanceof TokenStoreUnavailableError)) throw error;
      if (!this.degraded) this.options.logger.warn({ err: { message: error.message } }, 'token store unreachable: this instance requests its own Hoopr token until it is back');
      this.degraded = true;
      return this.issue();
    }
  }

  /**
   * The token another instance stored, adopted when it is still fresh (and not the one just
   * rejected). One sealed under another TOKEN_STORE_KEY (a key change, `npm run cluster`'s key
   * of an earlier run) is as good as absent: a Hoopr token is replaced by a grant, unlike an
   * OAuth pair, whose refresh token nothing replaces.
   */
  private async usableShared(shared: SharedClientToken, rejected: string | undefined): Promise<string | undefined> {
    let record: Awaited<ReturnType<typeof shared.records.get>>;
    try {
      record = await shared.records.get(shared.name);
    } catch (error) {
      if (error instanceof TokenStoreUnavailableError || !(error instanceof TokenStoreError)) throw error;
      this.options.logger.warn({ err: { message: error.message } }, 'the shared Hoopr token is sealed under another TOKEN_STORE_KEY: it will be replaced');
      return undefined;
    }
    if (!record) return undefined;
    const { accessToken, obtainedAt, expiresAt } = record.value;
    const fresh = freshUntil(obtainedAt, expiresAt, this.options.refreshAheadMs);
    if (accessToken === rejected || Date.now() >= fresh) return undefined;
    this.options.secrets.add(accessToken);
    this.cached = { token: accessToken, obtainedAt, freshUntil: fresh, expiresAt };
    return accessToken;
  }

  /** Under the lock: one grant, stored for the others before it is used (the version counts the fleet's grants). */
  private async issueShared(shared: SharedClientToken): Promise<string> {
    const previous = await shared.records.version(shared.name);
    const token = await this.issue();
    const { obtainedAt, expiresAt } = this.cached!;
    const value: SharedTokenValue = { accessToken: token, obtainedAt, expiresAt };
    try {
      // A miss means a holder whose lock expired stored its own meanwhile; both are valid, theirs stays.
      await shared.records.compareAndSet(shared.name, previous, value);
    } catch (error) {
      // Redis went away after the grant: the token is good, the others will ask for their own.
      if (!(error instanceof TokenStoreUnavailableError)) throw error;
    }
    return token;
  }

  private async issue(): Promise<string> {
    const obtainedAt = Date.now();
    const observer = this.options.observer ?? NO_OBSERVER;
    let issued: IssuedToken;
    try {
      issued = await inScope(this.options.newScope(), (scope) => this.options.issue(scope));
    } catch (error) {
      this.lastFailure = error instanceof Error ? error.message : 'the token request failed';
      observer.tokenRequested('hoopr', 'grant', 'failed');
      throw error;
    }
    this.lastFailure = undefined;
    observer.tokenRequested('hoopr', 'grant', 'ok');
    this.options.secrets.add(issued.accessToken);
    const expiresAt = obtainedAt + issued.expiresInSeconds * 1000;
    this.cached = { token: issued.accessToken, obtainedAt, freshUntil: freshUntil(obtainedAt, expiresAt, this.options.refreshAheadMs), expiresAt };
    this.options.logger.debug({ expiresInSeconds: issued.expiresInSeconds }, 'client-credentials token issued');
    return issued.accessToken;
  }
}
