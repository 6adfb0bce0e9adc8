import { z } from 'zod';
import { SANDBOX_LOCATIONS } from '../locations';
import type { ContactRecord, DndChannel, DndSetting } from './types';

/**
 * Request bodies of the contact write routes (CreateContactDto, UpdateContactDto,
 * UpsertContactDto, TagsDTO) and how they change a stored contact. Unknown properties are
 * refused, as the live API's whitelisting pipe does.
 */

const text = z.string().trim().nullable();
const dndSetting = z.object({
  status: z.enum(['active', 'inactive', 'permanent']),
  message: z.string().optional(),
  code: z.string().optional(),
});
const customFieldValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
const customField = z
  .object({ id: z.string().min(1), key: z.string().optional(), field_value: customFieldValue.optional(), value: customFieldValue.optional() })
  .strict();

const contactFields = {
  firstName: text.optional(),
  lastName: text.optional(),
  name: text.optional(),
  email: z.string().trim().email().nullable().optional(),
  gender: z.string().optional(),
  phone: text.optional(),
  address1: text.optional(),
  city: text.optional(),
  state: text.optional(),
  postalCode: z.string().optional(),
  website: text.optional(),
  timezone: text.optional(),
  dnd: z.boolean().optional(),
  dndSettings: z.record(z.enum(['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB']), dndSetting).optional(),
  inboundDndSettings: z.object({ all: z.object({ status: z.enum(['active', 'inactive']), message: z.string().optional() }) }).optional(),
  tags: z.array(z.string()).optional(),
  customFields: z.array(customField).optional(),
  source: text.optional(),
  dateOfBirth: text.optional(),
  country: z.string().optional(),
  companyName: text.optional(),
  assignedTo: text.optional(),
};

export const createContactBody = z.object({ ...contactFields, locationId: z.string().min(1) }).strict();
export const updateContactBody = z.object(contactFields).strict();
export const upsertContactBody = z
  .object({ ...contactFields, locationId: z.string().min(1), createNewIfDuplicateAllowed: z.boolean().optional() })
  .strict();
export const tagsBody = z.object({ tags: z.array(z.string()).min(1) }).strict();

export type ContactInput = z.infer<typeof updateContactBody>;

/** Thrown for a field zod cannot judge alone (a phone or birth date it cannot read). */
export class ContactFieldError extends Error {}

/** Tags are stored trimmed, lower-cased and once each, as the live API keeps them. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}

/**
 * Applies the fields present in `input` to `contact` (null clears a field). `tags`, when
 * present, REPLACES every tag, as `PUT /contacts/:id` documents.
 */
export function applyContactInput(contact: ContactRecord, input: ContactInput): void {
  for (const key of PLAIN_FIELDS) {
    const value = input[key];
    if (value !== undefined) setOrClear(contact, key, value === '' ? null : value);
  }
  if (input.name && input.firstName === undefined && input.lastName === undefined) {
    const [first, ...rest] = input.name.split(/\s+/);
    contact.firstName = first;
    if (rest.length) contact.lastName = rest.join(' ');
  }
  if (input.email !== undefined) setOrClear(contact, 'email', input.email || null);
  if (input.phone !== undefined) setOrClear(contact, 'phone', input.phone ? normalizePhone(input.phone, contact.locationId) : null);
  if (input.dateOfBirth !== undefined) setOrClear(contact, 'dateOfBirth', input.dateOfBirth ? parseBirthDate(input.dateOfBirth) : null);
  if (input.tags !== undefined) contact.tags = normalizeTags(input.tags);
  if (input.dnd !== undefined) contact.dnd = input.dnd;
  if (input.dndSettings !== undefined) {
    contact.dndSettings = { ...contact.dndSettings, ...(input.dndSettings as Partial<Record<DndChannel, DndSetting>>) };
  }
  for (const field of input.customFields ?? []) {
    const raw = field.field_value ?? field.value ?? '';
    const value = Array.isArray(raw) ? raw.join(', ') : String(raw);
    const existing = contact.customFields.find((candidate) => candidate.id === field.id);
    if (existing) existing.value = value;
    else contact.customFields.push({ id: field.id, value });
  }
}

/** Fields stored as sent (trimmed); the others need normalising. `gender` is accepted and not kept. */
const PLAIN_FIELDS = [
  'firstName', 'lastName', 'address1', 'city', 'state', 'postalCode', 'website', 'timezone',
  'source', 'country', 'companyName', 'assignedTo',
] as const satisfies readonly (keyof ContactInput & keyof ContactRecord)[];

function setOrClear(contact: ContactRecord, key: keyof ContactRecord, value: unknown): void {
  if (value === null) delete contact[key];
  else (contact as unknown as Record<string, unknown>)[key] = value;
}

const CALLING_CODES: Record<string, string> = { 'Asia/Kolkata': '91', 'America/New_York': '1', 'Europe/London': '44' };

/** Formatting stripped to E.164; a national number gets the location's country code. */
function normalizePhone(raw: string, locationId: string): string {
  const digits = raw.replace(/[\s().-]/g, '');
  if (!/^\+?\d{6,15}$/.test(digits)) throw new ContactFieldError('phone must be a valid phone number');
  if (digits.startsWith('+')) return digits;
  const timezone = SANDBOX_LOCATIONS.find((location) => location.id === locationId)?.timezone ?? '';
  const national = digits.replace(/^0+/, '');
  return `+${CALLING_CODES[timezone] ?? ''}${national}`;
}

/** The documented birth-date formats (YYYY-MM-DD, MM/DD/YYYY, … with - / . _) → `YYYY-MM-DD`. */
function parseBirthDate(raw: string): string {
  const yearFirst = /^(\d{4})[-/._](\d{1,2})[-/._](\d{1,2})$/.exec(raw);
  const monthFirst = /^(\d{1,2})[-/._](\d{1,2})[-/._](\d{4})$/.exec(raw);
  const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})T/.exec(raw);
  const [year, month, day] = yearFirst
    ? [yearFirst[1], yearFirst[2], yearFirst[3]]
    : monthFirst
      ? [monthFirst[3], monthFirst[1], monthFirst[2]]
      : isoDateTime
        ? [isoDateTime[1], isoDateTime[2], isoDateTime[3]]
        : [];
  const date = `${year}-${month?.padStart(2, '0')}-${day?.padStart(2, '0')}`;
  if (!year || Number.isNaN(Date.parse(`${date}T00:00:00.000Z`)) || new Date(`${date}T00:00:00.000Z`).toISOString().slice(0, 10) !== date) {
    throw new ContactFieldError('dateOfBirth must be a valid date');
  }
  return date;
}
