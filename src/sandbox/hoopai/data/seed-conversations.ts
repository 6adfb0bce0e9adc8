import type { Faker } from '@faker-js/faker';
import { emailSubject, messageBody, type BodyContext } from './message-bodies';
import { SEED_ANCHOR_MS, type LocationSeedContext } from './seed-contacts';
import type { ContactRecord, ConversationRecord, ConversationType, MessageDirection, MessageRecord } from './types';

/**
 * Seed conversations (one per chosen contact, as HighLevel keeps one thread per contact)
 * and their messages, oldest first. Message counts are skewed like a real inbox: most
 * threads are short, a few run to hundreds of messages.
 */

const HOUR_MS = 3_600_000;
const CALL_STATUSES = ['completed', 'completed', 'completed', 'no-answer', 'busy', 'voicemail'];
const OUTBOUND_SOURCES = ['app', 'app', 'app', 'app', 'workflow', 'workflow', 'campaign', 'api'] as const;

export interface ConversationSeed {
  conversations: ConversationRecord[];
  messages: Map<string, MessageRecord[]>;
}

export function seedConversations(ctx: LocationSeedContext, contacts: ContactRecord[]): ConversationSeed {
  const faker = ctx.local;
  const reachable = contacts.filter((contact) => contact.email && contact.phone);
  const chosen = faker.helpers.arrayElements(reachable, ctx.location.conversationCount);
  const conversations: ConversationRecord[] = [];
  const messages = new Map<string, MessageRecord[]>();
  for (const contact of chosen) {
    const type = faker.helpers.weightedArrayElement<ConversationType>([
      { weight: 78, value: 'TYPE_PHONE' },
      { weight: 15, value: 'TYPE_EMAIL' },
      { weight: 7, value: 'TYPE_FB_MESSENGER' },
    ]);
    const conversationId = ctx.ids.next();
    const thread = seedThread(ctx, faker, contact, conversationId, type);
    messages.set(conversationId, thread);
    conversations.push(summarize(faker, contact, conversationId, type, thread));
    contact.lastActivity = thread.at(-1)!.dateAdded;
  }
  return { conversations, messages };
}

function seedThread(
  ctx: LocationSeedContext,
  faker: Faker,
  contact: ContactRecord,
  conversationId: string,
  type: ConversationType,
): MessageRecord[] {
  const count = faker.number.float() < 0.02 ? faker.number.int({ min: 120, max: 260 }) : 1 + Math.floor(faker.number.float() ** 2 * 70);
  const start = Math.min(contact.dateAdded + faker.number.int({ min: 0, max: 48 * HOUR_MS }), SEED_ANCHOR_MS - HOUR_MS);
  const end = start + Math.floor(faker.number.float({ min: 0.05, max: 1 }) * (SEED_ANCHOR_MS - start));
  const times = Array.from({ length: count }, () => faker.number.int({ min: start, max: end })).sort((a, b) => a - b);
  const owner = ctx.users.find((user) => user.id === contact.assignedTo) ?? faker.helpers.arrayElement(ctx.users);
  const bodyContext: BodyContext = { first: contact.firstName ?? 'there', user: owner.firstName };

  return times.map((dateAdded, index) => {
    const direction: MessageDirection = faker.number.float() < (index === 0 ? 0.6 : 0.5) ? 'inbound' : 'outbound';
    const messageType = channelFor(faker, type);
    const message: MessageRecord = {
      id: ctx.ids.next(),
      locationId: contact.locationId,
      contactId: contact.id,
      conversationId,
      messageType,
      direction,
      status: 'delivered',
      body: messageBody(faker, direction, bodyContext),
      contentType: 'text/plain',
      attachments: [],
      dateAdded,
    };
    if (direction === 'outbound') {
      message.source = faker.helpers.arrayElement(OUTBOUND_SOURCES);
      if (message.source === 'app') message.userId = owner.id;
      message.status = faker.helpers.weightedArrayElement([
        { weight: 85, value: 'delivered' },
        { weight: 8, value: messageType === 'TYPE_EMAIL' ? 'opened' : 'read' },
        { weight: 4, value: 'undelivered' },
        { weight: 3, value: 'failed' },
      ]);
    }
    if (messageType === 'TYPE_EMAIL') {
      message.subject = emailSubject(faker, bodyContext);
      message.emailMessageId = ctx.ids.next();
    }
    if (messageType === 'TYPE_CALL') {
      message.body = '';
      message.status = 'connected';
      message.callStatus = faker.helpers.arrayElement(CALL_STATUSES);
      message.callDuration = message.callStatus === 'completed' ? faker.number.int({ min: 15, max: 1_800 }) : 0;
    }
    if (faker.number.float() < 0.02 && messageType !== 'TYPE_CALL') {
      message.attachments = [`https://storage.sandbox.hoopai.local/attachments/${ctx.ids.next()}.jpg`];
    }
    return message;
  });
}

function channelFor(faker: Faker, type: ConversationType): string {
  const roll = faker.number.float();
  if (type === 'TYPE_EMAIL') return roll < 0.9 ? 'TYPE_EMAIL' : 'TYPE_SMS';
  if (type === 'TYPE_FB_MESSENGER') return roll < 0.6 ? 'TYPE_FACEBOOK' : 'TYPE_INSTAGRAM';
  return roll < 0.8 ? 'TYPE_SMS' : roll < 0.92 ? 'TYPE_CALL' : 'TYPE_WHATSAPP';
}

function summarize(
  faker: Faker,
  contact: ContactRecord,
  id: string,
  type: ConversationType,
  thread: MessageRecord[],
): ConversationRecord {
  const last = thread.at(-1)!;
  const lastManual = thread.findLast((message) => message.source === 'app');
  let trailingInbound = 0;
  for (let i = thread.length - 1; i >= 0 && thread[i]!.direction === 'inbound'; i--) trailingInbound++;
  return {
    id,
    locationId: contact.locationId,
    contactId: contact.id,
    type,
    ...(contact.assignedTo ? { assignedTo: contact.assignedTo } : {}),
    starred: faker.number.float() < 0.08,
    inbox: faker.number.float() < 0.95,
    unreadCount: faker.number.float() < 0.6 ? trailingInbound : 0,
    dateAdded: thread[0]!.dateAdded,
    dateUpdated: last.dateAdded,
    lastMessageDate: last.dateAdded,
    lastMessageBody: last.body,
    lastMessageType: last.messageType,
    lastMessageDirection: last.direction,
    ...(lastManual ? { lastManualMessageDate: lastManual.dateAdded } : {}),
  };
}
