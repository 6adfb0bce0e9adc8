import type { CallScope } from '../http/call-scope';

/**
 * Supplies the bearer token for calls under a key (a HoopAI location id; `''` for Hoopr's
 * single client). Implementations cache, refresh ahead of expiry and share one refresh
 * among all concurrent callers (single-flight); a caller that gives up stops waiting
 * without cancelling the refresh others wait for.
 */
export interface TokenProvider {
  token(key: string, scope: CallScope): Promise<string>;
  /**
   * `rejected` was answered with 401: returns a different, fresh token (refreshing once
   * however many callers report the same rejected token), or throws when there is none to
   * be had. Callers call this at most once per request.
   */
  renew(key: string, rejected: string, scope: CallScope): Promise<string>;
}
