import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { startGateway } from '../src/server/start';
import { MemoryDeliveryClaims } from '../src/server/webhooks/delivery-claims';
import { effectsOf, readWebhook } from '../src/server/webhooks/hoopai-webhook';
import { publishedWebhookKeys } from '../src/server/webhooks/published-keys';
import { deliver, signedDelivery } from './helpers/webhook-delivery';

/**
 * The vendor's documented payloads (../shared/upstream/hoopai/webhooks/, read in place) as
 * the receiver reads them, the keys shipped in keys/, and the settings' validation.
 */

const WEBHOOK_DOCS = resolve(import.meta.dirname, '../../shared/upstream/hoopai/webhooks');
const DOCS_MISSING = !existsSync(WEBHOOK_DOCS);
if (DOCS_MISSING) console.warn(`webhooks-payloads: documented-example checks skipped: ${WEBHOOK_DOCS} is absent`);

const example = (file: string) => JSON.parse(readFileSync(join(WEBHOOK_DOCS, file), 'utf8')) as Record<string, unknown>;
const read = (payload: Record<string, unknown>) => readWebhook(Buffer.from(JSON.stringify({ ...payload, timestamp: '2025-01-28T14:35:00Z', webhookId: 'abc123xyz' })))!;

describe.skipIf(DOCS_MISSING)('the documented examples', () => {
  it('each example of an event the gateway acts on yields the change it names', () => {
    const contact = example('ContactUpdate.example.json');
    expect(effectsOf(read(contact), 1).events).toEqual([{ kind: 'contact', change: 'updated', locationId: contact.locationId, contactId: contact.id, at: 1 }]);
    expect(effectsOf(read(example('ContactCreate.example.json')), 1).events[0]).toMatchObject({ kind: 'contact', change: 'created' });
    expect(effectsOf(read(example('ContactDelete.example.json')), 1).events[0]).toMatchObject({ kind: 'contact', change: 'deleted' });
    expect(effectsOf(read(example('ContactTagUpdate.example.json')), 1).events[0]).toMatchObject({ kind: 'contact', change: 'updated' });
    expect(effectsOf(read(example('ContactDndUpdate.example.json')), 1).events[0]).toMatchObject({ kind: 'contact', change: 'updated' });

    const inbound = example('InboundMessage.example.json');
    expect(effectsOf(read(inbound), 1).events).toEqual([
      { kind: 'conversation', change: 'updated', locationId: inbound.locationId, conversationId: inbound.conversationId, contactId: inbound.contactId, at: 1 },
      { kind: 'message', direction: 'inbound', messageId: null, locationId: inbound.locationId, conversationId: inbound.conversationId, contactId: inbound.contactId, at: 1 },
    ]);
    // A call logged as OutboundMessage with direction inbound: the payload's direction wins.
    expect(effectsOf(read(example('InboundMessage.example2.json')), 1).events[1]).toMatchObject({ kind: 'message', direction: 'inbound', messageId: 'tyW42xCD0HQpb3hhfLcx' });
    expect(effectsOf(read(example('OutboundMessage.example3.json')), 1).events[1]).toMatchObject({ kind: 'message', direction: 'outbound' });

    const unread = example('ConversationUnreadWebhook.example.json');
    expect(read(unread).typeLabel).toBe('ConversationUnreadUpdate');
    expect(effectsOf(read(unread), 1).events).toEqual([{ kind: 'conversation', change: 'updated', locationId: unread.locationId, conversationId: unread.id, contactId: unread.contactId, at: 1 }]);
  });

  it('installs and uninstalls, of a location or of an agency', () => {
    const uninstall = example('AppUninstall.example.json');
    expect(effectsOf(read(uninstall), 1)).toEqual({
      at: 1,
      events: [{ kind: 'app', change: 'uninstalled', locationId: uninstall.locationId, companyId: null, contactId: null, at: 1 }],
      install: { change: 'uninstalled', locationId: uninstall.locationId, companyId: undefined },
    });
    // An agency uninstall names no location: no location event, the agency's tokens go.
    expect(effectsOf(read(example('AppUninstall.example2.json')), 1)).toEqual({ at: 1, events: [], install: { change: 'uninstalled', locationId: undefined, companyId: 'otg8dTQqGLh3Q6iQI55w' } });
    expect(effectsOf(read(example('AppInstall.example.json')), 1).install).toEqual({ change: 'installed', locationId: 'otg8dTQqGLh3Q6iQI55w', companyId: 'otg8dTQqGLh3Q6iQI55w' });
    expect(effectsOf(read(example('AppInstall.example3.json')), 1).events).toEqual([]);
  });

  it('reads every example, and ignores what it does not act on', () => {
    const files = readdirSync(WEBHOOK_DOCS).filter((file) => file.includes('.example'));
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) expect(read(example(file)).typeLabel, file).not.toBe('other');
    expect(effectsOf(read({ type: 'OpportunityCreate', locationId: 've9EPM428h8vShlRW1KT', id: 'o1' }), 1)).toEqual({ at: 1, events: [] });
    // A location id that could not be a topic is never published.
    expect(effectsOf(read({ type: 'ContactUpdate', locationId: 'a:b*', id: 'c1' }), 1)).toEqual({ at: 1, events: [] });
  });
});

describe('delivery ids and timestamps', () => {
  it('uses webhookId, or the SHA-256 of the body when there is none; reads ISO and epoch-ms timestamps', () => {
    expect(read({ type: 'ContactUpdate' }).deliveryId).toBe('abc123xyz');
    const body = Buffer.from(JSON.stringify({ type: 'ContactUpdate', timestamp: 1_700_000_000_000 }));
    expect(readWebhook(body)!.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(readWebhook(body)!.timestamp).toBe(1_700_000_000_000);
    expect(read({}).timestamp).toBe(Date.parse('2025-01-28T14:35:00Z'));
    expect(readWebhook(Buffer.from('"text"'))).toBeUndefined();
    expect(readWebhook(Buffer.from('{not json'))).toBeUndefined();
  });
});

describe('keys', () => {
  it('ships HoopAI’s published keys: an Ed25519 key and the 4096-bit RSA key', () => {
    const keys = publishedWebhookKeys();
    expect(keys.ed25519.map((key) => key.asymmetricKeyType)).toEqual(['ed25519']);
    expect(keys.rsa.map((key) => [key.asymmetricKeyType, key.asymmetricKeyDetails?.modulusLength])).toEqual([['rsa', 4096]]);
  });

  it('in front of the real HoopAI (not sandbox mode) the published keys are used: the sandbox’s signature is refused', async () => {
    const sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
    const location = SANDBOX_LOCATIONS[0]!.id;
    const gateway = await startGateway(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        METRICS_PORT: 'off',
        HOOPR_SANDBOX_PORT: '0',
        HOOPAI_BASE_URL: sandbox.url,
        HOOPAI_PRIVATE_INTEGRATION_KEYS: `${location}:${privateIntegrationKey(location)}`,
      }),
      createLogger({ level: 'silent' }),
    );
    try {
      const answer = await deliver(gateway.url, await signedDelivery({ type: 'ContactUpdate', locationId: location, id: 'c1' }));
      expect(answer.status).toBe(401);
      expect(answer.body.errors[0].extensions.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    } finally {
      await gateway.close(1_000);
      await sandbox.close();
    }
  });

  it.skipIf(DOCS_MISSING)('the shipped RSA key is the one the vendor documents', () => {
    const documented = readFileSync(join(WEBHOOK_DOCS, 'x-wh-signature.public-key.pem'), 'utf8');
    const shipped = publishedWebhookKeys().rsa[0]!.export({ type: 'spki', format: 'pem' }).toString();
    expect(shipped.trim()).toBe(documented.trim());
  });

  it('settings: several PEMs in one variable, and a clear error naming the variable for a wrong or unreadable key', () => {
    const pem = (type: 'ed25519' | 'rsa') =>
      generateKeyPairSync(type as 'ed25519', type === 'rsa' ? ({ modulusLength: 1024 } as object) : {}).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const config = loadConfig({ HOOPAI_WEBHOOK_ED25519_PUBLIC_KEY: pem('ed25519') + pem('ed25519') });
    expect(config.webhooks.ed25519Keys).toHaveLength(2);
    expect(config.webhooks.rsaKeys).toBeUndefined();
    expect(config.webhooks).toMatchObject({ toleranceMs: 300_000, maxBytes: 262_144, queueSize: 1_000, rememberedDeliveries: 100_000 });
    expect(loadConfig({ HOOPAI_WEBHOOK_REMEMBERED_DELIVERIES: '5000' }).webhooks.rememberedDeliveries).toBe(5_000);

    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ HOOPAI_WEBHOOK_RSA_PUBLIC_KEY: pem('ed25519') })).toEqual(['HOOPAI_WEBHOOK_RSA_PUBLIC_KEY: key 1 is of type ed25519, expected rsa']);
    expect(problems({ HOOPAI_WEBHOOK_ED25519_PUBLIC_KEY: 'not a key' })[0]).toMatch(/^HOOPAI_WEBHOOK_ED25519_PUBLIC_KEY: expected one or more PEM public keys/);
    expect(problems({ HOOPAI_WEBHOOK_QUEUE_SIZE: '0' })[0]).toMatch(/^HOOPAI_WEBHOOK_QUEUE_SIZE/);
    expect(problems({ HOOPAI_WEBHOOK_REMEMBERED_DELIVERIES: 'lots' })[0]).toMatch(/^HOOPAI_WEBHOOK_REMEMBERED_DELIVERIES/);
  });

  it('remembers at most HOOPAI_WEBHOOK_REMEMBERED_DELIVERIES ids: past the bound the oldest is forgotten first', async () => {
    const claims = new MemoryDeliveryClaims({ ttlMs: 600_000, maxEntries: 2 });
    expect(await claims.claim('a')).toBe(true);
    expect(await claims.claim('b')).toBe(true);
    expect(await claims.claim('a')).toBe(false);
    expect(await claims.claim('c')).toBe(true);
    // 'a' was claimed first: the one forgotten to make room for 'c' (a redelivery of it is applied again).
    expect(await claims.claim('c')).toBe(false);
    expect(await claims.claim('a')).toBe(true);
  });
});
