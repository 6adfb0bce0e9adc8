import { describe, expect, it } from 'vitest';
import { CrmCache, type CrmContact } from '../src/upstream/crm-cache/index';
import { followRemoteChanges } from '../src/upstream/crm-cache/remote-changes';
import { locationTopic, MemoryEventBus } from '../src/upstream/events/index';

const ACME = 've9EPM428h8vShlRW1KT';

function contact(id: string, firstName: string): CrmContact {
  return {
    id,
    locationId: ACME,
    name: firstName,
    firstName,
    lastName: null,
    email: null,
    phone: null,
    companyName: null,
    tags: [],
    dnd: null,
    source: null,
    assignedTo: null,
    timezone: null,
    website: null,
    dateOfBirth: null,
    dateAdded: null,
    dateUpdated: null,
    lastActivity: null,
    address: null,
    customFields: [],
  };
}

describe('CrmCache reads in flight', () => {
  it('stores a read that nothing invalidated while it ran', () => {
    const cache = new CrmCache();
    const readSince = cache.mark();
    cache.putContact(ACME, contact('c1', 'Ada'), readSince);
    expect(cache.contact(ACME, 'c1')?.firstName).toBe('Ada');
  });

  it('does not store a read that was in flight when its contact was forgotten (the answer may predate the write)', () => {
    const cache = new CrmCache();
    const readSince = cache.mark();
    cache.forgetContact(ACME, 'c1');
    cache.putContact(ACME, contact('c1', 'stale'), readSince);
    expect(cache.contact(ACME, 'c1')).toBeUndefined();

    // Another contact forgotten meanwhile does not stop it; a read begun after the forget stores.
    const other = cache.mark();
    cache.forgetContact(ACME, 'c2');
    cache.putContact(ACME, contact('c1', 'fresh'), other);
    expect(cache.contact(ACME, 'c1')?.firstName).toBe('fresh');
  });

  it('does not store a read that was in flight when the whole cache was dropped', () => {
    const cache = new CrmCache();
    const readSince = cache.mark();
    cache.clear();
    cache.putContact(ACME, contact('c1', 'stale'), readSince);
    expect(cache.contact(ACME, 'c1')).toBeUndefined();
    cache.putContact(ACME, contact('c1', 'fresh'), cache.mark());
    expect(cache.contact(ACME, 'c1')?.firstName).toBe('fresh');
  });

  it('still refuses such a read when the record of the forget was pushed out for room', () => {
    const cache = new CrmCache({ maxEntries: 2 });
    const readSince = cache.mark();
    for (const id of ['c1', 'c2', 'c3']) cache.forgetContact(ACME, id);
    cache.putContact(ACME, contact('c1', 'stale'), readSince);
    expect(cache.contact(ACME, 'c1')).toBeUndefined();
  });
});

describe('following other instances’ changes', () => {
  it('leaves this instance’s own announcements alone: its writes already updated its cache', async () => {
    const cache = new CrmCache();
    const bus = new MemoryEventBus();
    followRemoteChanges(cache, bus);
    cache.putContact(ACME, contact('c1', 'written here'));
    await bus.publish(locationTopic(ACME, 'contact'), { kind: 'contact', change: 'updated', locationId: ACME, contactId: 'c1', at: 0 });
    // The follower's loop has had its turn: a later bus event reaches it only after this one.
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.contact(ACME, 'c1')?.firstName).toBe('written here');
    await bus.close();
  });
});
