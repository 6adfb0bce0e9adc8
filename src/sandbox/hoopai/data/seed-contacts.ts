import type { Faker } from '@faker-js/faker';
import type { SandboxLocation } from '../locations';
import type { IdGenerator } from './ids';
import type { ContactRecord, DndChannel, DndSetting } from './types';

/**
 * Seed contacts for one location. Everything comes from the seeded fakers handed in, so the
 * same location always gets the same contacts, in the same order.
 */

/** "Now" for the seed: fixed, so dates never drift between starts. */
export const SEED_ANCHOR_MS = Date.UTC(2026, 10, 1);
const DAY_MS = 86_400_000;
const SEED_SPAN_MS = 730 * DAY_MS;

const TAGS = [
  'lead', 'customer', 'vip', 'newsletter', 'wedding-2026', 'corporate-event', 'music-licensing',
  'hoopr-pro', 'instagram-lead', 'facebook-ad', 'webinar', 'trial', 'churn-risk', 'bollywood',
  'indie', 'podcast', 'ad-agency', 'youtuber', 'follow-up', 'hot-lead',
];
const SOURCES = ['public api', 'website form', 'facebook form', 'instagram', 'referral', 'manual', 'chat widget', 'zapier'];
const GENRES = ['Bollywood', 'Lo-fi', 'EDM', 'Indie Pop', 'Hip Hop', 'Classical', 'Jazz', 'Ambient'];
const BUDGETS = ['< 500 USD', '500-2,000 USD', '2,000-10,000 USD', '> 10,000 USD'];
const TIMEZONES: Record<string, string> = { IN: 'Asia/Kolkata', US: 'America/New_York', GB: 'Europe/London' };
const DND_CHANNELS: DndChannel[] = ['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB'];

/** Contacts that arrive together in one CSV import share one `dateAdded`, as real imports do. */
const IMPORT_BATCHES = 6;

export interface LocationSeedContext {
  location: SandboxLocation;
  /** The location's own locale (en_IN for Mumbai, en elsewhere). */
  local: Faker;
  /** The other locale, for the mix every real contact list has. */
  other: Faker;
  localCountry: string;
  /** Country of the contacts `other` makes. */
  otherCountry: string;
  ids: IdGenerator;
  /** The location's team: conversation owners and senders of manual messages. */
  users: { id: string; firstName: string }[];
  customFieldIds: { genre: string; budget: string };
}

export function seedContacts(ctx: LocationSeedContext): ContactRecord[] {
  const { local, location } = ctx;
  const emails = new Set<string>();
  const phones = new Set<string>();
  const contacts: ContactRecord[] = [];
  for (let i = 0; i < location.contactCount; i++) {
    const faker = local.number.float() < 0.75 ? local : ctx.other;
    contacts.push(seedContact(ctx, faker, emails, phones));
  }
  for (let batch = 0; batch < IMPORT_BATCHES; batch++) {
    const importedAt = SEED_ANCHOR_MS - local.number.int({ min: 1, max: SEED_SPAN_MS / DAY_MS }) * DAY_MS;
    const start = local.number.int({ min: 0, max: contacts.length - 40 });
    const size = local.number.int({ min: 20, max: 40 });
    for (const contact of contacts.slice(start, start + size)) {
      contact.dateAdded = importedAt;
      contact.dateUpdated = Math.max(contact.dateUpdated, importedAt);
      contact.source = 'CSV import';
      if (!contact.tags.includes('imported')) contact.tags.push('imported');
    }
  }
  return contacts;
}

function seedContact(ctx: LocationSeedContext, faker: Faker, emails: Set<string>, phones: Set<string>): ContactRecord {
  const country = faker === ctx.local ? ctx.localCountry : ctx.otherCountry;
  const firstName = faker.person.firstName();
  const lastName = faker.number.float() < 0.95 ? faker.person.lastName() : undefined;
  const dateAdded = SEED_ANCHOR_MS - faker.number.int({ min: 0, max: SEED_SPAN_MS });
  const contact: ContactRecord = {
    id: ctx.ids.next(),
    locationId: ctx.location.id,
    firstName,
    ...(lastName ? { lastName } : {}),
    phone: uniquePhone(faker, country, phones),
    tags: faker.helpers.arrayElements(TAGS, { min: 0, max: 4 }),
    dnd: false,
    type: faker.number.float() < 0.25 ? 'customer' : 'lead',
    source: faker.helpers.arrayElement(SOURCES),
    country,
    timezone: TIMEZONES[country] ?? ctx.location.timezone,
    customFields: [],
    dateAdded,
    dateUpdated: faker.number.float() < 0.4 ? faker.number.int({ min: dateAdded, max: SEED_ANCHOR_MS }) : dateAdded,
  };
  if (faker.number.float() < 0.92) contact.email = uniqueEmail(faker, firstName, lastName, emails);
  if (faker.number.float() < 0.65) contact.companyName = faker.company.name();
  if (faker.number.float() < 0.6) contact.assignedTo = faker.helpers.arrayElement(ctx.users).id;
  if (faker.number.float() < 0.6) {
    contact.address1 = faker.location.streetAddress();
    contact.city = faker.location.city();
    contact.state = faker.location.state({ abbreviated: country !== 'IN' });
    contact.postalCode = faker.location.zipCode();
  }
  if (faker.number.float() < 0.35) {
    contact.dateOfBirth = faker.date.birthdate({ min: 18, max: 70, mode: 'age', refDate: SEED_ANCHOR_MS }).toISOString().slice(0, 10);
  }
  if (faker.number.float() < 0.15) contact.website = faker.internet.url();
  if (faker.number.float() < 0.4) {
    contact.customFields.push({ id: ctx.customFieldIds.genre, value: faker.helpers.arrayElement(GENRES) });
    if (faker.number.float() < 0.5) contact.customFields.push({ id: ctx.customFieldIds.budget, value: faker.helpers.arrayElement(BUDGETS) });
  }
  if (faker.number.float() < 0.04) {
    contact.dnd = true;
    contact.dndSettings = Object.fromEntries(
      DND_CHANNELS.map((channel): [DndChannel, DndSetting] => [channel, { status: 'active', message: 'Opted out by the contact', code: '101' }]),
    );
  }
  return contact;
}

/** E.164 numbers in each country's real mobile ranges, unique within the location. */
function uniquePhone(faker: Faker, country: string, taken: Set<string>): string {
  for (;;) {
    const phone =
      country === 'IN'
        ? `+91${faker.helpers.arrayElement(['6', '7', '8', '9'])}${faker.string.numeric(9)}`
        : country === 'GB'
          ? `+447${faker.string.numeric(9)}`
          : `+1${faker.number.int({ min: 2, max: 9 })}${faker.string.numeric(2)}${faker.number.int({ min: 2, max: 9 })}${faker.string.numeric(6)}`;
    if (!taken.has(phone)) {
      taken.add(phone);
      return phone;
    }
  }
}

/** The location refuses duplicate emails (case-insensitively), so the seed never has any. */
function uniqueEmail(faker: Faker, firstName: string, lastName: string | undefined, taken: Set<string>): string {
  const email = faker.internet.email({ firstName, ...(lastName ? { lastName } : {}) });
  let candidate = email;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = email.replace('@', `${n}@`);
  taken.add(candidate.toLowerCase());
  return candidate;
}
