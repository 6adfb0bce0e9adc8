import type { Contact, Conversation, ConversationSearchItem, HoopaiLocation, Message, SearchContact } from '../hoopai/types';

/**
 * One canonical shape per HoopAI object, whichever route it came from. The routes disagree
 * (FACTS.md): search contacts say `address` and an epoch-ms `dateOfBirth`, `GET /contacts/:id`
 * says `address1` and an ISO date; search conversations carry a `TYPE_*` string where
 * `GET /conversations/:id` carries a number. Dates become epoch ms; absent stays null.
 */

export interface CrmAddress {
  line1: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  postalCode: string | null;
}

export interface CrmContact {
  id: string;
  locationId: string;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  companyName: string | null;
  tags: string[];
  dnd: boolean | null;
  source: string | null;
  assignedTo: string | null;
  timezone: string | null;
  website: string | null;
  /** `YYYY-MM-DD`. */
  dateOfBirth: string | null;
  dateAdded: number | null;
  dateUpdated: number | null;
  lastActivity: number | null;
  address: CrmAddress | null;
  customFields: { id: string; value: unknown }[];
}

/** The conversation types, as search names them; `GET /conversations/:id` numbers them 1–5 in this order. */
export const CONVERSATION_TYPES = ['TYPE_PHONE', 'TYPE_EMAIL', 'TYPE_FB_MESSENGER', 'TYPE_REVIEW', 'TYPE_GROUP_SMS'] as const;

export interface CrmConversation {
  id: string;
  locationId: string;
  contactId: string;
  /** A `TYPE_*` name (possibly one this gateway does not know yet); null when absent. */
  type: string | null;
  unreadCount: number | null;
  lastMessageBody: string | null;
  lastMessageType: string | null;
  lastMessageDate: number | null;
}

export interface CrmMessage {
  id: string;
  locationId: string;
  conversationId: string;
  contactId: string | null;
  direction: string | null;
  status: string | null;
  messageType: string | null;
  body: string | null;
  contentType: string | null;
  attachments: string[];
  dateAdded: number | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Epoch ms from an ISO string or a number; null for anything unreadable. */
export function epochMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string' || value === '') return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

function birthDate(value: unknown): string | null {
  const ms = epochMs(value);
  return ms === null ? null : new Date(ms).toISOString().slice(0, 10);
}

/** A contact from any route: get, create and update answer `Contact`; search answers `SearchContact`. */
export function toCrmContact(raw: Contact | SearchContact): CrmContact {
  const line1 = text('address1' in raw ? raw.address1 : undefined) ?? text('address' in raw ? raw.address : undefined);
  const address = {
    line1,
    city: text(raw.city),
    state: text(raw.state),
    country: text(raw.country),
    postalCode: text(raw.postalCode),
  };
  const firstName = text(raw.firstName);
  const lastName = text(raw.lastName);
  return {
    id: raw.id,
    locationId: raw.locationId,
    // Search hits carry no `name`; it is the first and last name, as `GET` composes it.
    name: text(raw.name) ?? text([firstName, lastName].filter(Boolean).join(' ')),
    firstName,
    lastName,
    email: text(raw.email),
    phone: text(raw.phone),
    companyName: text(raw.companyName),
    tags: Array.isArray(raw.tags) ? raw.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    dnd: typeof raw.dnd === 'boolean' ? raw.dnd : null,
    source: text(raw.source),
    assignedTo: text(raw.assignedTo),
    timezone: text(raw.timezone),
    website: text(raw.website),
    dateOfBirth: birthDate(raw.dateOfBirth),
    dateAdded: epochMs(raw.dateAdded),
    dateUpdated: epochMs(raw.dateUpdated),
    lastActivity: epochMs(raw.lastActivity),
    address: Object.values(address).some((part) => part !== null) ? address : null,
    customFields: (raw.customFields ?? []).map((field) => ({ id: field.id, value: field.value ?? null })),
  };
}

export function toCrmConversation(raw: Conversation | ConversationSearchItem): CrmConversation {
  const type = typeof raw.type === 'number' ? (CONVERSATION_TYPES[raw.type - 1] ?? `TYPE_${raw.type}`) : text(raw.type);
  return {
    id: raw.id,
    locationId: raw.locationId,
    contactId: raw.contactId,
    type,
    unreadCount: typeof raw.unreadCount === 'number' ? raw.unreadCount : null,
    lastMessageBody: text(raw.lastMessageBody),
    lastMessageType: text(raw.lastMessageType),
    lastMessageDate: epochMs(raw.lastMessageDate),
  };
}

/** `locationId` and `conversationId` are those the message was listed under, not trusted from its body. */
export function toCrmMessage(raw: Message, locationId: string, conversationId: string): CrmMessage {
  return {
    id: raw.id,
    locationId,
    conversationId,
    contactId: text(raw.contactId),
    direction: text(raw.direction),
    status: text(raw.status),
    messageType: text(raw.messageType),
    body: typeof raw.body === 'string' ? raw.body : null,
    contentType: text(raw.contentType),
    attachments: Array.isArray(raw.attachments) ? raw.attachments.filter((a): a is string => typeof a === 'string') : [],
    dateAdded: epochMs(raw.dateAdded),
  };
}

/** A HoopAI location (sub-account) as the graph shows it. */
export interface CrmLocation {
  id: string;
  name: string;
}

export function toCrmLocation(location: HoopaiLocation): CrmLocation {
  return { id: location.id, name: location.name };
}
