import type { SandboxResponse } from '../../common/types';
import { SANDBOX_COMPANY_ID } from '../locations';
import { appUninstallEvent, type UninstallTarget } from './app-events';
import type { OAuthDeps } from './deps';

const ACTIVE_ROUTE = /^\/__sandbox\/locations\/([^/]+)\/active$/;

/**
 * Sandbox-only OAuth controls (never counted, never faulted):
 * - `POST /__sandbox/locations/<locationId>/active` `{"active": false}`: reproduces the
 *   upstream's transient `Location is not active` refresh failure; `{"active": true}` ends it.
 * - `POST /__sandbox/uninstall` `{"locationId"}` or `{"companyId"}`: an admin uninstalls the
 *   app from a location (every token of that location dies, minted ones included) or from
 *   the agency (every token of the company dies); emits `AppUninstall`. Answers
 *   `{uninstalled, revokedTokens}`.
 */
export function oauthControlRoutes(deps: Pick<OAuthDeps, 'locations' | 'registry' | 'webhooks'>) {
  const { locations } = deps;
  return (method: string, path: string, rawBody: Buffer): SandboxResponse | undefined => {
    if (method === 'POST' && path === '/__sandbox/uninstall') return uninstall(deps, rawBody);
    const match = method === 'POST' ? ACTIVE_ROUTE.exec(path) : null;
    if (!match) return undefined;
    const locationId = match[1]!;
    if (!locations.isKnown(locationId)) return { status: 404, body: { error: `no sandbox location ${locationId}` } };
    let active: unknown;
    try {
      active = (JSON.parse(rawBody.toString('utf8') || 'null') as { active?: unknown } | null)?.active;
    } catch {
      return { status: 400, body: { error: 'body must be JSON' } };
    }
    if (typeof active !== 'boolean') return { status: 400, body: { error: 'expected {"active": true|false}' } };
    locations.setActive(locationId, active);
    return { status: 200, body: { locationId, active } };
  };
}

function uninstall(deps: Pick<OAuthDeps, 'locations' | 'registry' | 'webhooks'>, rawBody: Buffer): SandboxResponse {
  let input: { locationId?: unknown; companyId?: unknown } | null;
  try {
    input = JSON.parse(rawBody.toString('utf8') || 'null') as typeof input;
  } catch {
    return { status: 400, body: { error: 'body must be JSON' } };
  }
  let target: UninstallTarget;
  if (typeof input?.locationId === 'string' && input.companyId === undefined) {
    if (!deps.locations.isKnown(input.locationId)) return { status: 404, body: { error: `no sandbox location ${input.locationId}` } };
    target = { locationId: input.locationId };
  } else if (typeof input?.companyId === 'string' && input.locationId === undefined) {
    if (input.companyId !== SANDBOX_COMPANY_ID) return { status: 404, body: { error: `no sandbox company ${input.companyId}` } };
    target = { companyId: input.companyId };
  } else {
    return { status: 400, body: { error: 'expected {"locationId": "…"} or {"companyId": "…"}' } };
  }
  const revokedTokens = deps.registry.revoke((install) =>
    'locationId' in target ? install.locationId === target.locationId : install.companyId === target.companyId,
  );
  if ('locationId' in target) deps.registry.unapprove(target.locationId);
  deps.webhooks.emit(appUninstallEvent(target));
  return { status: 200, body: { uninstalled: target, revokedTokens } };
}
