import { z } from 'zod';
import { builder } from '../../builder';
import type { Context } from '../../context';
import { type CrmConversation, toCrmConversation } from '../../upstream/crm-cache/index';
import type { ConversationSearchParams } from '../../upstream/index';
import { ErrorCode, gatewayError } from '../../errors';
import { forwardPagingArgs, totalCountField } from '../connection-fields';
import { type Connection, lazyEdge, lazyPageInfo, nativeCursor, readNativeCursor } from '../pagination/index';
import { callOptions, chosenLocation, resolvingUpstream } from './access';
import { type ForwardArguments, forwardPageSize } from './cursor-lists';
import { decodeLocatedId } from './ids';
import { primeConversation } from './loaders';
import { ContactRef, ConversationRef } from './refs';

const ConversationStatusEnum = builder.enumType('ConversationStatus', {
  description: 'Which conversations to list.',
  values: {
    ALL: { value: 'all', description: 'Every conversation.' },
    READ: { value: 'read', description: 'Conversations without unread messages.' },
    UNREAD: { value: 'unread', description: 'Conversations with unread messages.' },
    STARRED: { value: 'starred', description: 'Starred conversations.' },
    RECENTS: { value: 'recents', description: 'Conversations in the inbox.' },
  },
});

export const ConversationConnectionRef = builder.connectionObject(
  {
    type: ConversationRef,
    name: 'ConversationConnection',
    description: 'A page of conversations, most recent message first.',
    fields: (t) => ({ totalCount: totalCountField(t, 'How many conversations the whole list holds, as HoopAI reports it.') }),
  },
  { name: 'ConversationEdge', description: 'A conversation in a list, with the cursor of its position.' },
);

/** Which conversations a list holds; also the scope its cursors are bound to (the location included). */
interface ConversationQuery {
  locationId: string;
  contactId?: string;
  status?: ConversationSearchParams['status'];
}

/** The position of an edge and the sort value HoopAI continues after (`startAfterDate`). */
const ConversationCursor = z.object({ i: z.number().int().min(0), d: z.number() });

/**
 * A forward connection over `GET /conversations/search`, newest last message first. Each
 * cursor holds the edge's sort value, which HoopAI takes as `startAfterDate`: one upstream
 * call per page, and `hasNextPage` from the reported total.
 */
export async function conversationConnection(
  ctx: Context,
  args: ForwardArguments,
  query: ConversationQuery,
): Promise<Connection<CrmConversation>> {
  const size = forwardPageSize(args);
  const address = { kind: 'conversations', scope: query };
  const after = args.after == null ? undefined : readNativeCursor('after', args.after, address, ConversationCursor);
  const answer = await resolvingUpstream(() =>
    ctx.services.crm.searchConversations(
      query.locationId,
      { contactId: query.contactId, status: query.status, sort: 'desc', limit: Math.max(size, 1), startAfterDate: after?.d },
      callOptions(ctx),
    ),
  );
  const start = after ? after.i + 1 : 0;
  const edges = answer.conversations.slice(0, size).flatMap((item, offset) => {
    const conversation = toCrmConversation(item);
    // Never show an object of another location, whatever the upstream sent.
    if (conversation.locationId !== query.locationId) return [];
    primeConversation(ctx, conversation);
    const sortValue = typeof item.sort?.[0] === 'number' ? item.sort[0] : conversation.lastMessageDate;
    return [lazyEdge(conversation, () => nativeCursor(address, { i: start + offset, d: sortValue ?? 0 }))];
  });
  const seen = start + (size === 0 ? 0 : answer.conversations.length);
  return {
    edges,
    pageInfo: lazyPageInfo(edges, { hasNextPage: size === 0 ? answer.total > start : seen < answer.total, hasPreviousPage: start > 0 }),
    totalCount: answer.total,
  };
}

// HoopAI continues this list only after a sort value (`startAfterDate`): forwards only.
builder.queryField('conversations', (t) =>
  t.field({
    type: ConversationConnectionRef,
    nullable: true,
    description:
      'Conversations of a location, most recent message first; forward paging only (first/after, max 100). `locationId` may be omitted when the caller has one location. Null, with its error, when HoopAI fails or the location is not the caller\'s.',
    args: {
      locationId: t.arg.id({ description: 'The HoopAI location (see viewer.locations).' }),
      contactId: t.arg.id({ description: 'Only conversations with this Contact (a Contact id).' }),
      status: t.arg({ type: ConversationStatusEnum, description: 'Only conversations in this state; all when absent.' }),
      ...forwardPagingArgs(t.arg),
    },
    resolve: (_, args, ctx) => {
      const contact = args.contactId == null ? undefined : decodeLocatedId('Contact', String(args.contactId), 'contactId');
      const locationId = chosenLocation(ctx, args.locationId == null ? contact?.locationId : String(args.locationId), 'crm:read');
      if (contact && contact.locationId !== locationId) {
        throw gatewayError(ErrorCode.BAD_USER_INPUT, '`contactId` is a contact of another location than `locationId`.');
      }
      return conversationConnection(ctx, args, {
        locationId,
        contactId: contact?.rawId,
        status: args.status ?? undefined,
      });
    },
  }),
);

builder.objectField(ContactRef, 'conversations', (t) =>
  t.field({
    type: ConversationConnectionRef,
    nullable: true,
    description: "The contact's conversations, most recent message first (first/after, max 100). Null, with its error, when HoopAI fails.",
    args: forwardPagingArgs(t.arg),
    resolve: (contact, args, ctx) => conversationConnection(ctx, args, { locationId: contact.locationId, contactId: contact.id }),
  }),
);
