import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../../src/sandbox/hoopai/locations';

/**
 * Gateway settings that treat an already running pair of sandboxes as the real upstreams
 * (the sandboxes' documented credentials, every HoopAI location by private key), so that
 * several gateways can share one pair and one set of upstream counters.
 */
export function sharedSandboxEnv(sandboxes: { hooprUrl: string; hoopaiUrl: string }): Record<string, string> {
  return {
    PORT: '0',
    // No listener of its own for /metrics: several gateways run side by side.
    METRICS_PORT: 'off',
    HOOPR_BASE_URL: sandboxes.hooprUrl,
    HOOPR_CLIENT_ID: 'sandbox-client',
    HOOPR_CLIENT_SECRET: 'hpr_test_sandbox_secret',
    HOOPAI_BASE_URL: sandboxes.hoopaiUrl,
    HOOPAI_PRIVATE_INTEGRATION_KEYS: SANDBOX_LOCATIONS.map((location) => `${location.id}:${privateIntegrationKey(location.id)}`).join(','),
    // Gateways sharing the sandbox's HoopAI budget; none may be the one that hits it.
    HOOPAI_RATE_LIMIT_PER_10S: '100000',
  };
}
