/**
 * The sandbox's stored records. They hold the upstream's data once, in one internal form;
 * the `*-shapes.ts` modules render the different wire shapes the live API answers with.
 * Dates are epoch ms so sorting and cursors never parse strings.
 */

export type DndChannel = 'Call' | 'Email' | 'SMS' | 'WhatsApp' | 'GMB' | 'FB';

export interface DndSetting {
  status: 'active' | 'inactive' | 'permanent';
  message?: string;
  code?: string;
}

export interface CustomFieldValue {
  id: string;
  value: string;
}

export interface ContactRecord {
  id: string;
  locationId: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  source?: string;
  tags: string[];
  dnd: boolean;
  dndSettings?: Partial<Record<DndChannel, DndSetting>>;
  assignedTo?: string;
  address1?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  website?: string;
  timezone?: string;
  /** Calendar date `YYYY-MM-DD`; rendered as ISO midnight UTC or epoch ms depending on the route. */
  dateOfBirth?: string;
  type: 'lead' | 'customer';
  customFields: CustomFieldValue[];
  dateAdded: number;
  dateUpdated: number;
  lastActivity?: number;
}

/** REST conversation channel; `GET /conversations/:id` renders it as its number (1–5). */
export type ConversationType = 'TYPE_PHONE' | 'TYPE_EMAIL' | 'TYPE_FB_MESSENGER' | 'TYPE_REVIEW' | 'TYPE_GROUP_SMS';

export type MessageDirection = 'inbound' | 'outbound';

export interface ConversationRecord {
  id: string;
  locationId: string;
  contactId: string;
  type: ConversationType;
  assignedTo?: string;
  starred: boolean;
  /** False once archived out of the main inbox. */
  inbox: boolean;
  unreadCount: number;
  dateAdded: number;
  dateUpdated: number;
  lastMessageDate: number;
  lastMessageBody: string;
  /** REST `TYPE_*` message type of the newest message. */
  lastMessageType: string;
  lastMessageDirection: MessageDirection;
  /** Newest outbound message a user sent by hand; absent when there is none. */
  lastManualMessageDate?: number;
}

export interface MessageRecord {
  id: string;
  locationId: string;
  contactId: string;
  conversationId: string;
  /** REST `TYPE_*` name; its number comes from `channels.ts`. */
  messageType: string;
  direction: MessageDirection;
  status: string;
  body: string;
  contentType: string;
  attachments: string[];
  /** Who produced an outbound message (`app` = a user by hand); absent on inbound ones. */
  source?: 'workflow' | 'bulk_actions' | 'campaign' | 'api' | 'app';
  userId?: string;
  dateAdded: number;
  subject?: string;
  emailMessageId?: string;
  emailFrom?: string;
  emailTo?: string[];
  callDuration?: number;
  callStatus?: string;
}

/** Everything one location holds. Conversation messages are kept oldest first. */
export interface LocationData {
  contacts: Map<string, ContactRecord>;
  conversations: Map<string, ConversationRecord>;
  messages: Map<string, MessageRecord[]>;
}
