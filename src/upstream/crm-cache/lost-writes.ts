import type { HoopaiClient } from '../hoopai/client';
import type { SendMessageResult } from '../hoopai/types';
import type { CallOptions } from '../http/call-scope';
import { type CrmContact, epochMs, toCrmContact } from './records';

/**
 * Finding a write whose answer was lost (a timeout, a reset connection), so that a retry
 * answers it instead of writing a second time. Both look for what the write would have
 * made, at or after the moment the lost attempt started, less `CLOCK_SKEW_MS` (HoopAI
 * stamps with its own clock). Neither can tell two identical writes apart: two keys that
 * send the same text to the same contact within that window may be matched to one message.
 */

/** How far HoopAI's timestamps may run behind the gateway's. */
export const CLOCK_SKEW_MS = 10_000;

/** How many of a contact's conversations, and of each one's newest messages, are looked through. */
const CONVERSATIONS_LOOKED_AT = 5;
const MESSAGES_LOOKED_AT = 20;

/**
 * The contact a lost create made: the location's contact with the same email or phone
 * (HoopAI's duplicate rule, `GET /contacts/search/duplicate`), added since `since`. A match
 * older than that is someone else's contact (the lost create was refused as a duplicate).
 * Without an email or phone there is nothing to look up.
 */
export async function findCreatedContact(
  client: HoopaiClient,
  locationId: string,
  match: { email?: string | null; phone?: string | null },
  since: number,
  options: CallOptions,
): Promise<CrmContact | undefined> {
  const email = match.email ?? undefined;
  const phone = match.phone ?? undefined;
  if (!email && !phone) return undefined;
  const found = await client.findDuplicateContact(locationId, { email, phone }, options);
  if (!found) return undefined;
  const contact = toCrmContact(found);
  if (contact.locationId !== locationId || (contact.dateAdded ?? 0) < since - CLOCK_SKEW_MS) return undefined;
  return contact;
}

/**
 * The message a lost send sent: an outbound message with the same text in one of the
 * contact's conversations, added since `since` (the newest such, looking at the newest
 * messages of the contact's most recent conversations).
 */
export async function findSentMessage(
  client: HoopaiClient,
  locationId: string,
  sent: { contactId: string; body: string },
  since: number,
  options: CallOptions,
): Promise<SendMessageResult | undefined> {
  const { conversations } = await client.searchConversations(locationId, { contactId: sent.contactId, limit: CONVERSATIONS_LOOKED_AT }, options);
  for (const conversation of conversations) {
    if (conversation.contactId !== undefined && conversation.contactId !== sent.contactId) continue;
    const page = await client.getMessages(locationId, conversation.id, { limit: MESSAGES_LOOKED_AT }, options);
    const message = page.messages.find(
      (candidate) => candidate.direction === 'outbound' && candidate.body === sent.body && (epochMs(candidate.dateAdded) ?? 0) >= since - CLOCK_SKEW_MS,
    );
    if (message) return { conversationId: conversation.id, messageId: message.id };
  }
  return undefined;
}
