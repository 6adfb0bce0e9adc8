import { builder } from '../../builder';
import type { CrmAddress } from '../../upstream/crm-cache/index';
import { requireCrmAccess } from './access';
import { decodeLocatedId, locatedPayload, parseLocatedId } from './ids';
import { contactKey, crmLoaders } from './loaders';
import { loadCrmNodes, nullWhenMissing } from './node-loading';
import { ContactRef } from './refs';

const AddressRef = builder.objectRef<CrmAddress>('ContactAddress').implement({
  description: 'A postal address; any part may be unknown.',
  fields: (t) => ({
    line1: t.exposeString('line1', { nullable: true, description: 'Street and number.' }),
    city: t.exposeString('city', { nullable: true, description: 'City.' }),
    state: t.exposeString('state', { nullable: true, description: 'State or region.' }),
    country: t.exposeString('country', { nullable: true, description: 'Country, as HoopAI stores it (usually an ISO 3166 code).' }),
    postalCode: t.exposeString('postalCode', { nullable: true, description: 'Postal code.' }),
  }),
});

const CustomFieldRef = builder.objectRef<{ id: string; value: unknown }>('ContactCustomField').implement({
  description: 'The value of one custom field of the location.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The HoopAI custom field id.' }),
    value: t.string({
      nullable: true,
      description: 'The value: text as is; numbers, booleans and lists as JSON.',
      resolve: (field) => (field.value == null ? null : typeof field.value === 'string' ? field.value : JSON.stringify(field.value)),
    }),
  }),
});

const dateOf = (ms: number | null) => (ms === null ? null : new Date(ms));

builder.node(ContactRef, {
  description: 'A person or company in one HoopAI location, the same whichever HoopAI route it was read from.',
  id: { resolve: (contact) => locatedPayload(contact.locationId, contact.id) },
  loadMany: (ids, ctx) =>
    loadCrmNodes(ctx, ids, parseLocatedId, (id) => crmLoaders(ctx).contact.load(contactKey(id.locationId, id.rawId))),
  fields: (t) => ({
    rawId: t.exposeString('id', { description: 'The HoopAI contact id, as HoopAI spells it.' }),
    locationId: t.exposeID('locationId', { description: 'The HoopAI location the contact belongs to.' }),
    name: t.exposeString('name', { nullable: true, description: 'Full name (first and last name when HoopAI gives no name).' }),
    firstName: t.exposeString('firstName', { nullable: true, description: 'First name.' }),
    lastName: t.exposeString('lastName', { nullable: true, description: 'Last name.' }),
    email: t.exposeString('email', { nullable: true, description: 'Email address.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Phone number in E.164 form, e.g. +14155550100.' }),
    companyName: t.exposeString('companyName', { nullable: true, description: 'Company name.' }),
    tags: t.exposeStringList('tags', { description: 'Tags, as HoopAI stores them (lower case).' }),
    dnd: t.exposeBoolean('dnd', { nullable: true, description: 'Do-not-disturb on every channel.' }),
    source: t.exposeString('source', { nullable: true, description: 'Where the contact came from, e.g. "website form".' }),
    assignedTo: t.exposeString('assignedTo', { nullable: true, description: 'HoopAI user id of the assigned team member.' }),
    timezone: t.exposeString('timezone', { nullable: true, description: 'IANA time zone, e.g. Asia/Kolkata.' }),
    website: t.exposeString('website', { nullable: true, description: 'Website.' }),
    dateOfBirth: t.exposeString('dateOfBirth', { nullable: true, description: 'Date of birth as YYYY-MM-DD.' }),
    dateAdded: t.field({ type: 'DateTime', nullable: true, description: 'When the contact was created.', resolve: (c) => dateOf(c.dateAdded) }),
    dateUpdated: t.field({ type: 'DateTime', nullable: true, description: 'When the contact last changed.', resolve: (c) => dateOf(c.dateUpdated) }),
    lastActivity: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the contact last did something (message, form, call).',
      resolve: (c) => dateOf(c.lastActivity),
    }),
    address: t.field({ type: AddressRef, nullable: true, description: 'Postal address; null when no part is known.', resolve: (c) => c.address }),
    customFields: t.field({ type: [CustomFieldRef], description: 'Custom field values.', resolve: (c) => c.customFields }),
  }),
});

builder.queryField('contact', (t) =>
  t.field({
    type: ContactRef,
    nullable: true,
    description: 'One contact by id; null when no such contact exists. FORBIDDEN for a location the caller may not use.',
    args: { id: t.arg.id({ required: true, description: 'A Contact id as this API returned it.' }) },
    resolve: (_, args, ctx) => {
      const { locationId, rawId } = decodeLocatedId('Contact', String(args.id));
      requireCrmAccess(ctx, 'crm:read', locationId);
      return nullWhenMissing(crmLoaders(ctx).contact.load(contactKey(locationId, rawId)));
    },
  }),
);
