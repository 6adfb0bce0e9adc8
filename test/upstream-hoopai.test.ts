import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { RateLimitedError, UpstreamError } from '../src/upstream/index';
import type { HoopaiLocationConfig } from '../src/upstream/index';
import { settleAll, testUpstreams, type TestUpstreams } from './helpers/upstream-gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

const [MUMBAI, BEATLINE, NIMBUS] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string, string];
const privateKeyLocations: HoopaiLocationConfig[] = [MUMBAI, BEATLINE].map((locationId) => ({
  locationId,
  auth: { kind: 'private-key', key: privateIntegrationKey(locationId) },
}));

let sandbox: Awaited<ReturnType<typeof startHoopaiSandbox>>;
let control: SandboxControl;
const opened: TestUpstreams[] = [];

beforeAll(async () => {
  sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  control = sandboxControl(sandbox.url);
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  await control.faults({});
  await control.reset();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((upstreams) => upstreams.close()));
});

function hoopai(overrides: Parameters<typeof testUpstreams>[0] = {}): TestUpstreams {
  const upstreams = testUpstreams({
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
    hoopai: { baseUrl: sandbox.url, locations: privateKeyLocations, ...overrides.hoopai },
  });
  opened.push(upstreams);
  return upstreams;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof UpstreamError ? error.code : undefined;
}

async function someContactId(upstreams: TestUpstreams, locationId: string): Promise<string> {
  const { contacts } = await upstreams.hoopai.searchContacts(locationId, { pageLimit: 1 });
  return contacts[0]!.id;
}

describe('HoopAI client against the sandbox (private integration keys)', () => {
  it('reads and writes contacts and conversations, with the Version header of each family', async () => {
    const { hoopai: client } = hoopai({ hoopai: { versions: { conversations: '2021-04-15' } } });
    const search = await client.searchContacts(MUMBAI, { pageLimit: 5, page: 1 });
    expect(search.contacts).toHaveLength(5);
    expect(search.total).toBeGreaterThan(5);
    const contact = await client.getContact(MUMBAI, search.contacts[0]!.id);
    expect(contact).toMatchObject({ id: search.contacts[0]!.id, locationId: MUMBAI });

    const created = await client.createContact(MUMBAI, { firstName: 'Ada', lastName: 'Lovelace', email: 'ada.gateway-test@example.com' });
    expect(created).toMatchObject({ firstName: 'Ada', locationId: MUMBAI });
    const updated = await client.updateContact(MUMBAI, created.id, { companyName: 'Analytical Engines' });
    expect(updated.companyName).toBe('Analytical Engines');
    expect((await client.addTags(MUMBAI, created.id, ['vip', 'beta'])).tags).toEqual(expect.arrayContaining(['vip', 'beta']));
    expect((await client.removeTags(MUMBAI, created.id, ['beta'])).tags).not.toContain('beta');
    expect(await client.deleteContact(MUMBAI, created.id)).toEqual({ succeeded: true });
    expect(codeOf(await client.getContact(MUMBAI, created.id).catch((error: unknown) => error))).toBe('NOT_FOUND');

    const conversations = await client.searchConversations(MUMBAI, { limit: 3 });
    expect(conversations.conversations).toHaveLength(3);
    const conversation = await client.getConversation(MUMBAI, conversations.conversations[0]!.id);
    expect(conversation.locationId).toBe(MUMBAI);
    const messages = await client.getMessages(MUMBAI, conversation.id, { limit: 5 });
    expect(messages.messages.length).toBeGreaterThan(0);
    expect(typeof messages.nextPage).toBe('boolean');

    const reachable = search.contacts.find((candidate) => candidate.phone && !candidate.dnd);
    const sent = await client.sendMessage(MUMBAI, { type: 'SMS', contactId: reachable!.id, message: 'Your track is ready' });
    expect(sent.conversationId).toEqual(expect.any(String));
  });

  it('is FORBIDDEN for a location without credentials, before any request', async () => {
    const upstreams = hoopai();
    const failure = await upstreams.hoopai.searchContacts(NIMBUS, { pageLimit: 1 }).catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('FORBIDDEN');
    expect((await control.stats()).byLocation[NIMBUS] ?? 0).toBe(0);
  });

  it('is FORBIDDEN for a contact of another location', async () => {
    const upstreams = hoopai();
    const beatlineContact = await someContactId(upstreams, BEATLINE);
    const failure = await upstreams.hoopai.getContact(MUMBAI, beatlineContact).catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('FORBIDDEN');
  });

  it('reports the upstream validation messages as BAD_USER_INPUT', async () => {
    const failure = await hoopai().hoopai.createContact(MUMBAI, { email: 'not-an-email' }).catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('BAD_USER_INPUT');
    expect((failure as UpstreamError).extensions.upstreamMessages).toEqual([expect.stringMatching(/email/)]);
  });
});

describe('failures of HoopAI', () => {
  it('with 20% injected 5xx every read succeeds, searches included', async () => {
    const { hoopai: client } = hoopai();
    await control.faults({ errorRate: 0.2, errorStatus: 500 });
    for (let i = 0; i < 20; i++) await client.searchContacts(MUMBAI, { pageLimit: 2, page: 1 + i });
    for (let i = 0; i < 10; i++) await client.searchConversations(MUMBAI, { limit: 2 });
  });

  it('a write answered 5xx is sent exactly once and fails', async () => {
    const { hoopai: client } = hoopai();
    await control.faults({ errorRate: 1, errorStatus: 503 });
    const failure = await client.createContact(MUMBAI, { firstName: 'Once' }).catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('UPSTREAM_UNAVAILABLE');
    expect(await control.requests('POST /contacts/')).toBe(1);
  });

  it('a message whose connection broke after sending is not sent again', async () => {
    const upstreams = hoopai();
    const contactId = await someContactId(upstreams, MUMBAI);
    await control.faults({ errorRate: 1, resetConnections: true });
    const failure = await upstreams.hoopai.sendMessage(MUMBAI, { type: 'SMS', contactId, message: 'hello' }).catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('UPSTREAM_UNAVAILABLE');
    expect(await control.requests('POST /conversations/messages')).toBe(1);
  });
});

describe('rate limits', () => {
  it('300 calls in a burst against 100 / 10 s: no 429, at most 100 sent, the rest RATE_LIMITED', async () => {
    const upstreams = hoopai({ hoopai: { rateLimit: { perWindow: 100, windowMs: 10_000 } } });
    await control.faults({ rateLimitPer10s: 100 });
    // Any deadline short of the 10 s interval: the callers over budget cannot be served in time.
    const deadline = Date.now() + 8_000;
    const { values, errors } = await settleAll(
      Array.from({ length: 300 }, (_, i) => upstreams.hoopai.searchContacts(MUMBAI, { pageLimit: 1, page: 1 + (i % 50) }, { deadline })),
    );
    const stats = await control.stats();
    expect(stats.rateLimited).toBe(0);
    // The burst ends well within one 10 s window, so "sent in total" bounds every window.
    expect(stats.byLocation[MUMBAI]).toBe(values.length);
    // The sandbox budget starts full after the reset: exactly the budget is used, not one more.
    expect(values).toHaveLength(100);
    expect(errors).toHaveLength(200);
    for (const error of errors) {
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
    }
  });

  it('learns a smaller upstream budget from the headers before it causes a 429', async () => {
    const upstreams = hoopai({ hoopai: { rateLimit: { perWindow: 100 } } });
    await control.faults({ rateLimitPer10s: 20 });
    const deadline = Date.now() + 8_000;
    const { values } = await settleAll(Array.from({ length: 60 }, () => upstreams.hoopai.searchConversations(MUMBAI, { limit: 1 }, { deadline })));
    const stats = await control.stats();
    expect(stats.rateLimited).toBe(0);
    expect(values).toHaveLength(20);
    expect(stats.byLocation[MUMBAI]).toBe(20);
  });

  it('after an upstream 429 (budget spent by another instance) backs off for the interval', async () => {
    await control.faults({ rateLimitPer10s: 10 });
    const other = hoopai();
    const ours = hoopai();
    await ours.hoopai.searchConversations(MUMBAI, { limit: 1 });
    await settleAll(Array.from({ length: 9 }, () => other.hoopai.searchConversations(MUMBAI, { limit: 1 })));
    const sentBefore = (await control.stats()).byLocation[MUMBAI];

    const first = await ours.hoopai.searchConversations(MUMBAI, { limit: 1 }, { deadline: Date.now() + 1_000 }).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(RateLimitedError);
    expect((first as RateLimitedError).retryAfterMs).toBeGreaterThan(5_000);
    const stats = await control.stats();
    expect(stats.rateLimited).toBe(1);
    // The next call does not even reach the upstream.
    const second = await ours.hoopai.searchConversations(MUMBAI, { limit: 1 }, { deadline: Date.now() + 1_000 }).catch((error: unknown) => error);
    expect(second).toBeInstanceOf(RateLimitedError);
    expect((await control.stats()).byLocation[MUMBAI]).toBe(stats.byLocation[MUMBAI]);
    expect(stats.byLocation[MUMBAI]! - sentBefore!).toBeLessThanOrEqual(1);
  });
});
