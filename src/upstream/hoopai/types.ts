/**
 * HoopAI wire shapes as the API sends them (OpenAPI + FACTS.md), not as the schema shows
 * them. Anything the upstream may leave out is optional; open-ended strings stay `string`.
 */

export interface DndSetting {
  status: string;
  message?: string;
  code?: string;
}

export interface CustomFieldValue {
  id: string;
  value?: unknown;
}

/** `GET /contacts/:id`, create, update (GetContectByIdSchema). */
export interface Contact {
  id: string;
  locationId: string;
  name?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  timezone?: string;
  dnd?: boolean;
  dndSettings?: Partial<Record<string, DndSetting>>;
  type?: string;
  source?: string;
  assignedTo?: string;
  address1?: string;
  city?: string;
  state?: string;
  country?: string;
  postalCode?: string;
  website?: string;
  tags?: string[];
  /** ISO date-time (midnight UTC). */
  dateOfBirth?: string;
  dateAdded?: string;
  dateUpdated?: string;
  lastActivity?: string | number;
  customFields?: CustomFieldValue[];
}

/** A `POST /contacts/search` hit: `address` instead of `address1`, epoch-ms `dateOfBirth`, its own cursor. */
export interface SearchContact extends Omit<Contact, 'address1' | 'dateOfBirth'> {
  address?: string;
  dateOfBirth?: number;
  /** Cursor to pass as `searchAfter` to continue after this contact (beyond 10,000 results). */
  searchAfter?: (string | number | null)[];
}

export interface ContactSearchResult {
  contacts: SearchContact[];
  total: number;
  traceId?: string;
}

export type ContactSearchFilter =
  | { field: string; operator: string; value?: unknown }
  | { group: 'AND' | 'OR'; filters: ContactSearchFilter[] };

/** `POST /contacts/search` body, without `locationId` (the client adds it). */
export interface ContactSearchParams {
  /** ≤ 500. */
  pageLimit: number;
  /** 1-based offset page; only up to 10,000 results. Never together with `searchAfter`. */
  page?: number;
  searchAfter?: (string | number | null)[];
  /** ≤ 75 characters. */
  query?: string;
  filters?: ContactSearchFilter[];
  sort?: { field: string; direction: 'asc' | 'desc' }[];
}

/** Create/update fields (CreateContactDto / UpdateContactDto). On update, `tags` REPLACES all tags. */
export interface ContactInput {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  companyName?: string | null;
  address1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string;
  country?: string;
  website?: string | null;
  timezone?: string | null;
  source?: string | null;
  assignedTo?: string | null;
  dateOfBirth?: string | null;
  dnd?: boolean;
  dndSettings?: Partial<Record<string, DndSetting>>;
  tags?: string[];
  customFields?: { id: string; key?: string; field_value?: unknown }[];
}

/** A `GET /conversations/search` item. */
export interface ConversationSearchItem {
  id: string;
  contactId: string;
  locationId: string;
  lastMessageBody?: string;
  lastMessageType?: string;
  lastMessageDirection?: string;
  /** Epoch ms (live API; the cursor is built from it). */
  lastMessageDate?: number;
  /** `TYPE_PHONE`, `TYPE_EMAIL`, … */
  type?: string;
  unreadCount?: number;
  fullName?: string;
  contactName?: string;
  email?: string;
  phone?: string;
  tags?: string[];
  assignedTo?: string;
  starred?: boolean;
  /** Sort values of this item: `startAfterDate` for the next page. */
  sort?: (string | number)[];
}

export interface ConversationSearchResult {
  conversations: ConversationSearchItem[];
  total: number;
  traceId?: string;
}

/** The `sortBy` values conversations.json lists; HoopAI refuses any other with a 400. */
export type ConversationSortBy = 'last_manual_message_date' | 'last_message_date' | 'score_profile' | 'overdue_at' | 'due_at';

/**
 * `GET /conversations/search` query, without `locationId` (the client adds it). Every
 * field takes only what conversations.json documents, so the gateway cannot send a value
 * HoopAI refuses (test/upstream-hoopai-spec-parameters.test.ts).
 */
export interface ConversationSearchParams {
  contactId?: string;
  assignedTo?: string;
  query?: string;
  sort?: 'asc' | 'desc';
  sortBy?: ConversationSortBy;
  /** The sort value of the last item seen (cursor). */
  startAfterDate?: number;
  /** Default 20. */
  limit?: number;
  status?: 'all' | 'read' | 'unread' | 'starred' | 'recents';
  lastMessageType?: string;
  lastMessageDirection?: 'inbound' | 'outbound';
}

/** `GET /conversations/:id`: here `type` is a number (1 phone … 5 group SMS). */
export interface Conversation {
  id: string;
  contactId: string;
  locationId: string;
  deleted?: boolean;
  inbox?: boolean;
  type?: number;
  unreadCount?: number;
  assignedTo?: string;
  starred?: boolean;
  lastMessageBody?: string;
  lastMessageType?: string;
  lastMessageDate?: number;
}

export interface Message {
  id: string;
  /** Numeric channel type. */
  type?: number;
  /** `TYPE_SMS`, `TYPE_EMAIL`, … */
  messageType?: string;
  locationId?: string;
  contactId?: string;
  conversationId?: string;
  dateAdded?: string;
  body?: string;
  direction?: string;
  status?: string;
  contentType?: string;
  attachments?: string[];
  source?: string;
  userId?: string;
  conversationProviderId?: string;
  meta?: Record<string, unknown>;
}

/** One page of a conversation's messages; the same whether the upstream nested it or not. */
export interface MessagePage {
  /** Pass as `lastMessageId` for the next page. */
  lastMessageId?: string;
  nextPage: boolean;
  messages: Message[];
}

export interface MessageListParams {
  lastMessageId?: string;
  limit?: number;
  type?: string;
}

/** `POST /conversations/messages` body (SendMessageBodyDto, the fields the gateway uses). */
export interface SendMessageInput {
  type: string;
  contactId: string;
  message?: string;
  html?: string;
  subject?: string;
  attachments?: string[];
  emailFrom?: string;
  emailTo?: string;
  replyMessageId?: string;
  /** UTC seconds; a future time schedules the message. */
  scheduledTimestamp?: number;
}

export interface SendMessageResult {
  conversationId: string;
  messageId?: string;
  /** GMB sends answer a list instead of `messageId`. */
  messageIds?: string[];
  emailMessageId?: string;
  msg?: string;
  status?: string;
}

/** `GET /locations/:locationId` → `{location}` (a sub-account); the gateway relies on `id` and `name`. */
export interface HoopaiLocation {
  id: string;
  name: string;
  companyId?: string;
  timezone?: string;
  [field: string]: unknown;
}
