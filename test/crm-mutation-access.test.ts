import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/auth/api-keys';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { encodeGlobalId } from '../src/schema/global-id';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

/**
 * Who may write is part of each mutation's typed result: a caller without a scope the
 * mutation needs, or writing to a location it may not use, gets `ForbiddenError`; a caller
 * with several locations that names none gets an `InputValidationError` on
 * `input.locationId`. All of it is decided before any upstream call.
 */

const [locationA, locationB] = SANDBOX_LOCATIONS.map((location) => location.id) as [string, string];
const READ_ONLY_KEY = 'mutation-access-read-only';
const NO_CATALOG_KEY = 'mutation-access-no-catalog';
const contactOf = (locationId: string) => encodeGlobalId('Contact', `${locationId}:aB3dE5gH7jK9mN1pQ2rS`);
const trackId = encodeGlobalId('Track', randomUUID());

/** One valid input per mutation, for a contact of `locationId` (well-formed; whether it exists is never asked). */
const MUTATIONS: { field: string; inputType: string; input(locationId: string): Record<string, unknown> }[] = [
  { field: 'createContact', inputType: 'CreateContactInput', input: (locationId) => ({ locationId, firstName: 'Ada' }) },
  { field: 'updateContact', inputType: 'UpdateContactInput', input: (locationId) => ({ id: contactOf(locationId), companyName: 'Acme' }) },
  { field: 'deleteContact', inputType: 'DeleteContactInput', input: (locationId) => ({ id: contactOf(locationId) }) },
  { field: 'addContactTags', inputType: 'ContactTagsInput', input: (locationId) => ({ contactId: contactOf(locationId), tags: ['vip'] }) },
  { field: 'removeContactTags', inputType: 'ContactTagsInput', input: (locationId) => ({ contactId: contactOf(locationId), tags: ['vip'] }) },
  { field: 'sendMessage', inputType: 'SendMessageInput', input: (locationId) => ({ contactId: contactOf(locationId), channel: 'SMS', message: 'Hi' }) },
  { field: 'shareTrack', inputType: 'ShareTrackInput', input: (locationId) => ({ contactId: contactOf(locationId), trackId, channel: 'SMS' }) },
];

describe('who may write, as typed mutation results', () => {
  let gateway: RunningGateway;
  let hoopai: SandboxControl;
  let hoopr: SandboxControl;

  async function mutate(field: string, inputType: string, input: Record<string, unknown>, key: string) {
    const query = `mutation($input: ${inputType}!) { result: ${field}(input: $input) {
      __typename
      ... on MutationError { code message }
      ... on ForbiddenError { missingScope locationId }
      ... on InputValidationError { fields { field message } } } }`;
    const { status, body } = await graphql<{ result: Record<string, unknown> }>(gateway.graphqlUrl, query, { key, variables: { input } });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    return body.data!.result;
  }

  /** Every upstream call either sandbox has counted since the last reset. */
  async function upstreamCalls(): Promise<number> {
    const counts = await Promise.all([hoopai.stats(), hoopr.stats()]);
    return counts.flatMap((stats) => Object.entries(stats.requests)).filter(([route]) => route !== 'POST /v1/auth/token').reduce((sum, [, n]) => sum + n, 0);
  }

  beforeAll(async () => {
    gateway = await startSandboxGateway({
      API_KEYS: JSON.stringify([
        { name: 'read-only', sha256: sha256Hex(READ_ONLY_KEY), scopes: ['crm:read', 'catalog:read'], locations: [locationA] },
        { name: 'no-catalog', sha256: sha256Hex(NO_CATALOG_KEY), scopes: ['crm:read', 'crm:write'], locations: [locationA] },
      ]),
    });
    hoopai = sandboxControl(gateway.sandboxes.hoopai!.url);
    hoopr = sandboxControl(gateway.sandboxes.hoopr!.url);
  });
  beforeEach(async () => {
    await Promise.all([hoopai.reset(), hoopr.reset()]);
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });

  it.each(MUTATIONS.map((mutation) => [mutation.field, mutation] as const))('%s: ForbiddenError for a missing scope or location', async (_, m) => {
    expect(await mutate(m.field, m.inputType, m.input(locationA), READ_ONLY_KEY)).toEqual({
      __typename: 'ForbiddenError',
      code: 'FORBIDDEN',
      message: 'This caller may not change CRM data: it needs the crm:write scope.',
      missingScope: 'crm:write',
      locationId: null,
    });
    expect(await mutate(m.field, m.inputType, m.input(locationB), `sandbox-key-${locationA}`)).toEqual({
      __typename: 'ForbiddenError',
      code: 'FORBIDDEN',
      message: `This caller may not use location ${locationB}.`,
      missingScope: null,
      locationId: locationB,
    });
    expect(await upstreamCalls()).toBe(0);
  });

  it('shareTrack: ForbiddenError for a caller without catalog:read', async () => {
    const share = MUTATIONS.find((mutation) => mutation.field === 'shareTrack')!;
    expect(await mutate(share.field, share.inputType, share.input(locationA), NO_CATALOG_KEY)).toMatchObject({
      __typename: 'ForbiddenError',
      missingScope: 'catalog:read',
      locationId: null,
    });
    expect(await upstreamCalls()).toBe(0);
  });

  it('createContact: an InputValidationError on input.locationId when a caller of several locations names none', async () => {
    const result = await mutate('createContact', 'CreateContactInput', { firstName: 'Ada', email: 'not-an-email' }, 'sandbox-dev-key');
    expect(result).toMatchObject({ __typename: 'InputValidationError', code: 'BAD_USER_INPUT' });
    expect(result.fields).toEqual([
      { field: 'input.locationId', message: `is required: this caller may use ${SANDBOX_LOCATIONS.length} locations (see viewer.locations)` },
      { field: 'input.email', message: 'must be an email address, e.g. name@example.com' },
    ]);
    expect(await upstreamCalls()).toBe(0);

    // A caller of one location may leave it out.
    const created = await mutate('createContact', 'CreateContactInput', { firstName: 'Ada', email: `ada.${randomUUID()}@example.com` }, `sandbox-key-${locationA}`);
    expect(created.__typename).toBe('CreateContactPayload');
    expect(await hoopai.requests('POST /contacts/')).toBe(1);
  });
});
