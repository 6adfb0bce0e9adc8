import { afterEach, describe, expect, it } from 'vitest';
import { ID_PATTERN } from '../src/sandbox/hoopai/data/ids';
import { SEED_ANCHOR_MS } from '../src/sandbox/hoopai/data/seed-contacts';
import { generateLocation } from '../src/sandbox/hoopai/data/seed';
import { DEFAULT_SEARCH_WINDOW, HoopaiStore } from '../src/sandbox/hoopai/data/store';
import type { LocationData } from '../src/sandbox/hoopai/data/types';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';

const [mumbai, beatline, nimbus] = SANDBOX_LOCATIONS as [typeof SANDBOX_LOCATIONS[number], typeof SANDBOX_LOCATIONS[number], typeof SANDBOX_LOCATIONS[number]];
const DAY = 86_400_000;

function allData(store: HoopaiStore): LocationData[] {
  return SANDBOX_LOCATIONS.map((location) => store.location(location.id)!);
}

/** A comparable snapshot of a location's data (Maps are not JSON). */
function snapshot(data: LocationData) {
  return JSON.stringify({
    contacts: [...data.contacts.values()],
    conversations: [...data.conversations.values()],
    messages: [...data.messages.entries()],
  });
}

describe('HoopAI sandbox seed', () => {
  const store = new HoopaiStore();
  const data = allData(store);
  const contacts = data.flatMap((location) => [...location.contacts.values()]);
  const conversations = data.flatMap((location) => [...location.conversations.values()]);
  const messages = data.flatMap((location) => [...location.messages.values()].flat());

  it('has the sizes the locations declare, and enough of everything to page through', () => {
    for (const location of SANDBOX_LOCATIONS) {
      expect(store.location(location.id)!.contacts.size).toBe(location.contactCount);
      expect(store.location(location.id)!.conversations.size).toBe(location.conversationCount);
    }
    expect(store.location(mumbai.id)!.contacts.size).toBe(2500);
    expect(contacts.length).toBeGreaterThanOrEqual(3800);
    expect(conversations.length).toBeGreaterThanOrEqual(1000);
    expect(messages.length).toBeGreaterThanOrEqual(20_000);
  });

  it('uses unique HighLevel-shaped ids everywhere', () => {
    const ids = [...contacts, ...conversations, ...messages].map((record) => record.id);
    expect(ids.filter((id) => !ID_PATTERN.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives contacts realistic, location-unique fields spread over about two years', () => {
    for (const location of data) {
      const emails = [...location.contacts.values()].flatMap((c) => (c.email ? [c.email.toLowerCase()] : []));
      const phones = [...location.contacts.values()].flatMap((c) => (c.phone ? [c.phone] : []));
      expect(new Set(emails).size).toBe(emails.length);
      expect(new Set(phones).size).toBe(phones.length);
    }
    const malformed = contacts.filter(
      (c) =>
        !/\S/.test(c.firstName ?? '') ||
        (c.phone !== undefined && !/^\+[1-9]\d{9,13}$/.test(c.phone)) ||
        (c.email !== undefined && !/^[^@\s]+@[^@\s]+\.[a-z.]+$/i.test(c.email)) ||
        c.dateAdded > SEED_ANCHOR_MS ||
        c.dateAdded < SEED_ANCHOR_MS - 731 * DAY ||
        c.dateUpdated < c.dateAdded,
    );
    expect(malformed).toEqual([]);
    const added = contacts.map((c) => c.dateAdded);
    expect(Math.min(...added)).toBeLessThan(SEED_ANCHOR_MS - 650 * DAY);
    expect(Math.max(...added)).toBeGreaterThan(SEED_ANCHOR_MS - 30 * DAY);
    const share = (predicate: (c: (typeof contacts)[number]) => boolean) => contacts.filter(predicate).length / contacts.length;
    expect(share((c) => c.tags.length > 0)).toBeGreaterThan(0.5);
    expect(share((c) => Boolean(c.companyName))).toBeGreaterThan(0.5);
    expect(share((c) => Boolean(c.email))).toBeGreaterThan(0.85);
    expect(new Set(contacts.map((c) => c.source)).size).toBeGreaterThanOrEqual(5);
    expect(share((c) => c.dnd)).toBeGreaterThan(0);
  });

  it('mixes Indian and English-speaking contacts in every location', () => {
    for (const location of [mumbai, beatline, nimbus]) {
      const phones = [...store.location(location.id)!.contacts.values()].map((c) => c.phone ?? '');
      const indian = phones.filter((phone) => phone.startsWith('+91')).length / phones.length;
      if (location === mumbai) expect(indian).toBeGreaterThan(0.6);
      else expect(indian).toBeGreaterThan(0.1);
      expect(indian).toBeLessThan(location === mumbai ? 0.9 : 0.4);
    }
  });

  it('has contacts imported together that share one dateAdded', () => {
    const byDate = new Map<number, number>();
    for (const contact of store.location(nimbus.id)!.contacts.values()) byDate.set(contact.dateAdded, (byDate.get(contact.dateAdded) ?? 0) + 1);
    expect(Math.max(...byDate.values())).toBeGreaterThanOrEqual(20);
  });

  it('keeps conversations and messages consistent with their contacts', () => {
    const problems: string[] = [];
    for (const location of data) {
      const contactsWithConversation = new Set<string>();
      for (const conversation of location.conversations.values()) {
        const contact = location.contacts.get(conversation.contactId);
        const thread = location.messages.get(conversation.id) ?? [];
        const where = `conversation ${conversation.id}`;
        if (!contact) problems.push(`${where}: contact missing`);
        if (contactsWithConversation.has(conversation.contactId)) problems.push(`${where}: second conversation of its contact`);
        contactsWithConversation.add(conversation.contactId);
        if (thread.length === 0) problems.push(`${where}: no messages`);
        if (thread.some((m) => m.conversationId !== conversation.id || m.contactId !== conversation.contactId || m.locationId !== conversation.locationId)) {
          problems.push(`${where}: a message points elsewhere`);
        }
        if (thread.some((m, i) => i > 0 && m.dateAdded < thread[i - 1]!.dateAdded)) problems.push(`${where}: messages out of order`);
        if (conversation.lastMessageDate !== thread.at(-1)?.dateAdded || conversation.lastMessageBody !== thread.at(-1)?.body) {
          problems.push(`${where}: last message fields disagree with the thread`);
        }
        if (contact && thread[0] && thread[0].dateAdded < contact.dateAdded) problems.push(`${where}: starts before its contact existed`);
      }
    }
    expect(problems).toEqual([]);
    expect(Math.max(...[...data[0]!.messages.values()].map((thread) => thread.length))).toBeGreaterThan(100);
  });

  it('gives conversations distinct date sort values within a location, so date cursors are exact', () => {
    for (const location of data) {
      const list = [...location.conversations.values()];
      for (const field of ['lastMessageDate', 'dateAdded', 'dateUpdated', 'lastManualMessageDate'] as const) {
        const values = list.flatMap((c) => (c[field] === undefined ? [] : [c[field]]));
        expect(new Set(values).size, field).toBe(values.length);
      }
    }
  });

  it('mentions Hoopr tracks in a few message bodies, in both forms', () => {
    const bodies = messages.map((m) => m.body);
    const uris = bodies.filter((body) => /hoopr:track\/[a-z0-9-]+/.test(body));
    const links = bodies.filter((body) => /https:\/\/hoopr\.ai\/tracks\/[a-z0-9-]+/.test(body));
    expect(uris.length).toBeGreaterThan(50);
    expect(links.length).toBeGreaterThan(50);
    expect((uris.length + links.length) / bodies.length).toBeLessThan(0.1);
    expect(bodies.join('\n')).toContain('midnight-drive');
  });

  it('is deterministic: generating a location twice gives the same data', () => {
    expect(snapshot(generateLocation(nimbus))).toBe(snapshot(generateLocation(nimbus)));
    expect(snapshot(new HoopaiStore().location(beatline.id)!)).toBe(snapshot(store.location(beatline.id)!));
  });
});

describe('HoopaiStore', () => {
  const savedWindow = process.env.HOOPAI_SANDBOX_SEARCH_WINDOW;
  afterEach(() => {
    if (savedWindow === undefined) delete process.env.HOOPAI_SANDBOX_SEARCH_WINDOW;
    else process.env.HOOPAI_SANDBOX_SEARCH_WINDOW = savedWindow;
  });

  it('gives every store its own copy of the seed', () => {
    const a = new HoopaiStore();
    const b = new HoopaiStore();
    const contact = [...a.location(nimbus.id)!.contacts.values()][0]!;
    a.deleteContact(contact);
    expect(a.contact(contact.id)).toBeUndefined();
    expect(b.contact(contact.id)?.email).toBe(contact.email);
    expect(new HoopaiStore().contact(contact.id)).toBeDefined();
  });

  it('finds records of any location by id, and nothing for unknown ids', () => {
    const store = new HoopaiStore();
    const conversation = [...new HoopaiStore().location(beatline.id)!.conversations.values()][3]!;
    expect(store.conversation(conversation.id)?.locationId).toBe(beatline.id);
    expect(store.contact(conversation.contactId)?.locationId).toBe(beatline.id);
    expect(store.contact('AAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(store.location('not-a-location')).toBeUndefined();
  });

  it('reset() forgets writes and restarts the id sequence', () => {
    const store = new HoopaiStore();
    const pristine = snapshot(new HoopaiStore().location(mumbai.id)!);
    const conversation = [...store.location(mumbai.id)!.conversations.values()][0]!;
    const first = store.receiveInboundMessage(mumbai.id, conversation.contactId, 'hello?');
    store.deleteContact(store.contact([...store.location(mumbai.id)!.contacts.keys()][5]!)!);
    expect(snapshot(store.location(mumbai.id)!)).not.toBe(pristine);

    store.reset();
    expect(snapshot(store.location(mumbai.id)!)).toBe(pristine);
    const again = store.receiveInboundMessage(mumbai.id, conversation.contactId, 'hello?');
    expect(again.message.id).toBe(first.message.id);
  });

  it('hands out strictly increasing write timestamps', () => {
    const store = new HoopaiStore();
    const now = Date.now();
    const stamps = [store.timestamp(now), store.timestamp(now), store.timestamp(now - 1000), store.timestamp(now + 5)];
    expect(stamps).toEqual([now, now + 1, now + 2, now + 5]);
  });

  it('simulates an inbound message: stored, unread bumped, InboundMessage returned for the caller to emit', () => {
    const store = new HoopaiStore();
    const conversation = [...store.location(nimbus.id)!.conversations.values()][0]!;
    const unreadBefore = conversation.unreadCount;
    const result = store.receiveInboundMessage(nimbus.id, conversation.contactId, 'Is the studio free tomorrow?');
    expect(result.conversation.id).toBe(conversation.id);
    expect(conversation.unreadCount).toBe(unreadBefore + 1);
    expect(conversation.lastMessageBody).toBe('Is the studio free tomorrow?');
    expect(conversation.lastMessageDirection).toBe('inbound');
    expect(store.messages(conversation).at(-1)).toBe(result.message);
    expect(result.event).toMatchObject({
      type: 'InboundMessage',
      locationId: nimbus.id,
      payload: {
        type: 'InboundMessage',
        locationId: nimbus.id,
        contactId: conversation.contactId,
        conversationId: conversation.id,
        messageId: result.message.id,
        body: 'Is the studio free tomorrow?',
        direction: 'inbound',
        messageType: 'SMS',
      },
    });
    expect(() => store.receiveInboundMessage(beatline.id, conversation.contactId, 'wrong location')).toThrow();
    expect(() => store.receiveInboundMessage(nimbus.id, conversation.contactId, 'hi', 'Fax')).toThrow();
  });

  it('reads the search window from HOOPAI_SANDBOX_SEARCH_WINDOW, an option overriding it', () => {
    delete process.env.HOOPAI_SANDBOX_SEARCH_WINDOW;
    expect(new HoopaiStore().searchWindowLimit).toBe(DEFAULT_SEARCH_WINDOW);
    process.env.HOOPAI_SANDBOX_SEARCH_WINDOW = '250';
    expect(new HoopaiStore().searchWindowLimit).toBe(250);
    expect(new HoopaiStore({ searchWindowLimit: 40 }).searchWindowLimit).toBe(40);
    process.env.HOOPAI_SANDBOX_SEARCH_WINDOW = 'lots';
    expect(() => new HoopaiStore()).toThrow(/HOOPAI_SANDBOX_SEARCH_WINDOW/);
  });
});
