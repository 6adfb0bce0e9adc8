import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { HoopaiStore } from '../src/sandbox/hoopai/data/store';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { call } from './helpers/hoopai-sandbox';
import { useDataHarness } from './helpers/hoopai-data-harness';
import { sandboxControl } from './helpers/upstream-sandbox-control';

const A = SANDBOX_LOCATIONS[2]!.id;
const seeded = [...new HoopaiStore().location(A)!.contacts.values()];

/** What the gateway's idempotency keys need from the HoopAI sandbox: the duplicate lookup, and writes whose answer is lost. */
describe('GET /contacts/search/duplicate', () => {
  const api = useDataHarness();

  it("answers the location's contact with that email (any case) or phone, and {contact: null} when none matches", async () => {
    const withEmail = seeded.find((contact) => contact.email)!;
    const withPhone = seeded.find((contact) => contact.phone)!;
    const byEmail = await api.call('GET', '/contacts/search/duplicate', { as: A, query: { locationId: A, email: withEmail.email!.toUpperCase() } });
    expect(byEmail).toMatchObject({ status: 200, body: { contact: { id: withEmail.id, locationId: A } } });
    const byPhone = await api.call('GET', '/contacts/search/duplicate', { as: A, query: { locationId: A, number: withPhone.phone! } });
    expect(byPhone).toMatchObject({ status: 200, body: { contact: { id: withPhone.id } } });
    const none = await api.call('GET', '/contacts/search/duplicate', { as: A, query: { locationId: A, email: 'nobody@example.invalid' } });
    expect(none).toEqual({ status: 200, body: { contact: null } });
  });

  it("refuses another location's lookup", async () => {
    const other = SANDBOX_LOCATIONS[1]!.id;
    const { status } = await api.call('GET', '/contacts/search/duplicate', { as: A, query: { locationId: other, email: 'x@example.com' } });
    expect([401, 403]).toContain(status);
  });
});

describe('the lostAnswerRate fault', () => {
  let sandbox: RunningHoopaiSandbox;
  beforeAll(async () => {
    sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => sandbox?.close());

  it('carries out the write, then resets the connection instead of answering; reads are answered', async () => {
    const control = sandboxControl(sandbox.url);
    await control.faults({ lostAnswerRate: 1 });
    const token = privateIntegrationKey(A);
    const email = `lost.${Date.now()}@example.com`;
    await expect(call(sandbox.url, 'POST', '/contacts/', { token, json: { locationId: A, firstName: 'Lost', email } })).rejects.toThrow();
    const found = await call(sandbox.url, 'GET', '/contacts/search/duplicate', { token, query: { locationId: A, email } });
    expect(found).toMatchObject({ status: 200, body: { contact: { firstName: 'Lost', email } } });
    expect(await control.requests('POST /contacts/')).toBe(1);
    await control.faults({});
  });
});
