import type { ContactRecord } from './types';
import { compact } from './json';

/**
 * The wire shapes of a contact. The live API renders one contact differently per route:
 * `GET /contacts/:id` (GetContectByIdSchema), search (`address` instead of `address1`,
 * `dateOfBirth` in epoch ms, a `searchAfter` cursor), the deprecated list, and webhooks.
 * Absent values are left out rather than sent as null, as the live API does.
 */

export function fullName(contact: ContactRecord): string {
  return [contact.firstName, contact.lastName].filter(Boolean).join(' ');
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const birthDateIso = (date: string | undefined) => (date ? `${date}T00:00:00.000Z` : undefined);

/** `GET /contacts/:id`, `PUT`, upsert. */
export function toContact(contact: ContactRecord): Record<string, unknown> {
  const name = fullName(contact);
  return compact({
    id: contact.id,
    name: name || undefined,
    locationId: contact.locationId,
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    emailLowerCase: contact.email?.toLowerCase(),
    timezone: contact.timezone,
    companyName: contact.companyName,
    phone: contact.phone,
    dnd: contact.dnd,
    dndSettings: contact.dndSettings,
    type: contact.type,
    source: contact.source,
    assignedTo: contact.assignedTo,
    address1: contact.address1,
    city: contact.city,
    state: contact.state,
    country: contact.country,
    postalCode: contact.postalCode,
    website: contact.website,
    tags: [...contact.tags],
    dateOfBirth: birthDateIso(contact.dateOfBirth),
    dateAdded: iso(contact.dateAdded),
    dateUpdated: iso(contact.dateUpdated),
    firstNameLowerCase: contact.firstName?.toLowerCase(),
    lastNameLowerCase: contact.lastName?.toLowerCase(),
    fullNameLowerCase: name ? name.toLowerCase() : undefined,
    lastActivity: iso(contact.lastActivity),
    customFields: contact.customFields.map((field) => ({ ...field })),
  });
}

/** `POST /contacts/` (CreateContactSchema): the stored contact, flagged as not deleted. */
export function toCreatedContact(contact: ContactRecord): Record<string, unknown> {
  return { ...toContact(contact), deleted: false };
}

/** `POST /contacts/search`: `address`, epoch-ms `dateOfBirth` and the contact's own cursor. */
export function toSearchContact(contact: ContactRecord, searchAfter: unknown[]): Record<string, unknown> {
  return compact({
    id: contact.id,
    locationId: contact.locationId,
    firstName: contact.firstName,
    lastName: contact.lastName,
    firstNameLowerCase: contact.firstName?.toLowerCase(),
    lastNameLowerCase: contact.lastName?.toLowerCase(),
    companyName: contact.companyName,
    email: contact.email,
    phone: contact.phone,
    dnd: contact.dnd,
    dndSettings: contact.dndSettings,
    type: contact.type,
    source: contact.source,
    assignedTo: contact.assignedTo,
    address: contact.address1,
    city: contact.city,
    state: contact.state,
    country: contact.country,
    postalCode: contact.postalCode,
    website: contact.website,
    timezone: contact.timezone,
    tags: [...contact.tags],
    dateOfBirth: contact.dateOfBirth ? Date.parse(`${contact.dateOfBirth}T00:00:00.000Z`) : undefined,
    dateAdded: iso(contact.dateAdded),
    dateUpdated: iso(contact.dateUpdated),
    lastActivity: contact.lastActivity,
    customFields: contact.customFields.map((field) => ({ ...field })),
    additionalEmails: [],
    additionalPhones: [],
    followers: [],
    searchAfter,
  });
}

/** `GET /contacts/` (deprecated; ContactsSearchSchema plus the usual contact fields). */
export function toListContact(contact: ContactRecord): Record<string, unknown> {
  return compact({
    id: contact.id,
    locationId: contact.locationId,
    contactName: fullName(contact) || undefined,
    firstName: contact.firstName,
    lastName: contact.lastName,
    companyName: contact.companyName,
    email: contact.email,
    phone: contact.phone,
    dnd: contact.dnd,
    type: contact.type,
    source: contact.source,
    assignedTo: contact.assignedTo,
    address1: contact.address1,
    city: contact.city,
    state: contact.state,
    country: contact.country,
    postalCode: contact.postalCode,
    website: contact.website,
    timezone: contact.timezone,
    dateOfBirth: birthDateIso(contact.dateOfBirth),
    dateAdded: iso(contact.dateAdded),
    dateUpdated: iso(contact.dateUpdated),
    lastActivity: iso(contact.lastActivity),
    tags: [...contact.tags],
    customFields: contact.customFields.map((field) => ({ ...field })),
    attributions: [],
    followers: [],
  });
}

/** `ContactCreate` / `ContactUpdate` / `ContactDelete` / `ContactTagUpdate` / `ContactDndUpdate` webhooks. */
export function toContactWebhookPayload(type: string, contact: ContactRecord): Record<string, unknown> {
  return compact({
    type,
    locationId: contact.locationId,
    id: contact.id,
    address1: contact.address1,
    city: contact.city,
    state: contact.state,
    companyName: contact.companyName,
    country: contact.country,
    source: contact.source,
    dateAdded: iso(contact.dateAdded),
    dateOfBirth: birthDateIso(contact.dateOfBirth),
    dnd: contact.dnd,
    dndSettings: type === 'ContactDndUpdate' ? (contact.dndSettings ?? {}) : undefined,
    email: contact.email,
    name: fullName(contact) || undefined,
    firstName: contact.firstName,
    lastName: contact.lastName,
    phone: contact.phone,
    postalCode: contact.postalCode,
    tags: [...contact.tags],
    website: contact.website,
    attachments: [],
    assignedTo: contact.assignedTo,
    customFields: contact.customFields.map((field) => ({ ...field })),
  });
}
