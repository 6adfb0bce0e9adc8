import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HoopaiStore } from '../src/sandbox/hoopai/data/store';
import type { ContactRecord } from '../src/sandbox/hoopai/data/types';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { startDataHarness, type DataHarness } from './helpers/hoopai-data-harness';

const BIG = SANDBOX_LOCATIONS[0]!.id; // 2,500 contacts
const SMALL = SANDBOX_LOCATIONS[2]!.id; // 400 contacts
const OTHER = SANDBOX_LOCATIONS[1]!.id;
const seed = new HoopaiStore();
const contactsOf = (locationId: string) => [...seed.location(locationId)!.contacts.values()];

let api: DataHarness;
beforeAll(async () => {
  api = await startDataHarness();
});
afterAll(() => api.close());
beforeEach(() => {
  api.store.searchWindowLimit = 10_000;
});

async function search(body: Record<string, unknown>, as = String(body.locationId)) {
  return api.call('POST', '/contacts/search', { as, body });
}

/** Ids of the seed contacts a test-side predicate selects, to compare with what search returns. */
function expectedIds(locationId: string, predicate: (c: ContactRecord) => boolean): string[] {
  return contactsOf(locationId).filter(predicate).map((c) => c.id).sort();
}

async function allMatches(locationId: string, extra: Record<string, unknown>): Promise<string[]> {
  const { status, body } = await search({ locationId, pageLimit: 500, ...extra });
  expect(status).toBe(200);
  expect(body.contacts.length).toBe(body.total);
  return body.contacts.map((c: { id: string }) => c.id).sort();
}

describe('POST /contacts/search', () => {
  it('answers {contacts, total, traceId}, each contact with its own searchAfter and the search-only fields', async () => {
    const { status, body } = await search({ locationId: BIG, pageLimit: 25 });
    expect(status).toBe(200);
    expect(body.total).toBe(2500);
    expect(body.contacts).toHaveLength(25);
    expect(body.traceId).toMatch(/^[0-9a-f-]{36}$/);
    const newestFirst = [...contactsOf(BIG)].sort((a, b) => b.dateAdded - a.dateAdded || (a.id < b.id ? -1 : 1));
    expect(body.contacts.map((c: { id: string }) => c.id)).toEqual(newestFirst.slice(0, 25).map((c) => c.id));
    for (const contact of body.contacts) {
      const seeded = seed.contact(contact.id)!;
      expect(contact.searchAfter).toEqual([seeded.dateAdded, seeded.id]);
      expect(contact).not.toHaveProperty('address1');
      if (seeded.address1) expect(contact.address).toBe(seeded.address1);
      if (seeded.dateOfBirth) expect(contact.dateOfBirth).toBe(Date.parse(`${seeded.dateOfBirth}T00:00:00Z`));
    }
  });

  it('pages by page/pageLimit through a whole location, without duplicates or gaps', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const { body } = await search({ locationId: SMALL, pageLimit: 90, page });
      expect(body.total).toBe(400);
      seen.push(...body.contacts.map((c: { id: string }) => c.id));
    }
    expect(seen).toHaveLength(400);
    expect(new Set(seen).size).toBe(400);
    expect((await search({ locationId: SMALL, pageLimit: 90, page: 6 })).body.contacts).toEqual([]);
  });

  it('refuses page past the search window, and searchAfter continues from there to the end exactly', async () => {
    api.store.searchWindowLimit = 1000;
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const { status, body } = await search({ locationId: BIG, pageLimit: 250, page });
      expect(status).toBe(200);
      seen.push(...body.contacts.map((c: { id: string }) => c.id));
    }
    const beyond = await search({ locationId: BIG, pageLimit: 250, page: 5 });
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('searchAfter') });

    const lastOfWindow = (await search({ locationId: BIG, pageLimit: 250, page: 4 })).body.contacts.at(-1);
    const both = await search({ locationId: BIG, pageLimit: 250, page: 2, searchAfter: lastOfWindow.searchAfter });
    expect(both.status).toBe(400);

    let cursor = lastOfWindow.searchAfter;
    for (let requests = 0; cursor; requests++) {
      expect(requests).toBeLessThan(10);
      const { status, body } = await search({ locationId: BIG, pageLimit: 300, searchAfter: cursor });
      expect(status).toBe(200);
      expect(body.total).toBe(2500);
      seen.push(...body.contacts.map((c: { id: string }) => c.id));
      cursor = body.contacts.at(-1)?.searchAfter;
    }
    expect(seen).toHaveLength(2500);
    expect([...seen].sort()).toEqual(contactsOf(BIG).map((c) => c.id).sort());
    const order = seen.map((id) => seed.contact(id)!.dateAdded);
    expect(order).toEqual([...order].sort((a, b) => b - a));
  });

  it('validates pageLimit, locationId, query length, sort and the searchAfter shape (422)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ locationId: BIG }, 'pageLimit should not be empty'],
      [{ pageLimit: 10 }, 'locationId should not be empty'],
      [{ locationId: BIG, pageLimit: 501 }, 'pageLimit must not be greater than 500'],
      [{ locationId: BIG, pageLimit: 10, query: 'x'.repeat(76) }, 'query must be shorter than or equal to 75 characters'],
      [{ locationId: BIG, pageLimit: 10, sort: [{ field: 'shoeSize', direction: 'asc' }] }, 'sort.0.field must be one of'],
      [{ locationId: BIG, pageLimit: 10, searchAfter: [1] }, 'searchAfter must hold 2 values'],
      [{ locationId: BIG, pageLimit: 10, filters: [{ field: 'email', operator: 'like', value: 'x' }] }, 'filters.0.operator must be one of'],
      [{ locationId: BIG, pageLimit: 10, filters: [{ field: 'nope', operator: 'eq', value: 'x' }] }, 'filters.0.field must be one of'],
      [{ locationId: BIG, pageLimit: 10, filters: [{ group: 'XOR', filters: [] }] }, 'filters.0.group must be one of'],
    ];
    for (const [body, message] of cases) {
      const response = await search(body, BIG);
      expect(response.status, message).toBe(422);
      expect(response.body.error).toBe('Unprocessable Entity');
      expect(response.body.message.join(' | '), JSON.stringify(body)).toContain(message);
    }
  });

  it('checks the location against the token', async () => {
    expect((await search({ locationId: OTHER, pageLimit: 10 }, BIG)).status).toBe(403);
  });

  it('filters with eq / not_eq (case-insensitive), contains / not_contains, exists / not_exists and range', async () => {
    const sample = contactsOf(SMALL).find((c) => c.companyName && c.tags.length)!;
    const first = sample.firstName!;
    expect(await allMatches(SMALL, { filters: [{ field: 'firstName', operator: 'eq', value: first.toUpperCase() }] })).toEqual(
      expectedIds(SMALL, (c) => c.firstName?.toLowerCase() === first.toLowerCase()),
    );
    expect(await allMatches(SMALL, { filters: [{ field: 'tags', operator: 'eq', value: sample.tags[0] }] })).toEqual(
      expectedIds(SMALL, (c) => c.tags.includes(sample.tags[0]!)),
    );
    expect(await allMatches(SMALL, { filters: [{ field: 'email', operator: 'contains', value: 'GMAIL' }] })).toEqual(
      expectedIds(SMALL, (c) => Boolean(c.email?.toLowerCase().includes('gmail'))),
    );
    expect(await allMatches(SMALL, { filters: [{ field: 'source', operator: 'not_eq', value: 'referral' }] })).toEqual(
      expectedIds(SMALL, (c) => c.source !== 'referral'),
    );
    expect(await allMatches(SMALL, { filters: [{ field: 'companyName', operator: 'not_contains', value: 'and' }] })).toEqual(
      expectedIds(SMALL, (c) => !c.companyName?.toLowerCase().includes('and')),
    );
    expect(await allMatches(SMALL, { filters: [{ field: 'companyName', operator: 'not_exists' }] })).toEqual(expectedIds(SMALL, (c) => !c.companyName));
    expect(await allMatches(SMALL, { filters: [{ field: 'email', operator: 'exists' }] })).toEqual(expectedIds(SMALL, (c) => Boolean(c.email)));
    expect(await allMatches(SMALL, { filters: [{ field: 'dnd', operator: 'eq', value: true }] })).toEqual(expectedIds(SMALL, (c) => c.dnd));
    const from = '2025-06-01T00:00:00.000Z';
    const to = Date.parse('2025-12-31T00:00:00.000Z');
    expect(await allMatches(SMALL, { filters: [{ field: 'dateAdded', operator: 'range', value: { gte: from, lt: to } }] })).toEqual(
      expectedIds(SMALL, (c) => c.dateAdded >= Date.parse(from) && c.dateAdded < to),
    );
  });

  it('combines filters: top level AND, OR groups, and groups nested in groups', async () => {
    const [userA, userB] = [...new Set(contactsOf(SMALL).flatMap((c) => (c.assignedTo ? [c.assignedTo] : [])))].sort();
    const filters = [
      { field: 'email', operator: 'exists' },
      {
        group: 'OR',
        filters: [
          { field: 'assignedTo', operator: 'eq', value: userA },
          { group: 'AND', filters: [{ field: 'assignedTo', operator: 'eq', value: userB }, { field: 'type', operator: 'eq', value: 'customer' }] },
        ],
      },
    ];
    const expected = expectedIds(
      SMALL,
      (c) => Boolean(c.email) && (c.assignedTo === userA || (c.assignedTo === userB && c.type === 'customer')),
    );
    expect(expected.length).toBeGreaterThan(10);
    expect(await allMatches(SMALL, { filters })).toEqual(expected);
  });

  it('matches query on name, email, company and phone digits', async () => {
    const sample = contactsOf(SMALL).find((c) => c.companyName && c.email)!;
    const byLastName = sample.lastName!.toLowerCase();
    expect(await allMatches(SMALL, { query: byLastName })).toEqual(
      expectedIds(SMALL, (c) =>
        [`${c.firstName ?? ''} ${c.lastName ?? ''}`, c.email ?? '', c.companyName ?? ''].some((text) => text.toLowerCase().includes(byLastName)),
      ),
    );
    expect(await allMatches(SMALL, { query: sample.email })).toContain(sample.id);
    expect(await allMatches(SMALL, { query: sample.companyName })).toContain(sample.id);
    const digits = sample.phone!.slice(-7);
    expect(await allMatches(SMALL, { query: digits })).toEqual(expectedIds(SMALL, (c) => Boolean(c.phone?.includes(digits))));
  });

  it('sorts by the given fields (absent values last) and searchAfter follows that sort', async () => {
    const sort = [{ field: 'companyName', direction: 'asc' }, { field: 'firstName', direction: 'desc' }];
    const whole = (await search({ locationId: SMALL, pageLimit: 500, sort })).body.contacts as { id: string; companyName?: string; searchAfter: unknown[] }[];
    const companies = whole.map((c) => c.companyName?.toLowerCase() ?? null);
    const present = companies.filter((name): name is string => name !== null);
    expect(present).toEqual([...present].sort());
    expect(companies.slice(present.length).every((name) => name === null)).toBe(true);
    expect(whole[0]!.searchAfter).toHaveLength(3);

    const walked: string[] = [];
    let cursor: unknown[] | undefined;
    do {
      const { body } = await search({ locationId: SMALL, pageLimit: 60, sort, ...(cursor ? { searchAfter: cursor } : {}) });
      walked.push(...body.contacts.map((c: { id: string }) => c.id));
      cursor = body.contacts.at(-1)?.searchAfter;
    } while (cursor);
    expect(walked).toEqual(whole.map((c) => c.id));
  });
});
