import { builder } from '../../../builder';
import type { Context } from '../../../context';
import { callOptions } from '../access';
import { locatedPayload } from '../ids';
import { conversationKey, crmLoaders } from '../loaders';
import { messageLoader } from '../message-lookup';
import { nullWhenMissing } from '../node-loading';
import { ConversationRef, MessageRef } from '../refs';
import { mutationErrors } from './errors';
import { oncePerKey } from './idempotent';
import { locatedIdIn, mutating, requireWriteAccess } from './mutation-support';
import { InputChecks, MAX_ATTACHMENTS, MAX_MESSAGE_LENGTH, MAX_URL_LENGTH } from './validation';

/** The channels a message can be sent on, with HoopAI's send-API `type` for each. */
export const MessageChannelEnum = builder.enumType('MessageChannel', {
  description: 'The channel to send a message on.',
  values: {
    SMS: { value: 'SMS', description: 'SMS to the phone of the contact.' },
    EMAIL: { value: 'Email', description: 'Email to the email address of the contact.' },
    WHATSAPP: { value: 'WhatsApp', description: 'WhatsApp to the phone of the contact.' },
    FACEBOOK: { value: 'FB', description: 'Facebook Messenger.' },
    INSTAGRAM: { value: 'IG', description: 'Instagram direct message.' },
    LIVE_CHAT: { value: 'Live_Chat', description: 'Website live chat.' },
    CUSTOM: { value: 'Custom', description: 'The custom SMS provider of the location.' },
  },
});

export interface SentMessage {
  locationId: string;
  conversationId: string;
  messageId: string | null;
  replayed: boolean;
}

/** The payload of sendMessage and shareTrack: what was sent, where. */
export const SendMessagePayload = builder.objectRef<SentMessage>('SendMessagePayload').implement({
  description: 'The message is sent (or queued by HoopAI).',
  fields: (t) => ({
    conversation: t.field({
      type: ConversationRef,
      nullable: true,
      description: 'The conversation the message went into.',
      resolve: (sent, _, ctx) => nullWhenMissing(crmLoaders(ctx).conversation.load(conversationKey(sent.locationId, sent.conversationId))),
    }),
    sentMessage: t.field({
      type: MessageRef,
      nullable: true,
      description: 'The sent message; null when HoopAI did not say which it was.',
      resolve: (sent, _, ctx) =>
        sent.messageId === null
          ? null
          : nullWhenMissing(messageLoader(ctx).load(locatedPayload(sent.locationId, sent.conversationId, sent.messageId))),
    }),
    replayed: t.exposeBoolean('replayed', { description: 'True when this is the stored result of an earlier call with the same idempotencyKey (nothing was sent now).' }),
  }),
});

const SendMessageInput = builder.inputType('SendMessageInput', {
  description: 'A message to one contact.',
  fields: (t) => ({
    contactId: t.id({ required: true, description: 'The Contact to write to.' }),
    channel: t.field({ type: MessageChannelEnum, required: true, description: 'The channel.' }),
    message: t.string({ required: true, description: `The text (1–${MAX_MESSAGE_LENGTH} characters).` }),
    subject: t.string({ description: 'Subject line (email only).' }),
    attachments: t.stringList({ description: `URLs of files to attach (https; at most ${MAX_ATTACHMENTS}, each at most ${MAX_URL_LENGTH} characters).` }),
    idempotencyKey: t.string({ description: 'Any unique string: the same key within 24 h returns the first result instead of sending again.' }),
  }),
});

export interface Outgoing {
  channel: string;
  message: string;
  subject?: string | null;
  attachments?: readonly string[] | null;
}

/** Checks what every send needs; the caller adds its own checks before `check()`. */
export function checkOutgoing(checks: InputChecks, outgoing: Outgoing): void {
  checks.nonEmpty('input.message', outgoing.message, MAX_MESSAGE_LENGTH);
  checks.text('input.subject', outgoing.subject);
  if (outgoing.subject != null) checks.require(outgoing.channel === 'Email', 'input.subject', 'is only for the EMAIL channel');
  checks.attachments('input.attachments', outgoing.attachments);
}

/** Sends through the CRM (which invalidates the conversation's cached copy). */
export async function send(ctx: Context, locationId: string, contactId: string, outgoing: Outgoing): Promise<Omit<SentMessage, 'replayed'>> {
  const result = await ctx.services.crm.sendMessage(
    locationId,
    {
      type: outgoing.channel,
      contactId,
      message: outgoing.message,
      ...(outgoing.subject != null ? { subject: outgoing.subject } : {}),
      ...(outgoing.attachments?.length ? { attachments: [...outgoing.attachments] } : {}),
    },
    callOptions(ctx),
  );
  crmLoaders(ctx).conversation.clear(conversationKey(locationId, result.conversationId));
  return { locationId, conversationId: result.conversationId, messageId: result.messageId ?? result.messageIds?.[0] ?? null };
}

/**
 * For a retry after a send whose answer was lost: the message that send sent (same text to
 * the contact, since the lost attempt started), or undefined when HoopAI has none.
 */
export function sentSince(ctx: Context, locationId: string, contactId: string, outgoing: Outgoing) {
  return async (since: number): Promise<Omit<SentMessage, 'replayed'> | undefined> => {
    const found = await ctx.services.crm.findSentMessage(locationId, { contactId, body: outgoing.message }, since, callOptions(ctx));
    if (!found) return undefined;
    crmLoaders(ctx).conversation.clear(conversationKey(locationId, found.conversationId));
    return { locationId, conversationId: found.conversationId, messageId: found.messageId ?? null };
  };
}

builder.mutationField('sendMessage', (t) =>
  t.field({
    type: SendMessagePayload,
    description:
      'Send a message to a contact. Never sent twice by the gateway: after a timeout, retry with the same idempotencyKey — on any instance — and the gateway answers the message the first attempt sent, or sends it once (UpstreamFailureError.outcomeUnknown says whether it may have gone out).',
    errors: mutationErrors('sendMessage'),
    args: { input: t.arg({ type: SendMessageInput, required: true, description: 'Who to send to, on which channel, and what.' }) },
    resolve: (_, { input }, ctx) => {
      const checks = new InputChecks();
      const id = locatedIdIn(checks, 'input.contactId', 'Contact', String(input.contactId));
      checkOutgoing(checks, input);
      checks.idempotencyKey('input.idempotencyKey', input.idempotencyKey);
      checks.check();
      const { locationId, rawId } = id!;
      requireWriteAccess(ctx, locationId);
      return mutating(String(input.contactId), () =>
        oncePerKey(ctx, 'sendMessage', locationId, input.idempotencyKey, input, () => send(ctx, locationId, rawId, input), sentSince(ctx, locationId, rawId, input)),
      );
    },
  }),
);
