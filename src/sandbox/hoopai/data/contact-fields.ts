import type { ContactRecord } from './types';

/**
 * The contact fields search can filter and sort on, by the names the live search API
 * uses (including its `*LowerCase` aliases), each with the kind of value it holds.
 */

export type FieldKind = 'string' | 'tags' | 'boolean' | 'date';
export type FieldValue = string | number | boolean | string[] | undefined;

export interface SearchField {
  kind: FieldKind;
  read(contact: ContactRecord): FieldValue;
}

const text = (read: (contact: ContactRecord) => string | undefined): SearchField => ({ kind: 'string', read });
const date = (read: (contact: ContactRecord) => number | undefined): SearchField => ({ kind: 'date', read });

const firstName = text((c) => c.firstName);
const lastName = text((c) => c.lastName);

export const SEARCH_FIELDS: Readonly<Record<string, SearchField>> = {
  id: text((c) => c.id),
  firstName,
  firstNameLowerCase: firstName,
  lastName,
  lastNameLowerCase: lastName,
  email: text((c) => c.email),
  phone: text((c) => c.phone),
  companyName: text((c) => c.companyName),
  source: text((c) => c.source),
  assignedTo: text((c) => c.assignedTo),
  type: text((c) => c.type),
  address: text((c) => c.address1),
  city: text((c) => c.city),
  state: text((c) => c.state),
  country: text((c) => c.country),
  postalCode: text((c) => c.postalCode),
  timezone: text((c) => c.timezone),
  website: text((c) => c.website),
  tags: { kind: 'tags', read: (c) => c.tags },
  dnd: { kind: 'boolean', read: (c) => c.dnd },
  dateAdded: date((c) => c.dateAdded),
  dateUpdated: date((c) => c.dateUpdated),
  lastActivity: date((c) => c.lastActivity),
  dateOfBirth: date((c) => (c.dateOfBirth ? Date.parse(`${c.dateOfBirth}T00:00:00.000Z`) : undefined)),
};

/** A value sort and `searchAfter` compare: lower-cased text, epoch ms, 0/1, or null when absent. */
export type SortValue = string | number | null;

export function sortValueOf(field: SearchField, contact: ContactRecord): SortValue {
  const value = field.read(contact);
  if (value === undefined || value === '') return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) return value.length ? [...value].sort()[0]! : null;
  return typeof value === 'string' ? value.toLowerCase() : value;
}
