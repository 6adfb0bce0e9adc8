import { builder } from '../../../builder';
import type { ContactInput } from '../../../upstream/index';
import type { InputChecks } from './validation';

/** The contact fields shared by createContact and updateContact, and their HoopAI form. */

const ContactAddressInput = builder.inputType('ContactAddressInput', {
  description: 'A postal address; on update, a part given as null is cleared and an absent part is kept.',
  fields: (t) => ({
    line1: t.string({ description: 'Street and number.' }),
    city: t.string({ description: 'City.' }),
    state: t.string({ description: 'State or region.' }),
    country: t.string({ description: 'Country (ISO 3166 alpha-2 recommended).' }),
    postalCode: t.string({ description: 'Postal code.' }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The input fields both mutations take (field builders of one input type). */
export function contactInputFields(t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) {
  const text = (description: string) => t.string({ description });
  return {
    firstName: text('First name.'),
    lastName: text('Last name.'),
    name: text('Full name, when first and last name are not given separately.'),
    email: text('Email address.'),
    phone: text('Phone number in E.164 form, e.g. +14155550100.'),
    companyName: text('Company name.'),
    source: text('Where the contact came from.'),
    website: text('Website.'),
    timezone: text('IANA time zone, e.g. Europe/London.'),
    dateOfBirth: text('Date of birth as YYYY-MM-DD.'),
    assignedTo: text('HoopAI user id of the assigned team member.'),
    dnd: t.boolean({ description: 'Do-not-disturb on every channel.' }),
    address: t.field({ type: ContactAddressInput, description: 'Postal address.' }),
  };
}

export interface ContactFieldsArgs {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  companyName?: string | null;
  source?: string | null;
  website?: string | null;
  timezone?: string | null;
  dateOfBirth?: string | null;
  assignedTo?: string | null;
  dnd?: boolean | null;
  address?: { line1?: string | null; city?: string | null; state?: string | null; country?: string | null; postalCode?: string | null } | null;
}

/** Checks the shared fields; `input` is the argument name used in field paths. */
export function checkContactFields(checks: InputChecks, fields: ContactFieldsArgs): void {
  checks.email('input.email', fields.email);
  checks.phone('input.phone', fields.phone);
  for (const name of ['firstName', 'lastName', 'name', 'companyName', 'source', 'website', 'timezone', 'assignedTo'] as const) {
    checks.text(`input.${name}`, fields[name]);
  }
  if (fields.dateOfBirth != null) {
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(fields.dateOfBirth) && !Number.isNaN(Date.parse(`${fields.dateOfBirth}T00:00:00Z`));
    checks.require(valid, 'input.dateOfBirth', 'must be a date as YYYY-MM-DD');
  }
  for (const part of ['line1', 'city', 'state', 'country', 'postalCode'] as const) checks.text(`input.address.${part}`, fields.address?.[part]);
}

/**
 * The HoopAI body for the shared fields: absent stays absent (unchanged on update), null
 * clears. `tags` is never set here: callers decide between adding and replacing.
 */
export function upstreamContactInput(fields: ContactFieldsArgs): ContactInput {
  const body: ContactInput = {};
  const copy = <Key extends keyof ContactInput>(key: Key, value: ContactInput[Key] | undefined) => {
    if (value !== undefined) body[key] = value;
  };
  const trimmed = (value: string | null | undefined) => (value == null ? value : value.trim());
  copy('firstName', trimmed(fields.firstName));
  copy('lastName', trimmed(fields.lastName));
  copy('name', trimmed(fields.name));
  copy('email', trimmed(fields.email));
  copy('phone', trimmed(fields.phone));
  copy('companyName', trimmed(fields.companyName));
  copy('source', trimmed(fields.source));
  copy('website', trimmed(fields.website));
  copy('timezone', trimmed(fields.timezone));
  copy('dateOfBirth', fields.dateOfBirth);
  copy('assignedTo', fields.assignedTo);
  if (fields.dnd != null) body.dnd = fields.dnd;
  const address = fields.address;
  if (address) {
    copy('address1', trimmed(address.line1));
    copy('city', trimmed(address.city));
    copy('state', trimmed(address.state));
    // HoopAI cannot clear these two (its schema has no null for them): null leaves them as they are.
    if (address.country != null) body.country = address.country.trim();
    if (address.postalCode != null) body.postalCode = address.postalCode.trim();
  }
  return body;
}
