import { z } from 'zod';
import type { ContactRecord, ConversationRecord } from './types';

/**
 * `GET /conversations/search`: filters, then a date sort paged by `startAfterDate` (the
 * sort value of the last conversation seen). Sort values are unique per location (seed
 * dates are distinct; writes take `store.timestamp()`), so the cursor neither skips nor
 * repeats. Conversations without a value for the sort field are left out.
 */

/**
 * `sortBy` exactly as conversations.json lists it. The sandbox keeps no score profiles and
 * no due dates, so sorting by `score_profile`, `overdue_at` or `due_at` is accepted and
 * finds nothing (conversations without a sort value are left out, as below).
 */
export const CONVERSATION_SORT_BY = ['last_manual_message_date', 'last_message_date', 'score_profile', 'overdue_at', 'due_at'] as const;

const SORT_FIELDS: Record<(typeof CONVERSATION_SORT_BY)[number], (c: ConversationRecord) => number | undefined> = {
  last_manual_message_date: (c) => c.lastManualMessageDate,
  last_message_date: (c) => c.lastMessageDate,
  score_profile: () => undefined,
  overdue_at: () => undefined,
  due_at: () => undefined,
};

const epochMs = z.coerce.number().int().min(0);

/**
 * The query as conversations.json documents it. Its only refusal status is 400, so a
 * refusal answers 400 (BadRequestDTO), not the 422 other routes use. `limit` is a number
 * with a default of 20 and no documented bound: any whole number is taken as it is (the
 * sandbox's largest location has 600 conversations), a fraction is cut to a whole one.
 */
export const conversationSearchQuery = z
  .object({
    locationId: z.string().min(1),
    contactId: z.string().optional(),
    id: z.string().optional(),
    assignedTo: z.string().optional(),
    query: z.string().optional(),
    sort: z.enum(['asc', 'desc']).default('desc'),
    sortBy: z.enum(CONVERSATION_SORT_BY).default('last_message_date'),
    startAfterDate: epochMs.optional(),
    limit: z.coerce
      .number()
      .refine(Number.isFinite, 'limit must be a number conforming to the specified constraints')
      .transform((value) => Math.max(0, Math.trunc(value)))
      .default(20),
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
