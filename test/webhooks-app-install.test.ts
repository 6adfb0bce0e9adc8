import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { startGateway, type RunningGateway } from '../src/server/start';
import { FileTokenStore } from '../src/upstream/index';
import { graphql } from './helpers/gateway';
import { controlPost } from './helpers/hoopai-sandbox';
import { NEEDS_REDIS, redisAnswers, useRedisPrefix } from './helpers/redis';
import { installThroughBrowser } from './helpers/upstream-oauth-gateway';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/**
 * AppUninstall and AppInstall for an OAuth location. The gateway runs as in production in front
 * of the HoopAI sandbox (OAuth app, encrypted token file, hashed API key), with the sandbox's
 * webhook keys configured through HOOPAI_WEBHOOK_*_PUBLIC_KEY; the sandbox emits the signed
 * deliveries: AppInstall when its consent page approves (or from `/__sandbox/app-install`),
 * AppUninstall from `/__sandbox/uninstall`, which also revokes the tokens. The refusal after an
 * uninstall is the webhook's doing: no call reaches HoopAI to learn of the revocation.
 */

const LOCATION = SANDBOX_LOCATIONS[1]!.id;
const KEY = 'webhook-install-test-key';
const TOKEN_KEY = randomBytes(32);
const dir = mkdtempSync(join(tmpdir(), 'hoop-webhook-install-'));
const tokenPath = join(dir, 'tokens.enc');

const REDIS_UP = await redisAnswers();
let sandbox: RunningHoopaiSandbox;
let gateway: RunningGateway;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** The gateway's settings in front of the sandbox, OAuth for LOCATION, its install routes at `installOrigin`. */
function oauthEnv(port: number, installOrigin: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    HOOPR_SANDBOX_PORT: '0',
    HOOPAI_BASE_URL: sandbox.url,
    HOOPAI_OAUTH_LOCATIONS: LOCATION,
    HOOPAI_OAUTH_CLIENT_ID: 'sandbox-app',
    HOOPAI_OAUTH_CLIENT_SECRET: 'sandbox-app-secret',
    HOOPAI_OAUTH_REDIRECT_URI: `${installOrigin}/oauth/callback`,
    HOOPAI_OAUTH_CONSENT_URL: `${sandbox.url}/oauth/chooselocation`,
    TOKEN_STORE_PATH: tokenPath,
    TOKEN_STORE_KEY: TOKEN_KEY.toString('base64'),
    API_KEYS: JSON.stringify([{ name: 'installs', sha256: createHash('sha256').update(KEY).digest('hex'), scopes: [...SCOPES], locations: [LOCATION] }]),
    HOOPAI_WEBHOOK_ED25519_PUBLIC_KEY: sandbox.webhookKeys.ed25519PublicKeyPem,
    // As env editors keep a multi-line value: `\n` as two characters.
    HOOPAI_WEBHOOK_RSA_PUBLIC_KEY: sandbox.webhookKeys.rsaPublicKeyPem.replace(/\n/g, '\\n'),
    ...extra,
  };
}

beforeAll(async () => {
  sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  const port = await freePort();
  gateway = await startGateway(loadConfig(oauthEnv(port, `http://127.0.0.1:${port}`)), createLogger({ level: 'silent' }));
  sandbox.setWebhookUrl(`${gateway.url}/webhooks/hoopai`);
});
afterAll(async () => {
  await gateway?.close(1_000);
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

const CONTACTS = `query($loc: ID!) { contacts(locationId: $loc, first: 2) { edges { node { id firstName } } } }`;
const askOn = (on: RunningGateway, query: string, variables: Record<string, unknown>) => graphql<any>(on.graphqlUrl, query, { key: KEY, variables });
const ask = (query: string, variables: Record<string, unknown>) => askOn(gateway, query, variables);
const upstreamRequests = async () => Object.values((await sandboxControl(sandbox.url).stats()).requests).reduce((sum, n) => sum + n, 0);
const storedRecord = () => new FileTokenStore({ path: tokenPath, key: TOKEN_KEY }).get(`hoopai/location/${LOCATION}`);

/** `/__sandbox/uninstall` also revokes the location's tokens at the sandbox, as HoopAI does; `/__sandbox/app-install` only sends the webhook. */
async function emitted(path: '/__sandbox/app-install' | '/__sandbox/uninstall', receiver = gateway): Promise<void> {
  expect((await controlPost(sandbox.url, path, { locationId: LOCATION })).status).toBeLessThan(300);
  await sandbox.webhooksIdle();
  await receiver.webhooks.idle();
}

describe('AppUninstall', () => {
  it('removes the location’s tokens: its next query fails with REAUTH_REQUIRED naming the install URL, without calling HoopAI', async () => {
    expect((await installThroughBrowser(gateway.url, `locationId=${LOCATION}`)).status).toBe(200);
    const served = await ask(CONTACTS, { loc: LOCATION });
    expect(served.body.errors).toBeUndefined();
    const contactId = served.body.data.contacts.edges[0].node.id as string;
    // Cached now: an uninstall must not leave it readable.
    expect((await ask(`query($id: ID!) { contact(id: $id) { firstName } }`, { id: contactId })).body.data.contact).not.toBeNull();

    await emitted('/__sandbox/uninstall');
    const calls = await upstreamRequests();
    const refused = await ask(`query($loc: ID!, $id: ID!) { contacts(locationId: $loc, first: 2) { totalCount } contact(id: $id) { firstName } }`, { loc: LOCATION, id: contactId });

    expect(refused.body.data).toEqual({ contacts: null, contact: null });
    expect(refused.body.errors).toHaveLength(2);
    for (const error of refused.body.errors!) {
      expect(error.message).toContain(`/oauth/install?locationId=${LOCATION}`);
      expect(error.extensions).toMatchObject({
        code: 'REAUTH_REQUIRED',
        locationId: LOCATION,
        installUrl: `${new URL(gateway.url).origin}/oauth/install?locationId=${LOCATION}`,
      });
    }
    expect(await upstreamRequests()).toBe(calls);
    const record = (await storedRecord())!;
    expect(record.tokens).toMatchObject({ accessToken: '', reauthRequired: true });
    expect(record.tokens.refreshToken).toBeUndefined();
    expect(record.tokens.uninstalledAt).toBeGreaterThan(0);
    const counts = await gateway.observability.metrics.registry.getSingleMetric('gateway_webhook_deliveries_total')!.get();
    expect(counts.values).toContainEqual(expect.objectContaining({ labels: { type: 'AppUninstall', outcome: 'accepted' }, value: 1 }));
  });

  it('AppInstall is recorded in the token store; the OAuth install then serves the location again', async () => {
    await emitted('/__sandbox/app-install');
    const record = (await storedRecord())!;
    expect(record.tokens.installedAt).toBeGreaterThan(0);
    expect(record.tokens.reauthRequired).toBeUndefined();
    // Installed, but its tokens come from the OAuth callback: until then, still the install URL.
    expect((await ask(CONTACTS, { loc: LOCATION })).body.errors?.[0]?.extensions?.code).toBe('REAUTH_REQUIRED');

    expect((await installThroughBrowser(gateway.url, `locationId=${LOCATION}`)).status).toBe(200);
    const served = await ask(CONTACTS, { loc: LOCATION });
    expect(served.body.errors).toBeUndefined();
    expect(served.body.data.contacts.edges).toHaveLength(2);
  });
});

if (!REDIS_UP) console.warn(`webhooks-app-install: the two-instance test is skipped ${NEEDS_REDIS}`);

describe.skipIf(!REDIS_UP)('an uninstall received by one instance, on the others', () => {
  const { url: redisUrl, prefix } = useRedisPrefix('webhooks-app-install');
  let b: RunningGateway | undefined;

  afterAll(async () => {
    await b?.close(1_000);
  });

  it('the other instance drops its tokens in memory on the event, and its next query is REAUTH_REQUIRED too', async () => {
    // A second instance on the same token store, sharing events with the first through Redis.
    const origin = new URL(gateway.url).origin;
    const shared = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix };
    await gateway.close(1_000);
    gateway = await startGateway(loadConfig(oauthEnv(Number(new URL(origin).port), origin, shared)), createLogger({ level: 'silent' }));
    b = await startGateway(loadConfig(oauthEnv(0, origin, shared)), createLogger({ level: 'silent' }));
    sandbox.setWebhookUrl(`${gateway.url}/webhooks/hoopai`);
    expect((await installThroughBrowser(gateway.url, `locationId=${LOCATION}`)).status).toBe(200);
    expect((await askOn(b, CONTACTS, { loc: LOCATION })).body.errors).toBeUndefined();

    const events = b.services.events.subscribeEveryLocation();
    try {
      await emitted('/__sandbox/uninstall');
      expect((await events.next()).value).toMatchObject({ kind: 'app', change: 'uninstalled', locationId: LOCATION, origin: gateway.services.events.instanceId });
    } finally {
      await events.return!();
    }
    await nextTurn();
    const calls = await upstreamRequests();
    const refused = await askOn(b, CONTACTS, { loc: LOCATION });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'REAUTH_REQUIRED', installUrl: `${origin}/oauth/install?locationId=${LOCATION}` });
    expect(await upstreamRequests()).toBe(calls);
  });
});
