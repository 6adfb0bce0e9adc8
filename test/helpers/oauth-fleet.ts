import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../../src/sandbox/hoopai/locations';
import type { FleetProcess, Sandboxes } from './fleet';

/**
 * Gateway processes whose HoopAI locations all use OAuth (refresh tokens single-use, as
 * upstream), in shared mode: what the token tests of several instances need.
 */

export const OAUTH_LOCATIONS = SANDBOX_LOCATIONS.map((location) => location.id);

/** The settings on top of `startGateways`' defaults: `oauth` locations by OAuth (the others by private key), tokens shared through `redis`. */
export function oauthFleetEnv(
  sandboxes: Sandboxes,
  redis: { url: string; prefix: string; tokenStoreKey: string },
  oauth: readonly string[] = OAUTH_LOCATIONS,
): Record<string, string> {
  const byKey = OAUTH_LOCATIONS.filter((id) => !oauth.includes(id));
  return {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    // These gateways share 2 CPUs with the sandboxes and other test runs, and their event loops
    // lag by seconds under the load tests: a Redis answer read that late is not a Redis failure.
    REDIS_COMMAND_TIMEOUT_MS: '3000',
    TOKEN_STORE_KEY: redis.tokenStoreKey,
    HOOPAI_PRIVATE_INTEGRATION_KEYS: byKey.map((id) => `${id}:${privateIntegrationKey(id)}`).join(','),
    HOOPAI_OAUTH_LOCATIONS: oauth.join(','),
    HOOPAI_OAUTH_CLIENT_ID: 'sandbox-app',
    HOOPAI_OAUTH_CLIENT_SECRET: 'sandbox-app-secret',
    // Never visited: the test takes the code from the consent page's redirect and hands it to a gateway itself.
    HOOPAI_OAUTH_REDIRECT_URI: 'http://127.0.0.1:9/oauth/callback',
    HOOPAI_OAUTH_CONSENT_URL: `${sandboxes.hoopai}/oauth/chooselocation`,
  };
}

export function newTokenStoreKey(): string {
  return randomBytes(32).toString('base64');
}

/** Installs the app for `locationId` through one gateway, as an admin's browser would; its log tells why when it fails. */
export async function installLocation(gateway: FleetProcess, locationId: string): Promise<void> {
  const gatewayUrl = new URL(gateway.announced).origin;
  try {
    await install(gatewayUrl, locationId);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the gateway logged: ${gateway.stderr()}`);
  }
}

async function install(gatewayUrl: string, locationId: string): Promise<void> {
  const start = await fetch(`${gatewayUrl}/oauth/install?locationId=${locationId}`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`install answered ${start.status}: ${await start.text()}`);
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}: ${await consent.text()}`);
  const callback = new URL(consent.headers.get('location')!);
  const answer = await fetch(`${gatewayUrl}/oauth/callback${callback.search}`, { headers: { cookie, accept: 'application/json' } });
  if (answer.status !== 200) throw new Error(`callback answered ${answer.status}: ${await answer.text()}`);
  await answer.body?.cancel();
}

/** The version of each location's pair in Redis: it grows by one with every pair written (each refresh). */
export async function pairVersions(url: string, prefix: string): Promise<Record<string, number>> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const versions: Record<string, number> = {};
    for (const locationId of OAUTH_LOCATIONS) {
      versions[locationId] = Number((await redis.hget(`${prefix}tokens:hoopai/location/${locationId}`, 'version')) ?? 0);
    }
    return versions;
  } finally {
    redis.disconnect();
  }
}
