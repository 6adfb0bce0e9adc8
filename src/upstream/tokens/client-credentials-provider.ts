import type { Logger } from 'pino';
import type { SecretRegistry } from '../../logger';
import { type CallScope, inScope } from '../http/call-scope';
import { NO_OBSERVER, type UpstreamObserver } from '../observability';
import { freshUntil } from './freshness';
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
}

/**
 * One client-credentials token shared by every call (Hoopr): cached until shortly before
 * it expires; exactly one token request in flight however many callers wait.
 */
export class ClientCredentialsProvider implements TokenProvider {
  private cached: { token: string; freshUntil: number; expiresAt: number } | undefined;
  private lastFailure: string | undefined;
  private readonly flight = new SingleFlight<string>();

  constructor(private readonly options: ClientCredentialsOptions) {}

  token(_key: string, scope: CallScope): Promise<string> {
    if (this.cached && Date.now() < this.cached.freshUntil) return Promise.resolve(this.cached.token);
    return scope.race(this.flight.run('', () => this.issue()));
  }

  renew(_key: string, rejected: string, scope: CallScope): Promise<string> {
    // Another caller already replaced the rejected token: use the replacement.
    if (this.cached && this.cached.token !== rejected) return Promise.resolve(this.cached.token);
    return scope.race(this.flight.run('', () => this.issue()));
  }

  /**
   * Read-only, for readiness: why no token can be had now (the last request for one failed
   * and no unexpired token is left), or undefined while calls have a token to use.
   */
  unavailable(): string | undefined {
    if (this.lastFailure === undefined) return undefined;
    return this.cached && Date.now() < this.cached.expiresAt ? undefined : this.lastFailure;
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
    this.cached = { token: issued.accessToken, freshUntil: freshUntil(obtainedAt, expiresAt, this.options.refreshAheadMs), expiresAt };
    this.options.logger.debug({ expiresInSeconds: issued.expiresInSeconds }, 'client-credentials token issued');
    return issued.accessToken;
  }
}
