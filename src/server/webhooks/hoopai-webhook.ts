import { createHash } from 'node:crypto';
import type { LocationEvent } from '../../upstream/events/index';
import { epochMs } from '../../upstream/crm-cache/records';

/**
 * A verified HoopAI delivery, read leniently (FACTS.md: parse leniently; payloads follow
 * ../shared/upstream/hoopai/webhooks/): only what the gateway acts on is required, unknown
 * fields and unknown types are accepted and ignored.
 */
export interface HoopaiWebhook {
  /** `webhookId`, or the SHA-256 of the body when HoopAI sent none (a redelivery sends the same bytes). */
  deliveryId: string;
  /** The event type as HoopAI names it (`ContactUpdate`, `INSTALL`, …); '' when absent. */
  type: string;
  /** A bounded name for metrics and logs (see WEBHOOK_TYPE_LABELS). */
  typeLabel: WebhookTypeLabel;
  /** `timestamp` (ISO, or epoch ms) as epoch ms; undefined when absent or unreadable. */
  timestamp: number | undefined;
  payload: Record<string, unknown>;
}

/** The event types the gateway acts on, plus `other` (acknowledged, ignored) and `unknown` (refused before it was read). */
export const WEBHOOK_TYPE_LABELS = [
  'ContactCreate',
  'ContactUpdate',
  'ContactDelete',
  'ContactTagUpdate',
  'ContactDndUpdate',
  'InboundMessage',
  'OutboundMessage',
  'ConversationUnreadUpdate',
  'AppInstall',
  'AppUninstall',
  'other',
  'unknown',
] as const;
export type WebhookTypeLabel = (typeof WEBHOOK_TYPE_LABELS)[number];

/** Payload `type` values that differ from the documented event name. */
const TYPE_ALIASES: Record<string, WebhookTypeLabel> = {
  INSTALL: 'AppInstall',
  UNINSTALL: 'AppUninstall',
  ConversationUnreadWebhook: 'ConversationUnreadUpdate',
};

const MAX_DELIVERY_ID = 200;

/** The delivery, or undefined when the body is not a JSON object. */
export function readWebhook(body: Uint8Array): HoopaiWebhook | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const fields = payload as Record<string, unknown>;
  const type = text(fields.type) ?? '';
  const webhookId = text(fields.webhookId);
  return {
    deliveryId: webhookId && webhookId.length <= MAX_DELIVERY_ID ? webhookId : `sha256:${createHash('sha256').update(body).digest('hex')}`,
    type,
    typeLabel: typeLabelOf(type),
    timestamp: epochMs(fields.timestamp) ?? undefined,
    payload: fields,
  };
}

export function typeLabelOf(type: string): WebhookTypeLabel {
  const label = TYPE_ALIASES[type] ?? type;
  return (WEBHOOK_TYPE_LABELS as readonly string[]).includes(label) && label !== 'other' && label !== 'unknown' ? (label as WebhookTypeLabel) : 'other';
}

/** What an AppInstall / AppUninstall says; a location, an agency, or both. */
export interface AppInstallChange {
  change: 'installed' | 'uninstalled';
  locationId?: string;
  companyId?: string;
}

/** What a delivery changes: the events to apply and publish, and an install to record. */
export interface WebhookEffects {
  /** When the change happened (epoch ms): every event's `at`. */
  at: number;
  events: LocationEvent[];
  install?: AppInstallChange;
}

/** HoopAI location ids are alphanumeric (the event topics rely on it). */
const LOCATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The changes a delivery names. Contacts: the contact (fields, tags, DND, deletion).
 * Messages: the message and its conversation (last message, unread count). Unread changes:
 * the conversation. Installs: the location (or agency). Anything else, or a delivery that
 * does not say which location or object it is about, changes nothing.
 */
export function effectsOf(webhook: HoopaiWebhook, at: number): WebhookEffects {
  const p = webhook.payload;
  const locationId = text(p.locationId);
  const validLocation = locationId !== undefined && LOCATION_ID.test(locationId) ? locationId : undefined;
  const base = { locationId: validLocation!, at };
  switch (webhook.typeLabel) {
    case 'ContactCreate':
    case 'ContactUpdate':
    case 'ContactTagUpdate':
    case 'ContactDndUpdate':
    case 'ContactDelete': {
      const contactId = text(p.id) ?? text(p.contactId);
      if (!validLocation || !contactId) return { at, events: [] };
      const change = webhook.typeLabel === 'ContactCreate' ? 'created' : webhook.typeLabel === 'ContactDelete' ? 'deleted' : 'updated';
      return { at, events: [{ kind: 'contact', change, contactId, ...base }] };
    }
    case 'InboundMessage':
    case 'OutboundMessage': {
      const conversationId = text(p.conversationId);
      if (!validLocation || !conversationId) return { at, events: [] };
      const contactId = text(p.contactId) ?? null;
      const direction = p.direction === 'inbound' || p.direction === 'outbound' ? p.direction : webhook.typeLabel === 'InboundMessage' ? 'inbound' : 'outbound';
      return {
        at,
        events: [
          { kind: 'conversation', change: 'updated', conversationId, contactId, ...base },
          { kind: 'message', direction, messageId: text(p.messageId) ?? null, conversationId, contactId, ...base },
        ],
      };
    }
    case 'ConversationUnreadUpdate': {
      const conversationId = text(p.id) ?? text(p.conversationId);
      if (!validLocation || !conversationId) return { at, events: [] };
      return { at, events: [{ kind: 'conversation', change: 'updated', conversationId, contactId: text(p.contactId) ?? null, ...base }] };
    }
    case 'AppInstall':
    case 'AppUninstall': {
      const change = webhook.typeLabel === 'AppInstall' ? 'installed' : 'uninstalled';
      const companyId = text(p.companyId);
      if (!validLocation && !companyId) return { at, events: [] };
      const events: LocationEvent[] = validLocation ? [{ kind: 'app', change, companyId: companyId ?? null, contactId: null, ...base }] : [];
      return { at, events, install: { change, locationId: validLocation, companyId } };
    }
    default:
      return { at, events: [] };
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
