import { builder } from '../../../builder';
import type { ConversationChange, ReceivedEvent } from '../../../upstream/events/index';
import { conversationKey, crmLoaders } from '../loaders';
import { nullWhenMissing } from '../node-loading';
import { ConversationRef } from '../refs';
import { subscribeToLocation } from './location-stream';

builder.subscriptionField('conversationUpdated', (t) =>
  t.field({
    type: ConversationRef,
    nullable: true,
    description:
      "A conversation of the location whose summary changed (last message, unread count), as it is after the change, from the moment of subscribing. Null when it could not be read (its error says why); the subscription goes on. FORBIDDEN for a location the caller may not use.",
    args: { locationId: t.arg.id({ required: true, description: 'The HoopAI location whose conversations to follow.' }) },
    subscribe: (_root, args, ctx) => subscribeToLocation(ctx, String(args.locationId), 'conversation'),
    resolve: (event: ReceivedEvent<ConversationChange>, _args, ctx) =>
      nullWhenMissing(crmLoaders(ctx).conversation.load(conversationKey(event.locationId, event.conversationId))),
  }),
);
