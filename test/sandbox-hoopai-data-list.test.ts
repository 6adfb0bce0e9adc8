import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HoopaiStore } from '../src/sandbox/hoopai/data/store';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { startDataHarness, type DataHarness } from './helpers/hoopai-data-harness';

const SMALL = SANDBOX_LOCATIONS[2]!.id; // 400 contacts
const OTHER = SANDBOX_LOCATIONS[1]!.id;
const seed = new HoopaiStore();
const contactsOf = (locationId: string) => [...seed.location(locationId)!.contacts.values()];

let api: DataHarness;
beforeAll(async () => {
  api = await startDataHarness();
});
afterAll(() => api.close());

describe('GET /contacts/ (deprecated list)', () => {
  it('walks a location with startAfter + startAfterId: every contact once, oldest first, never the same cursor twice', async () => {
    const seen: string[] = [];
    const cursors = new Set<string>();
    let query: Record<string, string | number> = { locationId: SMALL, limit: 7 };
    for (;;) {
      const { status, body } = await api.call('GET', '/contacts/', { as: SMALL, query });
      expect(status).toBe(200);
      expect(body.meta.total).toBe(400);
      seen.push(...body.contacts.map((c: { id: string }) => c.id));
      if (!body.meta.nextPageUrl) break;
      const cursor = `${body.meta.startAfter}/${body.meta.startAfterId}`;
      expect(cursors.has(cursor)).toBe(false);
      cursors.add(cursor);
      expect(body.meta.nextPage).toBe(body.meta.currentPage + 1);
      query = { locationId: SMALL, limit: 7, startAfter: body.meta.startAfter, startAfterId: body.meta.startAfterId };
    }
    expect(seen).toHaveLength(400);
    expect(new Set(seen).size).toBe(400);
    const dates = seen.map((id) => seed.contact(id)!.dateAdded);
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
  });

  it('meta carries the page numbers and a nextPageUrl that can be followed as is', async () => {
    const first = await api.call('GET', '/contacts/', { as: SMALL, query: { locationId: SMALL, limit: 50 } });
    expect(first.body.meta).toMatchObject({ total: 400, currentPage: 1, nextPage: 2, prevPage: null });
    const next = await fetch(first.body.meta.nextPageUrl, { headers: { 'x-test-location': SMALL } });
    const second = (await next.json()) as { contacts: { id: string }[]; meta: Record<string, unknown> };
    expect(second.meta).toMatchObject({ currentPage: 2, prevPage: 1, nextPage: 3 });
    expect(second.contacts[0]!.id).not.toBe(first.body.contacts.at(-1).id);
    expect(second.contacts).toHaveLength(50);
  });

  it('treats startAfter alone as "added strictly later", and the pair as exact inside an import batch', async () => {
    const byDate = new Map<number, string[]>();
    for (const contact of contactsOf(SMALL)) byDate.set(contact.dateAdded, [...(byDate.get(contact.dateAdded) ?? []), contact.id]);
    const [batchDate, batchIds] = [...byDate.entries()].find(([, ids]) => ids.length >= 20)!;
    const sortedBatch = [...batchIds].sort();
    const dateOnly = await api.call('GET', '/contacts/', { as: SMALL, query: { locationId: SMALL, startAfter: batchDate, limit: 5 } });
    expect(dateOnly.body.contacts.every((c: { id: string }) => seed.contact(c.id)!.dateAdded > batchDate)).toBe(true);
    const pair = await api.call('GET', '/contacts/', {
      as: SMALL,
      query: { locationId: SMALL, startAfter: batchDate, startAfterId: sortedBatch[0]!, limit: 5 },
    });
    expect(pair.body.contacts.map((c: { id: string }) => c.id)).toEqual(sortedBatch.slice(1, 6));
  });

  it('filters by query, and validates limit and the cursor', async () => {
    const sample = contactsOf(SMALL).find((c) => c.email)!;
    const { body } = await api.call('GET', '/contacts/', { as: SMALL, query: { locationId: SMALL, query: sample.email!.toUpperCase() } });
    expect(body.contacts.map((c: { id: string }) => c.id)).toEqual([sample.id]);
    expect(body.meta).not.toHaveProperty('nextPageUrl');
    expect((await api.call('GET', '/contacts/', { as: SMALL, query: { locationId: SMALL, limit: 101 } })).body.message).toEqual([
      'limit must not be greater than 100',
    ]);
    expect((await api.call('GET', '/contacts/', { as: SMALL, query: { locationId: SMALL, startAfterId: 'AAAAAAAAAAAAAAAAAAAA' } })).status).toBe(400);
    expect((await api.call('GET', '/contacts/', { as: SMALL, query: { locationId: OTHER } })).status).toBe(403);
    expect((await api.call('GET', '/contacts/', { as: SMALL, query: {} })).status).toBe(422);
  });
});
