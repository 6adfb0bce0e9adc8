import { apiRoute } from '../api-access';
import type { Router } from '../../common/router';
import { assertLocationAccess, type HoopaiWorld } from '../world';
import { SEND_CHANNELS } from '../data/channels';
import { toMessage } from '../data/conversation-shapes';
import { messageWebhookEvent } from '../data/message-events';
import { defaultEmailSender } from '../data/location-data';
import { listMessages, messageListQuery } from '../data/message-list';
import { recordMessage } from '../data/messaging';
import { sendMessageBody } from '../data/send-input';
import type { HoopaiStore } from '../data/store';
import type { ContactRecord, DndChannel } from '../data/types';
import { badRequest, unknownContact } from '../data/upstream-errors';
import { parseInput, queryObject } from '../data/validation';
import { accessibleConversation } from './access';

const DND_CHANNEL_OF: Record<string, DndChannel> = { SMS: 'SMS', Email: 'Email', WhatsApp: 'WhatsApp', FB: 'FB', IG: 'FB', Custom: 'SMS' };
const PHONE_CHANNELS = new Set(['SMS', 'WhatsApp', 'Custom']);

/** A conversation's messages (the live, nested shape) and sending a message. */
export function registerMessageRoutes(router: Router, world: HoopaiWorld, store: HoopaiStore): void {
  router.get('/conversations/:conversationId/messages', (req) => {
    const query = parseInput(messageListQuery, queryObject(req.query));
    const conversation = accessibleConversation(req, store);
    const page = listMessages(store.messages(conversation), query);
    return {
      status: 200,
      body: {
        messages: {
          lastMessageId: page.messages.at(-1)?.id ?? null,
          nextPage: page.nextPage,
          messages: page.messages.map(toMessage),
        },
      },
    };
  }, apiRoute('conversations', 'conversations/message.readonly'));

  router.post('/conversations/messages', (req) => {
    const body = parseInput(sendMessageBody, req.json());
    const contact = store.contact(body.contactId);
    if (!contact) throw unknownContact(body.contactId);
    assertLocationAccess(req, contact.locationId);
    assertReachable(contact, body.type, body.emailTo);

    const now = world.now();
    const scheduled = body.scheduledTimestamp !== undefined && body.scheduledTimestamp * 1000 > now;
    const isEmail = body.type === 'Email';
    const input = {
      channel: SEND_CHANNELS[body.type]!,
      direction: 'outbound' as const,
      body: (isEmail ? (body.html ?? body.message) : body.message) ?? '',
      contentType: isEmail && body.html ? 'text/html' : 'text/plain',
      attachments: body.attachments ?? [],
      status: scheduled ? 'scheduled' : 'delivered',
      source: 'api' as const,
      subject: body.subject,
      emailFrom: isEmail ? (body.emailFrom ?? defaultEmailSender(contact.locationId)) : undefined,
      emailTo: isEmail ? [body.emailTo ?? contact.email!] : undefined,
      dateAdded: store.timestamp(now),
    };
    const { conversation, message } = recordMessage(store, contact, input);
    if (!scheduled) world.webhooks.emit(messageWebhookEvent(message));
    return {
      status: 200,
      body: {
        conversationId: conversation.id,
        messageId: message.id,
        ...(message.emailMessageId ? { emailMessageId: message.emailMessageId } : {}),
        msg: scheduled ? 'Message scheduled successfully.' : 'Message queued successfully.',
        status: scheduled ? 'pending' : 'delivered',
      },
    };
  }, apiRoute('conversations', 'conversations/message.write'));
}

/** The contact must have an address for the channel and must not have opted out of it (DND). */
function assertReachable(contact: ContactRecord, type: string, emailTo: string | undefined): void {
  if (PHONE_CHANNELS.has(type) && !contact.phone) throw badRequest('Contact does not have a phone number.');
  if (type === 'Email' && !contact.email && !emailTo) throw badRequest('Contact does not have an email address.');
  const dndChannel = DND_CHANNEL_OF[type];
  if (contact.dnd || (dndChannel && contact.dndSettings?.[dndChannel]?.status === 'active')) {
    throw badRequest(`Cannot send message as DND is active for ${type}.`);
  }
}
