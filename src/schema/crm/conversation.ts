import { builder } from '../../builder';
import { requireCrmAccess } from './access';
import { ConversationTypeEnum, conversationTypeOf, MessageTypeEnum, messageTypeOf } from './enums';
import { decodeLocatedId, locatedPayload, parseLocatedId } from './ids';
import { contactKey, conversationKey, crmLoaders } from './loaders';
import { loadCrmNodes, nullWhenMissing } from './node-loading';
import { ContactRef, ConversationRef } from './refs';

builder.node(ConversationRef, {
  description: 'The thread of messages between a location and one contact, across channels.',
  id: { resolve: (conversation) => locatedPayload(conversation.locationId, conversation.id) },
  loadMany: (ids, ctx) =>
    loadCrmNodes(ctx, ids, parseLocatedId, (id) => crmLoaders(ctx).conversation.load(conversationKey(id.locationId, id.rawId))),
  fields: (t) => ({
    rawId: t.exposeString('id', { description: 'The HoopAI conversation id, as HoopAI spells it.' }),
    locationId: t.exposeID('locationId', { description: 'The HoopAI location the conversation belongs to.' }),
    type: t.field({ type: ConversationTypeEnum, description: 'The channel family.', resolve: (c) => conversationTypeOf(c.type) }),
    rawType: t.exposeString('type', { nullable: true, description: 'The type exactly as HoopAI names it, e.g. TYPE_PHONE.' }),
    unreadCount: t.exposeInt('unreadCount', { nullable: true, description: 'Messages the team has not read yet.' }),
    lastMessageBody: t.exposeString('lastMessageBody', { nullable: true, description: 'Text of the latest message.' }),
    lastMessageType: t.field({
      type: MessageTypeEnum,
      nullable: true,
      description: 'Channel of the latest message.',
      resolve: (c) => (c.lastMessageType === null ? null : messageTypeOf(c.lastMessageType)),
    }),
    lastMessageDate: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the latest message was sent or received.',
      resolve: (c) => (c.lastMessageDate === null ? null : new Date(c.lastMessageDate)),
    }),
    contact: t.field({
      type: ContactRef,
      nullable: true,
      description: 'The contact of the conversation (batched: each contact is fetched once per request).',
      resolve: (c, _, ctx) => nullWhenMissing(crmLoaders(ctx).contact.load(contactKey(c.locationId, c.contactId))),
    }),
  }),
});

builder.queryField('conversation', (t) =>
  t.field({
    type: ConversationRef,
    nullable: true,
    description: 'One conversation by id; null when no such conversation exists. FORBIDDEN for a location the caller may not use.',
    args: { id: t.arg.id({ required: true, description: 'A Conversation id as this API returned it.' }) },
    resolve: (_, args, ctx) => {
      const { locationId, rawId } = decodeLocatedId('Conversation', String(args.id));
      requireCrmAccess(ctx, 'crm:read', locationId);
      return nullWhenMissing(crmLoaders(ctx).conversation.load(conversationKey(locationId, rawId)));
    },
  }),
);
