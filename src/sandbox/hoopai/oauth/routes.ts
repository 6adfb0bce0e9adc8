import { apiRoute } from '../api-access';
import type { Router } from '../../common/router';
import { BROWSER_ROUTE, CLIENT_CREDENTIALS_ROUTE } from '../auth';
import { consentPage } from './consent';
import type { OAuthDeps } from './deps';
import { locationTokenEndpoint } from './location-token';
import { tokenEndpoint } from './token-endpoint';

/** The OAuth server: consent page, token endpoint, and location tokens from agency tokens. */
export function registerOAuthRoutes(router: Router, deps: OAuthDeps): void {
  const consent = consentPage(deps);
  router.get('/oauth/chooselocation', consent, BROWSER_ROUTE);
  router.get('/v2/oauth/chooselocation', consent, BROWSER_ROUTE);
  router.post('/oauth/token', tokenEndpoint(deps), { ...CLIENT_CREDENTIALS_ROUTE, tokenEndpoint: true });
  router.post('/oauth/locationToken', locationTokenEndpoint(deps), { ...apiRoute('oauth', 'oauth.write'), tokenEndpoint: true });
}
