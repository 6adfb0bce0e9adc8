import type { CallScope } from '../http/call-scope';
import { UnauthenticatedError } from '../http/errors';
import { badShape, isRecord } from '../http/upstream-body';
import type { UpstreamHttp } from '../http/upstream-http';
import type { IssuedToken } from '../tokens/client-credentials-provider';
import { hooprEndpoints } from './endpoints';
import { readEnvelope } from './envelope';
import type { HooprTokenInfo } from './types';

export interface HooprCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Asks Hoopr for client-credentials tokens (the provider caches them) and remembers what
 * the last answer said besides the token: mode and scopes.
 */
export class HooprTokenSource {
  lastInfo: HooprTokenInfo | undefined;

  constructor(
    private readonly http: UpstreamHttp,
    private readonly credentials: HooprCredentials,
  ) {
    http.secrets.add(credentials.clientSecret);
  }

  async issue(scope: CallScope): Promise<IssuedToken> {
    const request = hooprEndpoints.token(this.credentials.clientId, this.credentials.clientSecret);
    const response = await this.http.sendWithRetries(request, scope);
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new UnauthenticatedError(`Hoopr refused the client credentials of client ${this.credentials.clientId}`, {
        upstream: 'hoopr',
        status: response.status,
      });
    }
    const data = readEnvelope(request, response, this.http.secrets);
    if (!isRecord(data) || typeof data.access_token !== 'string' || data.access_token === '') {
      throw badShape({ upstream: 'hoopr', route: request.route }, response, 'token answer without access_token');
    }
    this.http.secrets.add(data.access_token);
    const expiresInSeconds = typeof data.expires_in === 'number' && data.expires_in >= 0 ? data.expires_in : 0;
    this.lastInfo = {
      mode: typeof data.mode === 'string' ? data.mode : undefined,
      scopes: typeof data.scope === 'string' ? data.scope.split(/\s+/).filter(Boolean) : [],
      expiresInSeconds,
    };
    return { accessToken: data.access_token, expiresInSeconds };
  }
}
