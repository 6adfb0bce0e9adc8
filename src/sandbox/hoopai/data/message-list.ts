import { z } from 'zod';
import { badRequest } from './upstream-errors';
import type { MessageRecord } from './types';

/**
 * `GET /conversations/:id/messages`: newest first, `limit` at a time; `lastMessageId` (the
 * last id of the previous page) continues with the messages older than it.
 */

export const messageListQuery = z
  .object({
    lastMessageId: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    /** Comma-separated REST `TYPE_*` names. */
    type: z.string().optional(),
  })
  .strict();

export type MessageListQuery = z.infer<typeof messageListQuery>;

export interface MessagePage {
  messages: MessageRecord[];
  nextPage: boolean;
}

/** `thread` is oldest first, as stored. */
export function listMessages(thread: readonly MessageRecord[], query: MessageListQuery): MessagePage {
  let end = thread.length;
  if (query.lastMessageId !== undefined) {
    end = thread.findIndex((message) => message.id === query.lastMessageId);
    if (end < 0) throw badRequest(`lastMessageId ${query.lastMessageId} is not a message of this conversation`);
  }
  const types = query.type ? new Set(query.type.split(',').map((type) => type.trim())) : undefined;
  const older: MessageRecord[] = [];
  for (let i = end - 1; i >= 0 && older.length <= query.limit; i--) {
    const message = thread[i]!;
    if (!types || types.has(message.messageType)) older.push(message);
  }
  return { messages: older.slice(0, query.limit), nextPage: older.length > query.limit };
}
