import type { SandboxResponse } from '../../common/types';
import type { LocationStatus } from './location-status';

const ACTIVE_ROUTE = /^\/__sandbox\/locations\/([^/]+)\/active$/;

/**
 * `POST /__sandbox/locations/<locationId>/active` `{"active": false}`: reproduces the
 * upstream's transient `Location is not active` refresh failure; `{"active": true}` ends it.
 */
export function oauthControlRoutes(locations: LocationStatus) {
  return (method: string, path: string, rawBody: Buffer): SandboxResponse | undefined => {
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
