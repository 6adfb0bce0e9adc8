/**
 * The API clients the sandbox knows. Mode follows the secret's prefix, as documented for
 * `hpr_test_` (CONTRACT.md, "Host and mode"); scopes are per client so the `search`
 * scope rule can be exercised.
 */

export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
}

export const HOOPR_SANDBOX_CREDENTIALS = {
  clientId: 'sandbox-client',
  clientSecret: 'hpr_test_sandbox_secret',
} as const;

export const HOOPR_SANDBOX_CLIENTS: readonly SandboxClient[] = [
  { ...HOOPR_SANDBOX_CREDENTIALS, scopes: ['catalog:read', 'search'] },
  { clientId: 'sandbox-client-nosearch', clientSecret: 'hpr_test_sandbox_nosearch', scopes: ['catalog:read'] },
  { clientId: 'sandbox-live-client', clientSecret: 'hpr_live_sandbox_secret', scopes: ['catalog:read', 'search'] },
];

export function findClient(clientId: string, clientSecret: string): SandboxClient | undefined {
  return HOOPR_SANDBOX_CLIENTS.find((client) => client.clientId === clientId && client.clientSecret === clientSecret);
}

/** `test` for `hpr_test_` secrets, `live` for `hpr_live_` ones. */
export function modeOf(clientSecret: string): 'test' | 'live' {
  return clientSecret.startsWith('hpr_live_') ? 'live' : 'test';
}
