import { conversationUnreadEvent } from './conversation-events';
import type { WebhookEvent } from '../world';
import { SANDBOX_LOCATIONS } from '../locations';
import { IdGenerator, seedFrom } from './ids';
import { recordMessage, replySubject } from './messaging';
import { messageWebhookEvent } from './message-events';
import { SEND_CHANNELS } from './channels';
import { defaultEmailSender } from './location-data';
import { seedLocationData } from './seed';
import { unknownContact, unprocessable } from './upstream-errors';
import type { ContactRecord, ConversationRecord, LocationData, MessageRecord } from './types';

export const DEFAULT_SEARCH_WINDOW = 10_000;
const SEARCH_WINDOW_ENV = 'HOOPAI_SANDBOX_SEARCH_WINDOW';

export interface HoopaiStoreOptions {
  /** See `HoopaiStore.searchWindowLimit`; overrides `HOOPAI_SANDBOX_SEARCH_WINDOW`. */
  searchWindowLimit?: number;
}

export interface InboundMessageResult {
  conversation: ConversationRecord;
  message: MessageRecord;
  /** The `InboundMessage` webhook; the caller emits it (the store knows no dispatcher). */
  event: WebhookEvent;
  /** Then `ConversationUnreadWebhook`: the message raised the conversation's unread count. */
  unreadEvent: WebhookEvent;
}

/**
 * The HoopAI sandbox's data: contacts, conversations and messages of the sandbox
 * locations. Each location's seed is copied in on first use, so a store that only ever
 * sees one location never pays for the others; `reset()` drops every copy.
 */
export class HoopaiStore {
  /**
   * How many results `page`-based contact search may reach (`page * pageLimit`), like the
   * upstream's 10,000; past it only `searchAfter` pages on. Tests turn it down.
   */
  searchWindowLimit: number;
  private readonly locations = new Map<string, LocationData>();
  private readonly ids = new IdGenerator(seedFrom('hoopai-sandbox:writes'));
  private lastTimestamp = 0;

  constructor(options: HoopaiStoreOptions = {}) {
    this.searchWindowLimit = options.searchWindowLimit ?? searchWindowFromEnv() ?? DEFAULT_SEARCH_WINDOW;
  }

  /** Back to the seed: every write is forgotten and new ids start over. */
  reset(): void {
    this.locations.clear();
    this.ids.restart();
    this.lastTimestamp = 0;
  }

  /** A sandbox location's data, or undefined for a location the sandbox does not have. */
  location(locationId: string): LocationData | undefined {
    let data = this.locations.get(locationId);
    if (!data && SANDBOX_LOCATIONS.some((location) => location.id === locationId)) {
      data = seedLocationData(locationId);
      this.locations.set(locationId, data);
    }
    return data;
  }

  contact(contactId: string): ContactRecord | undefined {
    return this.find((data) => data.contacts.get(contactId));
  }

  conversation(conversationId: string): ConversationRecord | undefined {
    return this.find((data) => data.conversations.get(conversationId));
  }

  /** A conversation's messages, oldest first (the live array: append-only). */
  messages(conversation: ConversationRecord): MessageRecord[] {
    const data = this.location(conversation.locationId)!;
    let thread = data.messages.get(conversation.id);
    if (!thread) {
      thread = [];
      data.messages.set(conversation.id, thread);
    }
    return thread;
  }

  /** The contact's conversation: HighLevel keeps one thread per contact. */
  conversationOfContact(contact: ContactRecord): ConversationRecord | undefined {
    for (const conversation of this.location(contact.locationId)!.conversations.values()) {
      if (conversation.contactId === contact.id) return conversation;
    }
    return undefined;
  }

  /** Another contact of the location with this email (case-insensitive) or phone. */
  duplicateOf(locationId: string, email: string | undefined, phone: string | undefined, exceptId?: string) {
    const wanted = email?.toLowerCase();
    for (const contact of this.location(locationId)!.contacts.values()) {
      if (contact.id === exceptId) continue;
      if (wanted && contact.email?.toLowerCase() === wanted) return { contact, matchingField: 'email' as const };
      if (phone && contact.phone === phone) return { contact, matchingField: 'phone' as const };
    }
    return undefined;
  }

  /** Inserts the contact, or replaces the stored one with the same id. */
  saveContact(contact: ContactRecord): void {
    this.location(contact.locationId)!.contacts.set(contact.id, contact);
  }

  /** Removes the contact with its conversation and messages (nothing may point at it after). */
  deleteContact(contact: ContactRecord): void {
    const data = this.location(contact.locationId)!;
    data.contacts.delete(contact.id);
    const conversation = this.conversationOfContact(contact);
    if (conversation) {
      data.conversations.delete(conversation.id);
      data.messages.delete(conversation.id);
    }
  }

  addConversation(conversation: ConversationRecord): void {
    this.location(conversation.locationId)!.conversations.set(conversation.id, conversation);
  }

  newId(): string {
    return this.ids.next();
  }

  /**
   * Epoch ms for a write, strictly increasing across the store, so date cursors
   * (`startAfterDate`) never meet two conversations with the same sort value.
   */
  timestamp(now: number): number {
    this.lastTimestamp = Math.max(now, this.lastTimestamp + 1);
    return this.lastTimestamp;
  }

  /**
   * Simulates a message the contact sends in (`type`: a send-API channel, default SMS):
   * stores it, bumps the conversation's `unreadCount` and returns the webhooks for the
   * caller to emit, in order: `InboundMessage`, then `ConversationUnreadWebhook`. Throws the
   * upstream's 400 for an unknown contact.
   */
  receiveInboundMessage(locationId: string, contactId: string, body: string, type = 'SMS', now = Date.now()): InboundMessageResult {
    const contact = this.contact(contactId);
    if (!contact || contact.locationId !== locationId) throw unknownContact(contactId);
    const channel = SEND_CHANNELS[type];
    if (!channel) throw unprocessable([`type must be one of the following values: ${Object.keys(SEND_CHANNELS).join(', ')}`]);
    const { conversation, message } = recordMessage(this, contact, {
      channel,
      direction: 'inbound',
      body,
      attachments: [],
      status: 'delivered',
      ...(type === 'Email' ? this.inboundEmailFields(contact) : {}),
      dateAdded: this.timestamp(now),
    });
    return { conversation, message, event: messageWebhookEvent(message), unreadEvent: conversationUnreadEvent(conversation) };
  }

  private inboundEmailFields(contact: ContactRecord) {
    const conversation = this.conversationOfContact(contact);
    return {
      subject: replySubject(conversation ? this.messages(conversation) : []),
      emailFrom: contact.email,
      emailTo: [defaultEmailSender(contact.locationId)],
    };
  }

  /** Looks in the locations already copied in first; copies the others in only on a miss. */
  private find<T>(lookup: (data: LocationData) => T | undefined): T | undefined {
    for (const data of this.locations.values()) {
      const found = lookup(data);
      if (found) return found;
    }
    for (const location of SANDBOX_LOCATIONS) {
      if (this.locations.has(location.id)) continue;
      const found = lookup(this.location(location.id)!);
      if (found) return found;
    }
    return undefined;
  }
}

function searchWindowFromEnv(): number | undefined {
  const raw = process.env[SEARCH_WINDOW_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${SEARCH_WINDOW_ENV} must be a positive integer, got "${raw}"`);
  return value;
}
