import { z } from 'zod';
import { builder } from '../../builder';
import type { Context } from '../../context';
import { type CrmConversation, type CrmMessage, toCrmMessage } from '../../upstream/crm-cache/index';
import { forwardPagingArgs } from '../connection-fields';
import { type Connection, lazyEdge, lazyPageInfo, nativeCursor, readNativeCursor } from '../pagination/index';
import { callOptions, resolvingUpstream } from './access';
import { type ForwardArguments, forwardPageSize } from './cursor-lists';
import { locatedPayload } from './ids';
import { ConversationRef, MessageRef } from './refs';

const MessageConnectionRef = builder.connectionObject(
  {
    type: MessageRef,
    name: 'MessageConnection',
    description: 'A page of messages of one conversation, newest first. HoopAI reports no total for this list.',
  },
  { name: 'MessageEdge', description: 'A message in a conversation, with the cursor of its position.' },
);

/** The edge's message id: HoopAI continues after it (`lastMessageId`). */
const MessageCursor = z.object({ m: z.string().min(1) });

/**
 * A forward connection over `GET /conversations/:id/messages`, newest first: one upstream
 * call per page; `hasNextPage` is HoopAI's `nextPage`.
 */
export async function messageConnection(
  ctx: Context,
  conversation: CrmConversation,
  args: ForwardArguments,
): Promise<Omit<Connection<CrmMessage>, 'totalCount'>> {
  const size = forwardPageSize(args);
  const address = { kind: 'messages', scope: { conversation: locatedPayload(conversation.locationId, conversation.id) } };
  const after = args.after == null ? undefined : readNativeCursor('after', args.after, address, MessageCursor);
  const page = await resolvingUpstream(() =>
    ctx.services.crm.getMessages(
      conversation.locationId,
      conversation.id,
      { limit: Math.max(size, 1), lastMessageId: after?.m },
      callOptions(ctx),
    ),
  );
  const edges = page.messages
    .slice(0, size)
    .map((raw) => lazyEdge(toCrmMessage(raw, conversation.locationId, conversation.id), () => nativeCursor(address, { m: raw.id })));
  return {
    edges,
    pageInfo: lazyPageInfo(edges, {
      hasNextPage: size === 0 ? page.messages.length > 0 : page.nextPage,
      hasPreviousPage: after !== undefined,
    }),
  };
}

// HoopAI continues this list only after a message id (`lastMessageId`): forwards only.
builder.objectField(ConversationRef, 'messages', (t) =>
  t.field({
    type: MessageConnectionRef,
    nullable: true,
    description: 'Messages of the conversation, newest first (first/after, max 100). Null, with its error, when HoopAI fails.',
    args: forwardPagingArgs(t.arg),
    resolve: (conversation, args, ctx) => messageConnection(ctx, conversation, args),
  }),
);
