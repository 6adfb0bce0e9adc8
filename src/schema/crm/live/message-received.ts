import { builder } from '../../../builder';
import { ErrorCode, gatewayError } from '../../../errors';
import type { MessageAdded, ReceivedEvent } from '../../../upstream/events/index';
import { MAX_LOCATION_ID_LENGTH, checkLength } from '../../argument-limits';
import { callOptions, resolvingUpstream } from '../access';
import { decodeLocatedId, locatedPayload } from '../ids';
import { messageLoader } from '../message-lookup';
import { nullWhenMissing } from '../node-loading';
import { MessageRef } from '../refs';
import { subscribeToLocation } from './location-stream';

/**
 * Message ids one subscription remembers to deliver each message once: a message sent
 * through the gateway is announced by the send itself and again by HoopAI's webhook for
 * it, seconds later, possibly through another instance. The repeat comes within seconds,
 * so the last few hundred ids are plenty even for a busy location.
 */
const REMEMBERED_MESSAGE_IDS = 256;

/**
 * The most recent ids, oldest forgotten first. A Set rather than lru-cache: lru-cache
 * allocates its whole capacity up front (≈ 24 KB for 1,000 entries), per subscription, even
 * for one that never sees a message; a Set grows with what it holds.
 */
class RecentIds {
  readonly #ids = new Set<string>();

  constructor(private readonly max: number) {}

  /** Remembers `id`; false when it was already remembered. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.max) this.#ids.delete(this.#ids.values().next().value!);
    return true;
  }
}

builder.subscriptionField('messageReceived', (t) =>
  t.field({
    type: MessageRef,
    nullable: true,
    description:
      'Every new message of a location, received (inbound) or sent (outbound, through this API or elsewhere), from the moment of subscribing; each message once. Null when the message could not be read (its error says why); the subscription goes on. FORBIDDEN for a location the caller may not use.',
    args: {
      locationId: t.arg.id({ required: true, description: 'The HoopAI location whose messages to follow.' }),
      conversationId: t.arg.id({ required: false, description: "Only this conversation's messages (a Conversation id of the same location, as this API returned it)." }),
    },
    subscribe: (_root, args, ctx) => {
      checkLength('locationId', String(args.locationId), MAX_LOCATION_ID_LENGTH);
      const conversation = args.conversationId == null ? undefined : decodeLocatedId('Conversation', String(args.conversationId), 'conversationId');
      if (conversation && conversation.locationId !== String(args.locationId)) {
        throw gatewayError(ErrorCode.BAD_USER_INPUT, '`conversationId` must be a conversation of the location `locationId` names.');
      }
      const delivered = new RecentIds(REMEMBERED_MESSAGE_IDS);
      return subscribeToLocation(ctx, String(args.locationId), 'message', (event) => {
        // A message that cannot be named can be neither read nor told apart from its repeat.
        if (event.messageId === null) return false;
        if (conversation && event.conversationId !== conversation.rawId) return false;
        return delivered.add(event.messageId);
      });
    },
    resolve: (event: ReceivedEvent<MessageAdded>, _args, ctx) =>
      resolvingUpstream(async () => {
        const { locationId, conversationId } = event;
        const found = await ctx.services.newMessages.find(locationId, conversationId, event.messageId!, callOptions(ctx));
        // Not among the newest (a burst came after it): looked for further back, as `node` does.
        return found ?? nullWhenMissing(messageLoader(ctx).load(locatedPayload(locationId, conversationId, event.messageId!)));
      }),
  }),
);
