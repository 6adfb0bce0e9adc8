import { builder } from '../../../builder';
import { callOptions } from '../access';
import { contactKey, crmLoaders } from '../loaders';
import { nullWhenMissing } from '../node-loading';
import { ContactRef } from '../refs';
import { mutationErrors } from './errors';
import { oncePerKey } from './idempotent';
import { locatedIdIn, mutating, requireWriteAccess } from './mutation-support';
import { InputChecks, normalTags } from './validation';

interface TagsPayload {
  locationId: string;
  contactId: string;
  tags: string[];
  replayed: boolean;
}

const ContactTagsInput = builder.inputType('ContactTagsInput', {
  description: 'Tags to add to or remove from one contact; its other tags are not touched.',
  fields: (t) => ({
    contactId: t.id({ required: true, description: 'The Contact.' }),
    tags: t.stringList({ required: true, description: 'At least one tag, each 1–64 characters (matched in lower case).' }),
    idempotencyKey: t.string({ description: 'Any unique string: the same key within 24 h returns the first result instead of writing again.' }),
  }),
});

const tagsPayload = (name: string) =>
  builder.objectRef<TagsPayload>(name).implement({
    description: "The contact's tags after the change.",
    fields: (t) => ({
      tags: t.exposeStringList('tags', { description: 'Every tag the contact has now.' }),
      contact: t.field({
        type: ContactRef,
        nullable: true,
        description: 'The contact, read again after the change.',
        resolve: (payload, _, ctx) => nullWhenMissing(crmLoaders(ctx).contact.load(contactKey(payload.locationId, payload.contactId))),
      }),
      replayed: t.exposeBoolean('replayed', { description: 'True when this is the stored result of an earlier call with the same idempotencyKey.' }),
    }),
  });

for (const [field, change, payloadName] of [
  ['addContactTags', 'add', 'AddContactTagsPayload'],
  ['removeContactTags', 'remove', 'RemoveContactTagsPayload'],
] as const) {
  const payload = tagsPayload(payloadName);
  builder.mutationField(field, (t) =>
    t.field({
      type: payload,
      description: change === 'add' ? 'Add tags to a contact, keeping its other tags.' : 'Remove tags from a contact, keeping its other tags.',
      errors: mutationErrors(field),
      args: { input: t.arg({ type: ContactTagsInput, required: true, description: 'Which contact, and the tags to add or remove.' }) },
      resolve: (_, { input }, ctx) => {
        const checks = new InputChecks();
        const id = locatedIdIn(checks, 'input.contactId', 'Contact', String(input.contactId));
        checks.tags('input.tags', input.tags, { required: true });
        checks.idempotencyKey('input.idempotencyKey', input.idempotencyKey);
        checks.check();
        const { locationId, rawId } = id!;
        requireWriteAccess(ctx, locationId);
        return mutating(String(input.contactId), () =>
          oncePerKey(ctx, field, locationId, input.idempotencyKey, input, async () => {
            const tags = await ctx.services.crm.changeTags(locationId, rawId, change, normalTags(input.tags), callOptions(ctx));
            crmLoaders(ctx).contact.clear(contactKey(locationId, rawId));
            return { locationId, contactId: rawId, tags };
          }),
        );
      },
    }),
  );
}
