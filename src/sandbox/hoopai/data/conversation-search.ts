import { z } from 'zod';
import type { ContactRecord, ConversationRecord } from './types';

/**
 * `GET /conversations/search`: filters, then a date sort paged by `startAfterDate` (the
 * sort value of the last conversation seen). Sort values are unique per location (seed
 * dates are distinct; writes take `store.timestamp()`), so the cursor neither skips nor
 * repeats. Conversations without a value for the sort field are left out.
 */

const SORT_FIELDS = {
  last_message_date: (c: ConversationRecord) => c.lastMessageDate,
  last_manual_message_date: (c: ConversationRecord) => c.lastManualMessageDate,
  date_added: (c: ConversationRecord) => c.dateAdded,
  date_updated: (c: ConversationRecord) => c.dateUpdated,
} as const;

const epochMs = z.coerce.number().int().min(0);

export const conversationSearchQuery = z
  .object({
    locationId: z.string().min(1),
    contactId: z.string().optional(),
    id: z.string().optional(),
    assignedTo: z.string().optional(),
    query: z.string().optional(),
    sort: z.enum(['asc', 'desc']).default('desc'),
    sortBy: z.enum(Object.keys(SORT_FIELDS) as [keyof typeof SORT_FIELDS]).default('last_message_date'),
    startAfterDate: epochMs.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    status: z.enum(['all', 'read', 'unread', 'starred', 'recents']).default('all'),
    lastMessageType: z.string().optional(),
    lastMessageDirection: z.enum(['inbound', 'outbound']).optional(),
    lastMessageAction: z.enum(['automated', 'manual']).optional(),
    startDate: epochMs.optional(),
    endDate: epochMs.optional(),
    // Documented, but the sandbox keeps no followers, mentions or scores: accepted, never filtering.
    followers: z.string().optional(),
    mentions: z.string().optional(),
    sortScoreProfile: z.string().optional(),
    scoreProfile: z.string().optional(),
    scoreProfileMin: z.coerce.number().optional(),
    scoreProfileMax: z.coerce.number().optional(),
  })
  .strict();

export type ConversationSearchQuery = z.infer<typeof conversationSearchQuery>;

export interface ConversationPage {
  conversations: { conversation: ConversationRecord; sortValue: number }[];
  total: number;
}

export function searchConversations(
  all: Iterable<ConversationRecord>,
  contactOf: (conversation: ConversationRecord) => ContactRecord | undefined,
  query: ConversationSearchQuery,
): ConversationPage {
  const sortValueOf = SORT_FIELDS[query.sortBy];
  const keep = conversationFilter(query, contactOf);
  const matching: { conversation: ConversationRecord; sortValue: number }[] = [];
  for (const conversation of all) {
    const sortValue = sortValueOf(conversation);
    if (sortValue !== undefined && keep(conversation)) matching.push({ conversation, sortValue });
  }
  const direction = query.sort === 'asc' ? 1 : -1;
  matching.sort((a, b) => direction * (a.sortValue - b.sortValue));

  const cursor = query.startAfterDate;
  const after = cursor === undefined ? matching : matching.filter(({ sortValue }) => direction * (sortValue - cursor) > 0);
  return { conversations: after.slice(0, query.limit), total: matching.length };
}

function conversationFilter(
  query: ConversationSearchQuery,
  contactOf: (conversation: ConversationRecord) => ContactRecord | undefined,
): (conversation: ConversationRecord) => boolean {
  const assignees = query.assignedTo?.split(',').map((id) => id.trim()).filter(Boolean);
  const needle = query.query?.trim().toLowerCase();
  return (c) => {
    if (query.contactId && c.contactId !== query.contactId) return false;
    if (query.id && c.id !== query.id) return false;
    if (assignees && !assignees.some((id) => (id === 'unassigned' ? !c.assignedTo : c.assignedTo === id))) return false;
    if (query.status === 'read' && c.unreadCount > 0) return false;
    if (query.status === 'unread' && c.unreadCount === 0) return false;
    if (query.status === 'starred' && !c.starred) return false;
    if (query.status === 'recents' && !c.inbox) return false;
    if (query.lastMessageType && c.lastMessageType !== query.lastMessageType) return false;
    if (query.lastMessageDirection && c.lastMessageDirection !== query.lastMessageDirection) return false;
    if (query.lastMessageAction && query.lastMessageAction !== lastMessageAction(c)) return false;
    if (query.startDate !== undefined && c.lastMessageDate < query.startDate) return false;
    if (query.endDate !== undefined && c.lastMessageDate > query.endDate) return false;
    if (needle) {
      const contact = contactOf(c);
      const haystack = [contact?.firstName, contact?.lastName, contact?.email, contact?.phone].filter(Boolean).join(' ').toLowerCase();
      if (!haystack.includes(needle)) return false;
    }
    return true;
  };
}

/** Outbound last messages are `manual` when a person sent them, `automated` otherwise. */
function lastMessageAction(c: ConversationRecord): 'manual' | 'automated' | undefined {
  if (c.lastMessageDirection !== 'outbound') return undefined;
  return c.lastManualMessageDate === c.lastMessageDate ? 'manual' : 'automated';
}
