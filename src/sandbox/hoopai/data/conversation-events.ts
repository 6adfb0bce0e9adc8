import type { WebhookEvent } from '../world';
import type { ConversationRecord } from './types';

/**
 * `ConversationUnreadWebhook` (webhooks/ConversationUnreadWebhook.*.json): sent whenever a
 * conversation's unread count changes — a contact's message comes in, someone marks it read
 * or unread. The payload's own `type` is `ConversationUnreadUpdate`, as the example has it.
 */
export function conversationUnreadEvent(conversation: ConversationRecord): WebhookEvent {
  return {
    type: 'ConversationUnreadWebhook',
    locationId: conversation.locationId,
    payload: {
      type: 'ConversationUnreadUpdate',
      locationId: conversation.locationId,
      id: conversation.id,
      contactId: conversation.contactId,
      deleted: false,
      inbox: conversation.inbox,
      starred: conversation.starred,
      unreadCount: conversation.unreadCount,
    },
  };
}
