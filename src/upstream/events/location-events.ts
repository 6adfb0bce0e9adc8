import { z } from 'zod';

/**
 * What the gateway tells its instances (and, through issue 12, its subscribers) about
 * changes to HoopAI data. Every event belongs to one location and travels on that
 * location's topic of its kind, so a subscriber of one location can never see another's.
 * Events carry ids, not the objects: a consumer reads the object again (through the
 * cache the event has just invalidated), so an event never spreads data a caller may not read.
 */

export const EVENT_KINDS = ['contact', 'conversation', 'message', 'app'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** HoopAI location ids are alphanumeric: no `:` (the topic separator) and no glob characters. */
const LOCATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

const eventBase = { locationId: z.string().regex(LOCATION_ID), at: z.number() };

const contactChange = z.object({
  kind: z.literal('contact'),
  ...eventBase,
  change: z.enum(['created', 'updated', 'deleted']),
  contactId: z.string(),
});

const conversationChange = z.object({
  kind: z.literal('conversation'),
  ...eventBase,
  change: z.literal('updated'),
  conversationId: z.string(),
  contactId: z.string().nullable(),
});

const messageAdded = z.object({
  kind: z.literal('message'),
  ...eventBase,
  direction: z.enum(['inbound', 'outbound']),
  /** Null when HoopAI did not say which message it stored. */
  messageId: z.string().nullable(),
  conversationId: z.string(),
  contactId: z.string().nullable(),
});

/**
 * The HoopAI app was installed in or uninstalled from the location (AppInstall / AppUninstall
 * webhooks). `companyId`: the agency, when HoopAI named it. After `uninstalled`, every instance
 * drops what it holds for the location (cached objects, tokens in memory): its next call
 * fails with REAUTH_REQUIRED until the app is installed again.
 */
const appChange = z.object({
  kind: z.literal('app'),
  ...eventBase,
  change: z.enum(['installed', 'uninstalled']),
  companyId: z.string().nullable(),
  /** Always null: kept so that every event says which contact it concerns (readers of the union rely on it). */
  contactId: z.null(),
});

const locationEvent = z.discriminatedUnion('kind', [contactChange, conversationChange, messageAdded, appChange]);

/** A contact was created, changed (fields, tags, DND) or deleted. */
export type ContactChange = z.infer<typeof contactChange>;
/** A conversation's summary changed (last message, unread count). */
export type ConversationChange = z.infer<typeof conversationChange>;
/** A message was sent or received. */
export type MessageAdded = z.infer<typeof messageAdded>;
/** The HoopAI app was installed in or uninstalled from a location. */
export type AppChange = z.infer<typeof appChange>;
export type LocationEvent = z.infer<typeof locationEvent>;
export type EventOfKind<K extends EventKind> = Extract<LocationEvent, { kind: K }>;

/** An event as subscribers receive it: stamped with the id of the instance that published it. */
export type ReceivedEvent<E extends LocationEvent = LocationEvent> = E & { origin: string };

/** `location:<locationId>:<kind>`: every topic names its tenant. */
export type LocationTopic<K extends EventKind = EventKind> = `location:${string}:${K}`;

export function locationTopic<K extends EventKind>(locationId: string, kind: K): LocationTopic<K> {
  if (!LOCATION_ID.test(locationId)) throw new Error(`not a HoopAI location id: ${JSON.stringify(locationId)}`);
  return `location:${locationId}:${kind}`;
}

/** The one topic an event belongs on. */
export function topicOf(event: LocationEvent): LocationTopic {
  return locationTopic(event.locationId, event.kind);
}

/** How an event travels between instances. */
const envelope = z.object({ origin: z.string().min(1), event: locationEvent });

export function envelopeOf(event: ReceivedEvent): string {
  const { origin, ...rest } = event;
  return JSON.stringify({ origin, event: rest });
}

/**
 * An event received from another instance, checked: undefined unless it is a well-formed
 * event that belongs on `topic` and names its origin. Nothing else reaches a subscriber.
 */
export function readEnvelope(topic: string, text: string): ReceivedEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = envelope.safeParse(value);
  if (!parsed.success || topicOf(parsed.data.event) !== topic) return undefined;
  return { ...parsed.data.event, origin: parsed.data.origin };
}
