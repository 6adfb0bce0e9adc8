import { builder } from '../../../builder';
import type { ContactChange, ReceivedEvent } from '../../../upstream/events/index';
import { encodeGlobalId } from '../../global-id';
import { locatedPayload } from '../ids';
import { contactKey, crmLoaders } from '../loaders';
import { nullWhenMissing } from '../node-loading';
import { ContactRef } from '../refs';
import { subscribeToLocation } from './location-stream';

const ContactChangeKindEnum = builder.enumType('ContactChangeKind', {
  description: 'What happened to a contact.',
  values: {
    CREATED: { value: 'created', description: 'The contact was created.' },
    UPDATED: { value: 'updated', description: 'Its fields, tags or do-not-disturb settings changed.' },
    DELETED: { value: 'deleted', description: 'It was deleted: `contact` is null from now on.' },
  } as const,
});

const ContactChangeRef = builder.objectRef<ReceivedEvent<ContactChange>>('ContactChange').implement({
  description: 'A change to one contact of a location.',
  fields: (t) => ({
    kind: t.field({ type: ContactChangeKindEnum, description: 'Created, updated or deleted.', resolve: (event) => event.change }),
    contactId: t.id({
      description: 'The global id of the contact that changed (also for a deleted one), as `contact(id:)` takes it.',
      resolve: (event) => encodeGlobalId('Contact', locatedPayload(event.locationId, event.contactId)),
    }),
    contact: t.field({
      type: ContactRef,
      nullable: true,
      description: 'The contact as it is after the change; null once deleted, or when it could not be read (its error says why).',
      resolve: (event, _args, ctx) =>
        event.change === 'deleted' ? null : nullWhenMissing(crmLoaders(ctx).contact.load(contactKey(event.locationId, event.contactId))),
    }),
  }),
});

builder.subscriptionField('contactChanged', (t) =>
  t.field({
    type: ContactChangeRef,
    description: 'Every contact of the location that is created, changed or deleted, from the moment of subscribing. FORBIDDEN for a location the caller may not use.',
    args: { locationId: t.arg.id({ required: true, description: 'The HoopAI location whose contacts to follow.' }) },
    subscribe: (_root, args, ctx) => subscribeToLocation(ctx, String(args.locationId), 'contact'),
    resolve: (event) => event,
  }),
);
