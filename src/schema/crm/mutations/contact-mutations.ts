import { builder } from '../../../builder';
import type { Context } from '../../../context';
import type { CrmContact } from '../../../upstream/crm-cache/index';
import { NotFoundError, UpstreamRejectedError } from '../../../upstream/index';
import { callOptions } from '../access';
import { contactKey, crmLoaders } from '../loaders';
import { ContactRef } from '../refs';
import { checkContactFields, contactInputFields, upstreamContactInput } from './contact-inputs';
import { mutationErrors } from './errors';
import { oncePerKey } from './idempotent';
import { locatedIdIn, locationIn, mutating, requireWriteAccess } from './mutation-support';
import { InputChecks, normalTags } from './validation';

const TagsModeEnum = builder.enumType('ContactTagsMode', {
  description: 'What `tags` in updateContact does to the tags the contact already has.',
  values: {
    ADD: { value: 'ADD', description: 'Add the listed tags and keep every other tag (the default).' },
    REPLACE: { value: 'REPLACE', description: 'Make the listed tags the only tags: tags not listed are removed.' },
  },
});

const idempotencyKeyField = (t: Parameters<typeof contactInputFields>[0]) =>
  t.string({ description: 'Any unique string (a UUID): the same key within 24 h returns the first result instead of writing again.' });

const CreateContactInput = builder.inputType('CreateContactInput', {
  description: 'A new contact. At least one of email, phone or a name.',
  fields: (t) => ({
    locationId: t.id({ description: 'The HoopAI location; may be omitted when the caller has one location.' }),
    ...contactInputFields(t),
    tags: t.stringList({ description: 'Tags (each 1–64 characters; stored in lower case).' }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

const UpdateContactInput = builder.inputType('UpdateContactInput', {
  description: 'Changes to a contact: fields left out stay as they are; fields given as null are cleared.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The Contact to change.' }),
    ...contactInputFields(t),
    tags: t.stringList({ description: 'Tags; what happens to the others is `tagsMode`.' }),
    tagsMode: t.field({ type: TagsModeEnum, defaultValue: 'ADD', description: 'ADD (default) keeps unlisted tags; REPLACE removes them.' }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

const DeleteContactInput = builder.inputType('DeleteContactInput', {
  description: 'The contact to delete, with its conversation and messages.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The Contact to delete.' }),
    idempotencyKey: idempotencyKeyField(t),
  }),
});

interface ContactPayload {
  contact: CrmContact;
  replayed: boolean;
}

const replayedField = 'True when this is the stored result of an earlier call with the same idempotencyKey (nothing was written now).';

const contactPayload = (name: string, description: string) =>
  builder.objectRef<ContactPayload>(name).implement({
    description,
    fields: (t) => ({
      contact: t.field({ type: ContactRef, description: 'The contact as HoopAI stored it.', resolve: (payload) => payload.contact }),
      replayed: t.exposeBoolean('replayed', { description: replayedField }),
    }),
  });

const CreateContactPayload = contactPayload('CreateContactPayload', 'The created contact.');
const UpdateContactPayload = contactPayload('UpdateContactPayload', 'The changed contact.');

const DeleteContactPayload = builder.objectRef<{ deletedContactId: string; replayed: boolean }>('DeleteContactPayload').implement({
  description: 'The contact is gone.',
  fields: (t) => ({
    deletedContactId: t.exposeID('deletedContactId', { description: 'The id of the deleted Contact.' }),
    replayed: t.exposeBoolean('replayed', { description: replayedField }),
  }),
});

builder.mutationField('createContact', (t) =>
  t.field({
    type: CreateContactPayload,
    description: 'Create a contact. Duplicates (same email or phone in the location) are refused by HoopAI: UpstreamRefusedError.',
    errors: mutationErrors('createContact'),
    args: { input: t.arg({ type: CreateContactInput, required: true, description: 'The contact to create and the location it belongs to.' }) },
    resolve: (_, { input }, ctx) => {
      const checks = new InputChecks();
      const chosen = locationIn(checks, ctx, 'input.locationId', input.locationId == null ? undefined : String(input.locationId));
      checkContactFields(checks, input);
      checks.tags('input.tags', input.tags, { required: false });
      checks.idempotencyKey('input.idempotencyKey', input.idempotencyKey);
      checks.require(Boolean(input.email || input.phone || input.name || input.firstName || input.lastName), 'input', 'must give an email, a phone or a name');
      checks.check();
      const locationId = chosen!;
      requireWriteAccess(ctx, locationId);
      const body = { ...upstreamContactInput(input), ...(input.tags ? { tags: normalTags(input.tags) } : {}) };
      return mutating(undefined, () =>
        oncePerKey(
          ctx,
          'createContact',
          locationId,
          input.idempotencyKey,
          input,
          async () => ({ contact: await ctx.services.crm.createContact(locationId, body, callOptions(ctx)) }),
          // After a lost answer: the contact that create made, by its email or phone.
          async (since) => {
            const contact = await ctx.services.crm.findCreatedContact(locationId, body, since, callOptions(ctx));
            return contact ? { contact } : undefined;
          },
        ),
      );
    },
  }),
);

builder.mutationField('updateContact', (t) =>
  t.field({
    type: UpdateContactPayload,
    description:
      'Change a contact. `tags` ADDs to the existing tags unless `tagsMode: REPLACE` is given (HoopAI itself would replace them all).',
    errors: mutationErrors('updateContact'),
    args: { input: t.arg({ type: UpdateContactInput, required: true, description: 'Which contact to change, and the fields to change (fields left out stay as they are).' }) },
    resolve: (_, { input }, ctx) => {
      const checks = new InputChecks();
      const id = locatedIdIn(checks, 'input.id', 'Contact', String(input.id));
      checkContactFields(checks, input);
      checks.tags('input.tags', input.tags, { required: false });
      checks.idempotencyKey('input.idempotencyKey', input.idempotencyKey);
      checks.check();
      const { locationId, rawId } = id!;
      requireWriteAccess(ctx, locationId);
      const replace = input.tagsMode === 'REPLACE';
      const tags = input.tags ? normalTags(input.tags) : undefined;
      const body = { ...upstreamContactInput(input), ...(replace && tags ? { tags } : {}) };
      return mutating(String(input.id), () =>
        oncePerKey(ctx, 'updateContact', locationId, input.idempotencyKey, input, async () => ({
          contact: await updated(ctx, locationId, rawId, body, replace ? undefined : tags),
        })),
      );
    },
  }),
);

/** PUT when there is anything to put, then the added tags through the tags route (which keeps the others). */
async function updated(ctx: Context, locationId: string, contactId: string, body: object, addedTags: string[] | undefined): Promise<CrmContact> {
  const crm = ctx.services.crm;
  let contact = Object.keys(body).length > 0 ? await put(ctx, locationId, contactId, body) : undefined;
  if (addedTags?.length) {
    const tags = await crm.changeTags(locationId, contactId, 'add', addedTags, callOptions(ctx));
    contact = contact ? { ...contact, tags } : undefined;
  }
  if (contact) return contact;
  const [loaded] = await crm.contacts(locationId, [contactId], callOptions(ctx));
  if (loaded instanceof Error) throw loaded;
  return loaded!;
}

/**
 * HoopAI answers an unknown contact id on PUT with the same 400 as a refused change (a
 * duplicate email); only after a refusal, a read tells the two apart.
 */
async function put(ctx: Context, locationId: string, contactId: string, body: object): Promise<CrmContact> {
  const crm = ctx.services.crm;
  try {
    return await crm.updateContact(locationId, contactId, body, callOptions(ctx));
  } catch (error) {
    if (!(error instanceof UpstreamRejectedError)) throw error;
    const [existing] = await crm.contacts(locationId, [contactId], callOptions(ctx));
    throw existing instanceof NotFoundError ? existing : error;
  }
}

builder.mutationField('deleteContact', (t) =>
  t.field({
    type: DeleteContactPayload,
    description: 'Delete a contact with its conversation and messages. Deleting a contact that is already gone is NotFoundError.',
    errors: mutationErrors('deleteContact'),
    args: { input: t.arg({ type: DeleteContactInput, required: true, description: 'Which contact to delete.' }) },
    resolve: (_, { input }, ctx) => {
      const checks = new InputChecks();
      const id = locatedIdIn(checks, 'input.id', 'Contact', String(input.id));
      checks.idempotencyKey('input.idempotencyKey', input.idempotencyKey);
      checks.check();
      const { locationId, rawId } = id!;
      requireWriteAccess(ctx, locationId);
      return mutating(String(input.id), () =>
        oncePerKey(
          ctx,
          'deleteContact',
          locationId,
          input.idempotencyKey,
          input,
          async () => {
            await ctx.services.crm.deleteContact(locationId, rawId, callOptions(ctx));
            crmLoaders(ctx).contact.clear(contactKey(locationId, rawId));
            return { deletedContactId: String(input.id) };
          },
          // After a lost answer: a contact that is gone was deleted (a second delete would say NOT_FOUND).
          async () => {
            if (!(await ctx.services.crm.contactGone(locationId, rawId, callOptions(ctx)))) return undefined;
            crmLoaders(ctx).contact.clear(contactKey(locationId, rawId));
            return { deletedContactId: String(input.id) };
          },
          { repeatable: true },
        ),
      );
    },
  }),
);
