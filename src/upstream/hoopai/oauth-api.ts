import type { CallScope } from '../http/call-scope';
import { UpstreamUnavailableError } from '../http/errors';
import type { HttpResponse } from '../http/exchange';
import { badShape, errorForStatus, isRecord, traceIdOf, upstreamMessages } from '../http/upstream-body';
import type { UpstreamHttp } from '../http/upstream-http';
import { InvalidGrantError, type OAuthGrant, type OAuthGrants } from '../tokens/oauth-provider';
import { hoopaiEndpoints, type HoopaiRequest } from './endpoints';
import { hoopaiErrorFor } from './refusals';

export interface HoopaiOAuthApp {
  clientId: string;
  clientSecret: string;
  /** Must equal the redirect URI registered for the app (the gateway's `/oauth/callback`). */
  redirectUri: string;
}

/** The refresh failures HoopAI tells apart only by message text (FACTS.md): read here, and nowhere else. */
function refreshFailure(response: HttpResponse, messages: string[]): 'invalid-grant' | 'location-inactive' | undefined {
  if (response.status !== 400 && response.status !== 401) return undefined;
  const body = isRecord(response.body) ? response.body : {};
  const text = [...messages, typeof body.error === 'string' ? body.error : ''].join(' ').toLowerCase();
  if (text.includes('location is not active')) return 'location-inactive';
  if (text.includes('invalid grant') || text.includes('invalid_grant')) return 'invalid-grant';
  return undefined;
}

/** HoopAI's OAuth server: code exchange, refresh, and location tokens minted from an agency token. */
export class HoopaiOAuthApi implements OAuthGrants {
  constructor(
    private readonly http: UpstreamHttp,
    private readonly app: HoopaiOAuthApp,
    private readonly version: string,
  ) {}

  /** `userType` is what the consent asked for: `Company` for an agency install, `Location` for a sub-account. */
  async exchangeCode(code: string, userType: 'Location' | 'Company', scope: CallScope): Promise<OAuthGrant> {
    const request = hoopaiEndpoints.token({
      client_id: this.app.clientId,
      client_secret: this.app.clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.app.redirectUri,
      user_type: userType,
    });
    return this.grant(request, scope);
  }

  async refresh(refreshToken: string, userType: 'Location' | 'Company', scope: CallScope): Promise<OAuthGrant> {
    const request = hoopaiEndpoints.token({
      client_id: this.app.clientId,
      client_secret: this.app.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      user_type: userType,
      redirect_uri: this.app.redirectUri,
    });
    const response = await this.send(request, scope);
    if (response.status >= 200 && response.status < 300) return this.readGrant(request, response);
    const failure = refreshFailure(response, upstreamMessages(response.body, this.http.secrets));
    if (failure === 'invalid-grant') throw new InvalidGrantError('HoopAI refused the refresh token (invalid grant)');
    if (failure === 'location-inactive') {
      throw new UpstreamUnavailableError('HoopAI location is not active right now; its install is kept', {
        upstream: 'hoopai',
        status: response.status,
        traceId: traceIdOf(response),
        upstreamFault: false,
      });
    }
    throw this.failed(request, response);
  }

  async mintLocationToken(agencyAccessToken: string, companyId: string, locationId: string, scope: CallScope): Promise<OAuthGrant> {
    const request = hoopaiEndpoints.locationToken(companyId, locationId);
    const response = await this.send(request, scope, `Bearer ${agencyAccessToken}`);
    if (response.status < 200 || response.status >= 300) {
      throw hoopaiErrorFor(request, response, { locationId, version: this.version, secrets: this.http.secrets });
    }
    return { ...this.readGrant(request, response), userType: 'Location', companyId, locationId };
  }

  private async grant(request: HoopaiRequest, scope: CallScope): Promise<OAuthGrant> {
    const response = await this.send(request, scope);
    if (response.status < 200 || response.status >= 300) throw this.failed(request, response);
    return this.readGrant(request, response);
  }

  private send(request: HoopaiRequest, scope: CallScope, authorization?: string): Promise<HttpResponse> {
    const withVersion = { ...request, headers: { ...request.headers, Version: this.version } };
    return this.http.sendWithRetries(withVersion, scope, authorization);
  }

  private failed(request: HoopaiRequest, response: HttpResponse): Error {
    return errorForStatus(response, { upstream: 'hoopai', route: request.route, secrets: this.http.secrets });
  }

  private readGrant(request: HoopaiRequest, response: HttpResponse): OAuthGrant {
    const body = response.body;
    if (!isRecord(body) || typeof body.access_token !== 'string' || body.access_token === '') {
      throw badShape({ upstream: 'hoopai', route: request.route }, response, 'token answer without access_token');
    }
    const optional = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    const grant: OAuthGrant = {
      accessToken: body.access_token,
      refreshToken: optional(body.refresh_token),
      expiresInSeconds: typeof body.expires_in === 'number' && body.expires_in >= 0 ? body.expires_in : 0,
      userType: body.userType === 'Company' ? 'Company' : 'Location',
      locationId: optional(body.locationId),
      companyId: optional(body.companyId),
      scope: optional(body.scope),
    };
    this.http.secrets.add(grant.accessToken);
    this.http.secrets.add(grant.refreshToken);
    return grant;
  }
}
