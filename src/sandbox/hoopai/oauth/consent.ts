import type { Handler, SandboxResponse } from '../../common/types';
import { SANDBOX_LOCATIONS, SANDBOX_OAUTH_APP } from '../locations';
import { appInstallEvent } from './app-events';
import type { OAuthDeps } from './deps';
import { companyInstall, locationInstall, SANDBOX_SCOPES } from './install';

/**
 * The consent page (`/oauth/chooselocation`, and `/v2/oauth/chooselocation` as the real
 * marketplace URL has it). A browser URL: no bearer, no `Version`. The sandbox
 * auto-approves and redirects to `redirect_uri?code=…` (+ `state` passed through).
 *
 * Sandbox extensions: `locationId` picks the location (default: the first one);
 * `user_type=Company` or `userType=Company` makes an agency install approved for every
 * location. Any absolute http(s) `redirect_uri` is accepted (the sandbox app has no
 * registered list); the code exchange must repeat the same one if it sends one. Each
 * approval emits `AppInstall`.
 */
export function consentPage(deps: OAuthDeps): Handler {
  return (req) => {
    const query = req.query;
    if (query.get('client_id') !== SANDBOX_OAUTH_APP.clientId) return errorPage('Unknown client_id: this app is not registered.');
    if (query.get('response_type') !== 'code') return errorPage('response_type must be "code".');
    const redirectUri = absoluteHttpUrl(query.get('redirect_uri'));
    if (!redirectUri) return errorPage('redirect_uri must be an absolute http(s) URL.');

    const scope = query.get('scope')?.trim() || SANDBOX_SCOPES.join(' ');
    const asCompany = query.get('user_type') === 'Company' || query.get('userType') === 'Company';
    const locationId = query.get('locationId') ?? SANDBOX_LOCATIONS[0]!.id;
    if (!asCompany && !deps.locations.isKnown(locationId)) return errorPage(`No sandbox location ${locationId}.`);
    const install = asCompany ? companyInstall(scope) : locationInstall(locationId, scope);

    const target = new URL(redirectUri);
    target.searchParams.set('code', deps.registry.issueCode(install, redirectUri));
    // The app is installed once the admin approves, whether or not it ever exchanges the code.
    deps.webhooks.emit(appInstallEvent(install, deps.now()));
    const state = query.get('state');
    if (state !== null) target.searchParams.set('state', state);
    return { status: 302, headers: { location: target.toString() } };
  };
}

function absoluteHttpUrl(raw: string | null): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? raw : undefined;
  } catch {
    return undefined;
  }
}

function errorPage(message: string): SandboxResponse {
  const escaped = message.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const html = `<!doctype html><title>Install failed</title><h1>Install failed</h1><p>${escaped}</p>\n`;
  return { status: 400, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(html) };
}
