import type { SendChannel } from './channels';
import type { HoopaiStore } from './store';
import type { ContactRecord, ConversationRecord, MessageDirection, MessageRecord } from './types';

export interface NewMessage {
  channel: SendChannel;
  direction: MessageDirection;
  /** Plain text, or the HTML of an email. */
  body: string;
  contentType?: string;
  attachments: string[];
  status: string;
  source?: MessageRecord['source'];
  userId?: string;
  subject?: string;
  emailFrom?: string;
  emailTo?: string[];
  /** From `store.timestamp()`, so conversation dates stay unique. */
  dateAdded: number;
}

/**
 * Stores a message in the contact's conversation (opening one when the contact has none)
 * and moves the conversation's "last message" fields to it. Inbound messages count as
 * unread and bring an archived conversation back to the inbox. A `scheduled` message only
 * joins the thread.
 */
export function recordMessage(store: HoopaiStore, contact: ContactRecord, input: NewMessage) {
  const conversation = store.conversationOfContact(contact) ?? openConversation(store, contact, input);
  const isEmail = input.channel.messageType === 'TYPE_EMAIL';
  const message: MessageRecord = {
    id: store.newId(),
    locationId: contact.locationId,
    contactId: contact.id,
    conversationId: conversation.id,
    messageType: input.channel.messageType,
    direction: input.direction,
    status: input.status,
    body: input.body,
    contentType: input.contentType ?? 'text/plain',
    attachments: [...input.attachments],
    dateAdded: input.dateAdded,
    ...(input.source ? { source: input.source } : {}),
    ...(input.userId ? { userId: input.userId } : {}),
    ...(isEmail
      ? {
          emailMessageId: store.newId(),
          ...(input.subject ? { subject: input.subject } : {}),
          ...(input.emailFrom ? { emailFrom: input.emailFrom } : {}),
          ...(input.emailTo ? { emailTo: input.emailTo } : {}),
        }
      : {}),
  };
  store.messages(conversation).push(message);
  // Not sent yet (and the sandbox never sends it): the thread's "last message" stays as it was.
  if (message.status === 'scheduled') return { conversation, message };

  conversation.lastMessageDate = message.dateAdded;
  conversation.dateUpdated = message.dateAdded;
  conversation.lastMessageBody = message.body;
  conversation.lastMessageType = message.messageType;
  conversation.lastMessageDirection = message.direction;
  if (message.direction === 'inbound') {
    conversation.unreadCount++;
    conversation.inbox = true;
  } else if (message.source === 'app' || message.source === 'api') {
    conversation.lastManualMessageDate = message.dateAdded;
  }
  contact.lastActivity = message.dateAdded;
  return { conversation, message };
}

function openConversation(store: HoopaiStore, contact: ContactRecord, input: NewMessage): ConversationRecord {
  const conversation: ConversationRecord = {
    id: store.newId(),
    locationId: contact.locationId,
    contactId: contact.id,
    type: input.channel.conversationType,
    ...(contact.assignedTo ? { assignedTo: contact.assignedTo } : {}),
    starred: false,
    inbox: true,
    unreadCount: 0,
    dateAdded: input.dateAdded,
    dateUpdated: input.dateAdded,
    lastMessageDate: input.dateAdded,
    lastMessageBody: '',
    lastMessageType: input.channel.messageType,
    lastMessageDirection: input.direction,
  };
  store.addConversation(conversation);
  return conversation;
}

/** The subject a contact's emailed reply carries: "Re:" the thread's latest subject. */
export function replySubject(thread: readonly MessageRecord[]): string {
  const subject = thread.findLast((message) => message.subject)?.subject;
  if (!subject) return '(no subject)';
  return /^re:/i.test(subject) ? subject : `Re: ${subject}`;
}
