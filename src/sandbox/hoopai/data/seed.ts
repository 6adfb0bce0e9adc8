import { Faker, base, en, en_IN } from '@faker-js/faker';
import { SANDBOX_LOCATIONS, type SandboxLocation } from '../locations';
import { IdGenerator, seedFrom } from './ids';
import { seedContacts, type LocationSeedContext } from './seed-contacts';
import { seedConversations } from './seed-conversations';
import type { LocationData } from './types';

/**
 * The deterministic seed: the same data on every start, generated once per process and
 * per location on first use, then only ever copied (stores mutate their copy).
 */

const pristine = new Map<string, LocationData>();

/** A private, mutable copy of a location's seed data. */
export function seedLocationData(locationId: string): LocationData {
  let data = pristine.get(locationId);
  if (!data) {
    const location = SANDBOX_LOCATIONS.find((candidate) => candidate.id === locationId);
    if (!location) throw new Error(`no sandbox location ${locationId}`);
    data = generateLocation(location);
    pristine.set(locationId, data);
  }
  return structuredClone(data);
}

/** Builds a location's data from scratch; exported so tests can prove it is deterministic. */
export function generateLocation(location: SandboxLocation): LocationData {
  const ctx = seedContext(location);
  const contacts = seedContacts(ctx);
  const { conversations, messages } = seedConversations(ctx, contacts);
  return {
    contacts: new Map(contacts.map((contact) => [contact.id, contact])),
    conversations: new Map(conversations.map((conversation) => [conversation.id, conversation])),
    messages,
  };
}

function seedContext(location: SandboxLocation): LocationSeedContext {
  const indian = new Faker({ locale: [en_IN, en, base] });
  const english = new Faker({ locale: [en, base] });
  indian.seed(seedFrom(`${location.id}:en_IN`));
  english.seed(seedFrom(`${location.id}:en`));
  const isIndianLocation = location.timezone === 'Asia/Kolkata';
  const local = isIndianLocation ? indian : english;
  const ids = new IdGenerator(seedFrom(`${location.id}:ids`));
  return {
    location,
    local,
    other: isIndianLocation ? english : indian,
    localCountry: isIndianLocation ? 'IN' : location.timezone === 'Europe/London' ? 'GB' : 'US',
    otherCountry: isIndianLocation ? 'US' : 'IN',
    ids,
    users: Array.from({ length: 5 }, () => ({ id: ids.next(), firstName: local.person.firstName() })),
    customFieldIds: { genre: ids.next(), budget: ids.next() },
  };
}
