import { z } from 'zod';
import { CONVERSATION_TYPE_NUMBERS, MESSAGE_TYPE_NUMBERS } from './channels';
import { fullName } from './contact-shapes';
import type { ContactRecord, ConversationRecord, MessageRecord } from './types';
import { compact } from './json';

/**
 * Wire shapes of conversations and messages. Search items carry the contact's details, a
 * string `type` and the live API's epoch-ms `lastMessageDate` (plus `sort`, the cursor
 * value); `GET /conversations/:id` answers the numeric `type` (1–5).
 */

export function toConversationSearchItem(
  conversation: ConversationRecord,
  contact: ContactRecord | undefined,
  sortValue: number,
): Record<string, unknown> {
  const name = contact ? fullName(contact) : '';
  return compact({
    id: conversation.id,
    contactId: conversation.contactId,
    locationId: conversation.locationId,
    lastMessageBody: conversation.lastMessageBody,
    lastMessageType: conversation.lastMessageType,
    lastMessageDirection: conversation.lastMessageDirection,
    lastMessageDate: conversation.lastMessageDate,
    lastManualMessageDate: conversation.lastManualMessageDate,
    type: conversation.type,
    unreadCount: conversation.unreadCount,
    fullName: name,
    contactName: name || contact?.companyName || contact?.email || contact?.phone || '',
    email: contact?.email,
    phone: contact?.phone,
    companyName: contact?.companyName,
    tags: contact ? [...contact.tags] : [],
    assignedTo: conversation.assignedTo,
    starred: conversation.starred,
    inbox: conversation.inbox,
    deleted: false,
    dateAdded: conversation.dateAdded,
    dateUpdated: conversation.dateUpdated,
    sort: [sortValue],
  });
}

export function toConversation(conversation: ConversationRecord): Record<string, unknown> {
  return compact({
    id: conversation.id,
    contactId: conversation.contactId,
    locationId: conversation.locationId,
    deleted: false,
    inbox: conversation.inbox,
    type: CONVERSATION_TYPE_NUMBERS[conversation.type],
    unreadCount: conversation.unreadCount,
    assignedTo: conversation.assignedTo,
    starred: conversation.starred,
    lastMessageBody: conversation.lastMessageBody,
    lastMessageType: conversation.lastMessageType,
    lastMessageDirection: conversation.lastMessageDirection,
    lastMessageDate: conversation.lastMessageDate,
    dateAdded: conversation.dateAdded,
    dateUpdated: conversation.dateUpdated,
  });
}

/** UpdateConversationDto (`feedback` is accepted and kept nowhere). */
export const updateConversationBody = z
  .object({
    locationId: z.string().min(1),
    unreadCount: z.number().int().min(0).optional(),
    starred: z.boolean().optional(),
    feedback: z.record(z.unknown()).optional(),
  })
  .strict();

/** ConversationDto, as `PUT /conversations/:id` answers it: `lastMessageDate` is a string of ms there. */
export function toUpdatedConversation(conversation: ConversationRecord): Record<string, unknown> {
  return compact({
    id: conversation.id,
    locationId: conversation.locationId,
    contactId: conversation.contactId,
    assignedTo: conversation.assignedTo,
    lastMessageBody: conversation.lastMessageBody,
    lastMessageDate: String(conversation.lastMessageDate),
    lastMessageType: conversation.lastMessageType,
    unreadCount: conversation.unreadCount,
    inbox: conversation.inbox,
    starred: conversation.starred,
    deleted: false,
  });
}

/** GetMessageResponseDto. `meta.callDuration` is a string, as the OpenAPI file types it. */
export function toMessage(message: MessageRecord): Record<string, unknown> {
  let meta: Record<string, unknown> | undefined;
  if (message.messageType === 'TYPE_CALL') {
    meta = { callDuration: String(message.callDuration ?? 0), callStatus: message.callStatus ?? 'completed' };
  } else if (message.emailMessageId) {
    meta = { email: { messageIds: [message.emailMessageId] } };
  }
  return compact({
    id: message.id,
    type: MESSAGE_TYPE_NUMBERS[message.messageType],
    messageType: message.messageType,
    locationId: message.locationId,
    contactId: message.contactId,
    conversationId: message.conversationId,
    dateAdded: new Date(message.dateAdded).toISOString(),
    body: message.body,
    direction: message.direction,
    status: message.status,
    contentType: message.contentType,
    attachments: [...message.attachments],
    source: message.source,
    userId: message.userId,
    meta,
  });
}
