import { type CallOptions, inScope } from '../http/call-scope';
import type { UpstreamHttp } from '../http/upstream-http';
import type { OAuthLocation, OAuthTokenProvider } from '../tokens/oauth-provider';
import type { HoopaiOAuthApi } from './oauth-api';

export interface HoopaiOAuthSettings {
  clientId: string;
  clientSecret: string;
  /** The gateway's public `/oauth/callback` URL, as registered with the app. */
  redirectUri: string;
  scopes: readonly string[];
  /**
   * The (white-label) consent page, e.g.
   * `https://marketplace.leadconnectorhq.com/v2/oauth/chooselocation`.
   */
  consentUrl: string;
  /** The gateway's public `/oauth/install` URL; default: `/oauth/install` on the redirect URI's origin. */
  installUrl?: string;
}

export interface InstallResult {
  userType: 'Location' | 'Company';
  locationId?: string;
  companyId?: string;
}

/**
 * An agency token is only good for minting location tokens (`POST /oauth/locationToken`),
 * which needs `oauth.write`: an agency consent asks for it whatever the configured scopes.
 */
const AGENCY_SCOPES = ['oauth.write'];

function consentScopes(configured: readonly string[], agency: boolean): string[] {
  return agency ? [...new Set([...configured, ...AGENCY_SCOPES])] : [...configured];
}

/** The install was completed at HoopAI but is not one this gateway serves; nothing was stored. */
export class InstallRefusedError extends Error {}

/** What the `/oauth/install` and `/oauth/callback` routes need from the HoopAI layer. */
export class HoopaiOAuthInstaller {
  private readonly locations: Map<string, OAuthLocation>;

  constructor(
    private readonly http: UpstreamHttp,
    private readonly api: HoopaiOAuthApi,
    private readonly provider: OAuthTokenProvider,
    private readonly settings: HoopaiOAuthSettings,
    locations: readonly OAuthLocation[],
  ) {
    this.locations = new Map(locations.map((location) => [location.locationId, location]));
  }

  /**
   * The consent page for a fresh install. `state` comes back on the callback (CSRF check);
   * `locationId` pre-selects the location and `agency` asks for an agency (Company)
   * install, where the consent page supports them.
   */
  consentUrl(state: string, target: { locationId?: string; agency?: boolean } = {}): string {
    const url = new URL(this.settings.consentUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', this.settings.redirectUri);
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('scope', consentScopes(this.settings.scopes, target.agency === true).join(' '));
    url.searchParams.set('state', state);
    if (target.locationId) url.searchParams.set('locationId', target.locationId);
    if (target.agency) url.searchParams.set('user_type', 'Company');
    return url.toString();
  }

  /** Where an admin (re-)installs the app; goes into REAUTH_REQUIRED errors. */
  installUrl(locationId?: string): string {
    const url = new URL(this.settings.installUrl ?? new URL('/oauth/install', this.settings.redirectUri).toString());
    if (locationId) url.searchParams.set('locationId', locationId);
    return url.toString();
  }

  isOAuthLocation(locationId: string): boolean {
    return this.locations.has(locationId);
  }

  /**
   * Exchanges the callback's code and stores the pair (durably) before answering.
   * `userType` is the consent the install started (`consentUrl`'s `agency`): the exchange
   * asks for that kind of token, and a token of the other kind is refused, never stored.
   */
  async completeInstall(code: string, userType: 'Location' | 'Company', options: CallOptions = {}): Promise<InstallResult> {
    this.http.secrets.add(code);
    const grant = await inScope(this.http.scope(options), (scope) => this.api.exchangeCode(code, userType, scope));
    if (grant.userType !== userType) {
      throw new InstallRefusedError(`HoopAI answered a ${grant.userType} token to a ${userType} install`);
    }
    if (grant.userType === 'Company') {
      const serves = [...this.locations.values()].some((location) => location.companyId === grant.companyId);
      if (!grant.companyId || !serves) {
        throw new InstallRefusedError(`agency ${grant.companyId ?? '(unknown)'} is not configured for OAuth in this gateway`);
      }
    } else if (!grant.locationId || !this.locations.has(grant.locationId)) {
      throw new InstallRefusedError(`location ${grant.locationId ?? '(unknown)'} is not configured for OAuth in this gateway`);
    }
    await this.provider.install(grant);
    return { userType: grant.userType, locationId: grant.locationId, companyId: grant.companyId };
  }
}
