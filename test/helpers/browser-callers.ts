import { createHash } from 'node:crypto';
import { SCOPES } from '../../src/auth/viewer';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../../src/sandbox/hoopai/locations';
import type { SandboxControl } from './upstream-sandbox-control';

/** Shared by the tests of browser callers (CORS and CSRF): over sockets and in chromium. */

/** The API key of the configured caller `browser`, every scope, the first sandbox location. */
export const BROWSER_KEY = 'browser-caller-test-key';
export const BROWSER_LOCATION_ID = SANDBOX_LOCATIONS[0]!.id;

/** A gateway outside sandbox mode, calling the sandboxes at these URLs, with the `browser` caller. */
export function liveGatewayEnv(upstreams: { hoopr: string; hoopai: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    // No listener of its own for /metrics: several gateways run side by side.
    METRICS_PORT: 'off',
    HOOPR_BASE_URL: upstreams.hoopr,
    HOOPR_CLIENT_ID: 'sandbox-client',
    HOOPR_CLIENT_SECRET: 'hpr_test_sandbox_secret',
    HOOPAI_BASE_URL: upstreams.hoopai,
    HOOPAI_PRIVATE_INTEGRATION_KEYS: `${BROWSER_LOCATION_ID}:${privateIntegrationKey(BROWSER_LOCATION_ID)}`,
    API_KEYS: JSON.stringify([
      { name: 'browser', sha256: createHash('sha256').update(BROWSER_KEY).digest('hex'), scopes: [...SCOPES], locations: [BROWSER_LOCATION_ID] },
    ]),
    ...extra,
  };
}

/** The write a forged request would want: it reaches HoopAI whenever it runs. */
export const CREATE_CONTACT = `mutation { createContact(input: { locationId: "${BROWSER_LOCATION_ID}", firstName: "Csrf", email: "csrf.victim@example.com" }) {
  __typename ... on CreateContactPayload { contact { id } } } }`;

/** Every call the sandboxes saw since their last reset: requests of every route, and token grants. */
export async function upstreamCalls(controls: readonly SandboxControl[]): Promise<number> {
  const all = await Promise.all(controls.map((control) => control.stats()));
  return all.reduce((sum, stats) => sum + stats.tokenGrants + Object.values(stats.requests).reduce((a, b) => a + b, 0), 0);
}
