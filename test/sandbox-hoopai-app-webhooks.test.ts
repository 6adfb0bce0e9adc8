import { verify } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { HoopaiStore } from '../src/sandbox/hoopai/data/store';
import { privateIntegrationKey, SANDBOX_COMPANY_ID, SANDBOX_LOCATIONS, SANDBOX_OAUTH_APP } from '../src/sandbox/hoopai/locations';
import { call, controlPost, install, stats, tokenRequest, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './helpers/hoopai-sandbox';
import { HOOPAI_UPSTREAM_MISSING, HOOPAI_UPSTREAM_MISSING_REASON, HoopaiOpenApi } from './helpers/openapi-validator';

/**
 * The webhooks the sandbox sends at the moments the platform does: `AppInstall` when the
 * consent page approves an install, `AppUninstall` when an admin uninstalls (a control
 * route that also revokes that location's or agency's tokens), `ConversationUnreadWebhook`
 * whenever a conversation's unread count changes. Payloads are checked against the
 * documented schemas and examples when ../shared is present.
 */
if (HOOPAI_UPSTREAM_MISSING) console.warn(`sandbox-hoopai-app-webhooks: documented-shape checks skipped: ${HOOPAI_UPSTREAM_MISSING_REASON}`);

const [A, B] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];
const conversationOfB = [...new HoopaiStore().location(B)!.conversations.values()].find((c) => c.unreadCount > 0)!;

let sandbox: RunningHoopaiSandbox;
let receiver: WebhookReceiver;
let url: string;
let openapi: HoopaiOpenApi | undefined;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1', webhookUrl: receiver.url });
  url = sandbox.url;
  openapi = HOOPAI_UPSTREAM_MISSING ? undefined : new HoopaiOpenApi();
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});
beforeEach(async () => {
  await controlPost(url, '/__sandbox/reset');
  receiver.received.length = 0;
});

async function delivered(): Promise<ReceivedWebhook[]> {
  await sandbox.webhooksIdle();
  return receiver.received.splice(0);
}

function signed(delivery: ReceivedWebhook): boolean {
  return verify(null, delivery.rawBody, sandbox.webhookKeys.ed25519PublicKeyPem, Buffer.from(String(delivery.headers['x-ghl-signature']), 'base64'));
}

/**
 * The documented schema, and exactly the keys of the documented example (plus timestamp and
 * webhookId). AppInstall.schema.json types `trialStartDate` as "Date", which is no JSON
 * Schema type, so that file cannot be compiled: its payloads are held to the examples' keys
 * and an ISO date instead.
 */
function expectDocumented(schema: string, example: string, payload: Record<string, unknown>): void {
  if (!openapi) return;
  if (schema === 'AppInstall') {
    const trialStart = (payload.trial as { trialStartDate?: string } | undefined)?.trialStartDate;
    expect(new Date(trialStart ?? '').toISOString()).toBe(trialStart);
  } else {
    expect(openapi.validateWebhook(schema, payload).errors, schema).toEqual([]);
  }
  expect(Object.keys(payload).filter((key) => key !== 'timestamp' && key !== 'webhookId').sort(), example).toEqual(openapi.webhookExampleKeys(example).sort());
}

describe('AppInstall', () => {
  it('is sent when the consent page approves a location install, shaped like the documented example', async () => {
    const token = await install(url, { locationId: B });
    const [delivery, ...rest] = await delivered();
    expect(rest).toEqual([]);
    expect(delivery!.json).toMatchObject({
      type: 'INSTALL',
      appId: SANDBOX_OAUTH_APP.appId,
      locationId: B,
      companyId: SANDBOX_COMPANY_ID,
      userId: token.userId,
      planId: token.planId,
      timestamp: expect.any(String),
      webhookId: expect.any(String),
    });
    expect(signed(delivery!)).toBe(true);
    expectDocumented('AppInstall', 'AppInstall.example', delivery!.json);
  });

  it('names only the company for an agency install, as the agency example does', async () => {
    await install(url, { user_type: 'Company' });
    const [delivery] = await delivered();
    expect(delivery!.json).toMatchObject({ type: 'INSTALL', appId: SANDBOX_OAUTH_APP.appId, companyId: SANDBOX_COMPANY_ID });
    expect(delivery!.json).not.toHaveProperty('locationId');
    expectDocumented('AppInstall', 'AppInstall.example3', delivery!.json);
  });
});

describe('AppUninstall', () => {
  it('from a location: revokes its tokens (minted ones too), keeps the agency, and is sent once', async () => {
    const location = await install(url, { locationId: A });
    const agency = await install(url, { user_type: 'Company' });
    const mint = (locationId: string) =>
      call(url, 'POST', '/oauth/locationToken', { token: agency.access_token, form: { companyId: SANDBOX_COMPANY_ID, locationId } });
    const minted = (await mint(A)).body;
    await delivered();

    const answer = await controlPost(url, '/__sandbox/uninstall', { locationId: A });
    // The install's pair and the minted pair at least (the registry outlives the reset, as installs do).
    expect(answer.body).toEqual({ uninstalled: { locationId: A }, revokedTokens: expect.any(Number) });
    expect(answer.body.revokedTokens).toBeGreaterThanOrEqual(4);
    const [delivery, ...rest] = await delivered();
    expect(rest).toEqual([]);
    expect(delivery!.json).toMatchObject({ type: 'UNINSTALL', appId: SANDBOX_OAUTH_APP.appId, locationId: A });
    expectDocumented('AppUninstall', 'AppUninstall.example', delivery!.json);

    const search = (token: string) => call(url, 'POST', '/contacts/search', { token, json: { locationId: A, pageLimit: 1 } });
    expect((await search(location.access_token)).status).toBe(401);
    expect((await search(minted.access_token)).status).toBe(401);
    const refresh = await tokenRequest(url, { grant_type: 'refresh_token', refresh_token: location.refresh_token });
    expect(refresh.body).toEqual({ statusCode: 400, message: 'Invalid grant: refresh token is invalid' });
    // The agency stays installed, but no longer for A; a private integration key is no app install.
    expect((await mint(A)).status).toBe(403);
    expect((await mint(B)).status).toBe(200);
    expect((await search(privateIntegrationKey(A))).status).toBe(200);
  });

  it('from the agency: every token of the company dies; the webhook names the company', async () => {
    const agency = await install(url, { user_type: 'Company' });
    const location = await install(url, { locationId: B });
    await delivered();
    expect((await controlPost(url, '/__sandbox/uninstall', { companyId: SANDBOX_COMPANY_ID })).body.revokedTokens).toBeGreaterThanOrEqual(4);
    const [delivery] = await delivered();
    expect(delivery!.json).toMatchObject({ type: 'UNINSTALL', companyId: SANDBOX_COMPANY_ID });
    expectDocumented('AppUninstall', 'AppUninstall.example2', delivery!.json);
    expect((await tokenRequest(url, { grant_type: 'refresh_token', refresh_token: agency.refresh_token })).status).toBe(400);
    expect((await tokenRequest(url, { grant_type: 'refresh_token', refresh_token: location.refresh_token })).status).toBe(400);
  });

  it('refuses an unknown location or company and a body naming neither, and sends nothing', async () => {
    expect((await controlPost(url, '/__sandbox/uninstall', { locationId: 'noSuchLocation' })).status).toBe(404);
    expect((await controlPost(url, '/__sandbox/uninstall', { companyId: 'noSuchCompany' })).status).toBe(404);
    expect((await controlPost(url, '/__sandbox/uninstall', {})).status).toBe(400);
    expect((await controlPost(url, '/__sandbox/uninstall', { locationId: A, companyId: SANDBOX_COMPANY_ID })).status).toBe(400);
    expect(await delivered()).toEqual([]);
  });
});

describe('ConversationUnreadWebhook', () => {
  const put = (body: Record<string, unknown>) =>
    call(url, 'PUT', `/conversations/${conversationOfB.id}`, { token: privateIntegrationKey(B), version: '2021-04-15', json: { locationId: B, ...body } });

  it('is sent when a conversation is marked read, and again when marked unread; starring alone sends none', async () => {
    const read = await put({ unreadCount: 0 });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ success: true, conversation: { id: conversationOfB.id, unreadCount: 0, deleted: false } });
    if (openapi) {
      expect(openapi.validateResponse('conversations', 'PUT', '/conversations/{conversationId}', 200, read.body).errors).toEqual([]);
    }
    const [delivery, ...rest] = await delivered();
    expect(rest).toEqual([]);
    expect(delivery!.json).toMatchObject({
      type: 'ConversationUnreadUpdate',
      locationId: B,
      id: conversationOfB.id,
      contactId: conversationOfB.contactId,
      unreadCount: 0,
      deleted: false,
    });
    expectDocumented('ConversationUnreadWebhook', 'ConversationUnreadWebhook.example', delivery!.json);

    expect((await put({ unreadCount: 0, starred: true })).status).toBe(200);
    expect(await delivered()).toEqual([]);
    await put({ unreadCount: 2 });
    expect((await delivered()).map((d) => d.json.unreadCount)).toEqual([2]);
  });

  it('needs conversations.write and the conversation’s own location; refusals send nothing', async () => {
    const readOnly = (await install(url, { locationId: B, scope: 'conversations.readonly' })).access_token;
    await delivered();
    const refused = await call(url, 'PUT', `/conversations/${conversationOfB.id}`, { token: readOnly, json: { locationId: B, unreadCount: 0 } });
    expect(refused.status).toBe(401);
    const foreign = await call(url, 'PUT', `/conversations/${conversationOfB.id}`, { token: privateIntegrationKey(A), json: { locationId: A, unreadCount: 0 } });
    expect(foreign.status).toBe(403);
    expect((await put({ unreadCount: -1 })).status).toBe(422);
    expect(await delivered()).toEqual([]);
    expect((await stats(url)).requests['PUT /conversations/:conversationId']).toBe(3);
  });
});
