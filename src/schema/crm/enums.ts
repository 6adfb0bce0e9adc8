import { builder } from '../../builder';

/**
 * Enums over HoopAI's open-ended strings. A value this API does not know yet becomes
 * UNKNOWN, never an error; the raw string stays readable next to it.
 */

const UNKNOWN = { UNKNOWN: 'A value HoopAI sent that this API does not know yet; see the raw value beside it.' };

const CONVERSATION_TYPES = {
  PHONE: 'SMS, calls and other phone channels.',
  EMAIL: 'Email.',
  FB_MESSENGER: 'Facebook Messenger and Instagram.',
  REVIEW: 'Review replies.',
  GROUP_SMS: 'Group SMS.',
} as const;

const MESSAGE_TYPES = {
  SMS: 'SMS.',
  EMAIL: 'Email.',
  CALL: 'A phone call.',
  WHATSAPP: 'WhatsApp.',
  FACEBOOK: 'Facebook Messenger.',
  INSTAGRAM: 'Instagram.',
  GMB: 'Google Business Profile.',
  CUSTOM_SMS: 'A custom SMS provider.',
  LIVE_CHAT: 'Website live chat.',
} as const;

const DIRECTIONS = { INBOUND: 'From the contact.', OUTBOUND: 'To the contact.' } as const;

const MESSAGE_STATUSES = {
  PENDING: 'Accepted, not sent yet.',
  SCHEDULED: 'Will be sent at a later time.',
  SENT: 'Sent.',
  DELIVERED: 'Delivered.',
  READ: 'Read.',
  UNDELIVERED: 'Could not be delivered.',
  FAILED: 'Failed.',
  OPENED: 'Opened (email).',
  CLICKED: 'A link was clicked (email).',
  CONNECTED: 'Connected (call).',
} as const;

function enumValues<Name extends string>(descriptions: Record<Name, string>) {
  return Object.fromEntries(Object.entries(descriptions).map(([name, description]) => [name, { value: name, description }])) as {
    [Key in Name]: { value: Key; description: string };
  };
}

export const ConversationTypeEnum = builder.enumType('ConversationType', {
  description: 'The channel family of a conversation.',
  values: enumValues({ ...CONVERSATION_TYPES, ...UNKNOWN }),
});

export const MessageTypeEnum = builder.enumType('MessageType', {
  description: 'The channel a message went through.',
  values: enumValues({ ...MESSAGE_TYPES, ...UNKNOWN }),
});

export const MessageDirectionEnum = builder.enumType('MessageDirection', {
  description: 'Whether a message came from the contact or went to it.',
  values: enumValues({ ...DIRECTIONS, ...UNKNOWN }),
});

export const MessageStatusEnum = builder.enumType('MessageStatus', {
  description: 'Where a message is in its delivery.',
  values: enumValues({ ...MESSAGE_STATUSES, ...UNKNOWN }),
});

/** HoopAI spells types `TYPE_SMS`, directions and statuses in lower case; matching ignores both. */
function known<Name extends string>(names: Record<Name, string>, raw: string | null): Name | 'UNKNOWN' {
  const upper = (raw ?? '').toUpperCase().replace(/^TYPE_/, '');
  return Object.hasOwn(names, upper) ? (upper as Name) : 'UNKNOWN';
}

export const conversationTypeOf = (raw: string | null) => known(CONVERSATION_TYPES, raw);
export const messageTypeOf = (raw: string | null) => known(MESSAGE_TYPES, raw);
export const directionOf = (raw: string | null) => known(DIRECTIONS, raw);
export const messageStatusOf = (raw: string | null) => known(MESSAGE_STATUSES, raw);
