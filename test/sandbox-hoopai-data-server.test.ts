import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';

/**
 * The data routes inside the real HoopAI sandbox: private integration keys as bearers, the
 * `Version` header, and the shared control plane counting by route pattern and location.
 */
const A = SANDBOX_LOCATIONS[1]!.id;
const B = SANDBOX_LOCATIONS[2]!.id;

let sandbox: RunningHoopaiSandbox;
beforeAll(async () => {
  sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
});
afterAll(() => sandbox?.close());

async function call(method: string, path: string, options: { key?: string; version?: string | null; body?: unknown } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${options.key ?? privateIntegrationKey(A)}` };
  if (options.version !== null) headers.version = options.version ?? '2021-07-28';
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('data routes behind the HoopAI sandbox gate', () => {
  it('serve search, reads and writes to a private integration key with Version: 2021-07-28', async () => {
    await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' });
    const search = await call('POST', '/contacts/search', { body: { locationId: A, pageLimit: 3 } });
    expect(search.status).toBe(200);
    expect(search.body.total).toBe(SANDBOX_LOCATIONS[1]!.contactCount);
    const contactId = search.body.contacts[0].id as string;
    expect((await call('GET', `/contacts/${contactId}`)).body.contact.id).toBe(contactId);

    const conversations = await call('GET', `/conversations/search?locationId=${A}&limit=1`, { version: '2021-04-15' });
    expect(conversations.body.total).toBe(SANDBOX_LOCATIONS[1]!.conversationCount);
    const conversation = conversations.body.conversations[0];
    const sent = await call('POST', '/conversations/messages', { body: { type: 'SMS', contactId: conversation.contactId, message: 'via the gate' } });
    expect(sent).toMatchObject({ status: 200, body: { conversationId: conversation.id } });
    const messages = await call('GET', `/conversations/${conversation.id}/messages?limit=1`);
    expect(messages.body.messages.messages[0]).toMatchObject({ id: sent.body.messageId, body: 'via the gate' });

    const stats = (await (await fetch(`${sandbox.url}/__sandbox/stats`)).json()) as { requests: Record<string, number>; byLocation: Record<string, number> };
    expect(stats.requests).toMatchObject({
      'POST /contacts/search': 1,
      'GET /contacts/:contactId': 1,
      'GET /conversations/search': 1,
      'POST /conversations/messages': 1,
      'GET /conversations/:conversationId/messages': 1,
    });
    expect(stats.byLocation[A]).toBe(5);
  });

  it("answer another location's key with 403, and a missing Version or bearer before any data", async () => {
    const contactOfA = [...sandbox.store.location(A)!.contacts.keys()][0]!;
    expect(await call('GET', `/contacts/${contactOfA}`, { key: privateIntegrationKey(B) })).toEqual({
      status: 403,
      body: { statusCode: 403, message: 'The token does not have access to this location.' },
    });
    expect((await call('GET', `/contacts/${contactOfA}`, { version: null })).status).toBe(400);
    expect((await call('GET', `/contacts/${contactOfA}`, { key: 'pit-sandbox-nope' })).status).toBe(401);
  });
});
