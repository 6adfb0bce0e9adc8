import type { ConversationType } from './types';

/**
 * The upstream's three vocabularies for a message channel: the REST `TYPE_*` name with its
 * number (messages), the send-API `type` (`SMS`, `Email`, …) and the webhook `messageType`.
 */

/** REST message type → its numeric `type`, in the upstream's enum order. */
export const MESSAGE_TYPE_NUMBERS: Readonly<Record<string, number>> = {
  TYPE_CALL: 1,
  TYPE_SMS: 2,
  TYPE_EMAIL: 3,
  TYPE_FACEBOOK: 11,
  TYPE_GMB: 15,
  TYPE_INSTAGRAM: 18,
  TYPE_WHATSAPP: 19,
  TYPE_CUSTOM_SMS: 20,
  TYPE_LIVE_CHAT: 29,
};

export const CONVERSATION_TYPE_NUMBERS: Readonly<Record<ConversationType, number>> = {
  TYPE_PHONE: 1,
  TYPE_EMAIL: 2,
  TYPE_FB_MESSENGER: 3,
  TYPE_REVIEW: 4,
  TYPE_GROUP_SMS: 5,
};

export interface SendChannel {
  messageType: string;
  /** The type a new conversation gets when this channel opens it. */
  conversationType: ConversationType;
  webhookMessageType: string;
}

/** `POST /conversations/messages` `type` values the sandbox can deliver. */
export const SEND_CHANNELS: Readonly<Record<string, SendChannel>> = {
  SMS: { messageType: 'TYPE_SMS', conversationType: 'TYPE_PHONE', webhookMessageType: 'SMS' },
  Email: { messageType: 'TYPE_EMAIL', conversationType: 'TYPE_EMAIL', webhookMessageType: 'Email' },
  WhatsApp: { messageType: 'TYPE_WHATSAPP', conversationType: 'TYPE_PHONE', webhookMessageType: 'WhatsApp' },
  IG: { messageType: 'TYPE_INSTAGRAM', conversationType: 'TYPE_FB_MESSENGER', webhookMessageType: 'IG' },
  FB: { messageType: 'TYPE_FACEBOOK', conversationType: 'TYPE_FB_MESSENGER', webhookMessageType: 'FB' },
  Custom: { messageType: 'TYPE_CUSTOM_SMS', conversationType: 'TYPE_PHONE', webhookMessageType: 'Custom' },
  Live_Chat: { messageType: 'TYPE_LIVE_CHAT', conversationType: 'TYPE_PHONE', webhookMessageType: 'Live_Chat' },
};

const WEBHOOK_MESSAGE_TYPES: Readonly<Record<string, string>> = {
  TYPE_CALL: 'CALL',
  TYPE_SMS: 'SMS',
  TYPE_EMAIL: 'Email',
  TYPE_FACEBOOK: 'FB',
  TYPE_GMB: 'GMB',
  TYPE_INSTAGRAM: 'IG',
  TYPE_WHATSAPP: 'WhatsApp',
  TYPE_CUSTOM_SMS: 'Custom',
  TYPE_LIVE_CHAT: 'Live_Chat',
};

/** The webhook `messageType` for a REST `TYPE_*` name (webhooks do not use `TYPE_*`). */
export function webhookMessageType(messageType: string): string {
  return WEBHOOK_MESSAGE_TYPES[messageType] ?? messageType.replace(/^TYPE_/, '');
}

