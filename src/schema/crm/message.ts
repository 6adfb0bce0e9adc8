import { builder } from '../../builder';
import { directionOf, MessageDirectionEnum, MessageStatusEnum, messageStatusOf, MessageTypeEnum, messageTypeOf } from './enums';
import { locatedPayload, parseLocatedMessageId } from './ids';
import { contactKey, conversationKey, crmLoaders } from './loaders';
import { messageLoader } from './message-lookup';
import { loadCrmNodes, nullWhenMissing } from './node-loading';
import { ContactRef, ConversationRef, MessageRef } from './refs';

builder.node(MessageRef, {
  description: 'One message of a conversation, on any channel.',
  id: { resolve: (message) => locatedPayload(message.locationId, message.conversationId, message.id) },
  loadMany: (ids, ctx) => loadCrmNodes(ctx, ids, parseLocatedMessageId, (id) => messageLoader(ctx).load(locatedPayload(id.locationId, id.conversationId, id.rawId))),
  fields: (t) => ({
    rawId: t.exposeString('id', { description: 'The HoopAI message id, as HoopAI spells it.' }),
    direction: t.field({ type: MessageDirectionEnum, description: 'From or to the contact.', resolve: (m) => directionOf(m.direction) }),
    status: t.field({ type: MessageStatusEnum, description: 'Delivery state.', resolve: (m) => messageStatusOf(m.status) }),
    rawStatus: t.exposeString('status', { nullable: true, description: 'The status exactly as HoopAI names it.' }),
    messageType: t.field({ type: MessageTypeEnum, description: 'The channel.', resolve: (m) => messageTypeOf(m.messageType) }),
    rawMessageType: t.exposeString('messageType', { nullable: true, description: 'The channel exactly as HoopAI names it, e.g. TYPE_SMS.' }),
    body: t.exposeString('body', { nullable: true, description: 'The text (HTML for HTML email).' }),
    contentType: t.exposeString('contentType', { nullable: true, description: 'MIME type of the body, e.g. text/plain.' }),
    attachments: t.exposeStringList('attachments', { description: 'URLs of attached files.' }),
    dateAdded: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the message was sent or received.',
      resolve: (m) => (m.dateAdded === null ? null : new Date(m.dateAdded)),
    }),
    conversation: t.field({
      type: ConversationRef,
      nullable: true,
      description: 'The conversation the message belongs to.',
      resolve: (m, _, ctx) => nullWhenMissing(crmLoaders(ctx).conversation.load(conversationKey(m.locationId, m.conversationId))),
    }),
    contact: t.field({
      type: ContactRef,
      nullable: true,
      description: 'The contact of the conversation.',
      resolve: async (m, _, ctx) => {
        const loaders = crmLoaders(ctx);
        const contactId = m.contactId ?? (await nullWhenMissing(loaders.conversation.load(conversationKey(m.locationId, m.conversationId))))?.contactId;
        return contactId ? nullWhenMissing(loaders.contact.load(contactKey(m.locationId, contactId))) : null;
      },
    }),
  }),
});
