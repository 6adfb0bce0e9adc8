import type { WebhookEvent } from '../world';
import { webhookMessageType } from './channels';
import type { MessageRecord } from './types';

/**
 * `InboundMessage` / `OutboundMessage` webhooks, shaped like the documented examples
 * (`webhooks/*Message.example*.json`): webhook `messageType` names (`SMS`, `Email`, …),
 * ISO dates, and for emails the thread, subject, sender and recipients.
 */
export function messageWebhookEvent(message: MessageRecord): WebhookEvent {
  const type = message.direction === 'inbound' ? 'InboundMessage' : 'OutboundMessage';
  const payload: Record<string, unknown> = {
    type,
    locationId: message.locationId,
    attachments: [...message.attachments],
    body: message.body,
    contactId: message.contactId,
    contentType: message.contentType,
    conversationId: message.conversationId,
    dateAdded: new Date(message.dateAdded).toISOString(),
    direction: message.direction,
    messageType: webhookMessageType(message.messageType),
    messageId: message.id,
    status: message.status,
  };
  if (message.source) payload.source = message.source;
  if (message.userId) payload.userId = message.userId;
  if (message.emailMessageId) {
    payload.emailMessageId = message.emailMessageId;
    payload.threadId = message.emailMessageId;
    if (message.subject) payload.subject = message.subject;
    if (message.emailFrom) payload.from = message.emailFrom;
    payload.to = message.emailTo ?? [];
  }
  return { type, locationId: message.locationId, payload };
}
