import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import type { Context } from '../../context';
import { type CrmMessage, toCrmMessage } from '../../upstream/crm-cache/index';
import { NotFoundError } from '../../upstream/index';
import { asFieldError, callOptions } from './access';
import { locatedPayload, parseLocatedMessageId } from './ids';

/**
 * Messages by id, for `node`. The client has no single-message call, so a message is found
 * in its conversation's list (newest first, 100 per call), at most MAX_PAGES calls deep per
 * conversation; ids of one conversation asked in one request share the scan. A message
 * deeper than that, or not in that conversation, is NOT_FOUND.
 */
const PAGE_SIZE = 100;
const MAX_PAGES = 5;

export const messageLoader = createContextCache(
  (ctx: Context) =>
    new DataLoader<string, CrmMessage>(async (keys) => {
      const wanted = new Map<string, Set<string>>();
      for (const key of keys) {
        const id = parseLocatedMessageId(key);
        if (!id) continue;
        const conversation = locatedPayload(id.locationId, id.conversationId);
        wanted.set(conversation, (wanted.get(conversation) ?? new Set()).add(id.rawId));
      }
      const found = new Map<string, CrmMessage | Error>();
      await Promise.all(
        [...wanted].map(async ([conversation, messageIds]) => {
          const [locationId, conversationId] = conversation.split(':') as [string, string];
          try {
            for (const message of await scan(ctx, locationId, conversationId, messageIds)) {
              found.set(locatedPayload(locationId, conversationId, message.id), message);
            }
          } catch (error) {
            for (const messageId of messageIds) found.set(locatedPayload(locationId, conversationId, messageId), asFieldError(error) as Error);
          }
        }),
      );
      return keys.map((key) => found.get(key) ?? (asFieldError(new NotFoundError('HoopAI message not found', { upstream: 'hoopai' })) as Error));
    }),
);

async function scan(ctx: Context, locationId: string, conversationId: string, messageIds: Set<string>): Promise<CrmMessage[]> {
  const matches: CrmMessage[] = [];
  let lastMessageId: string | undefined;
  for (let page = 0; page < MAX_PAGES && matches.length < messageIds.size; page++) {
    const answer = await ctx.services.crm.getMessages(locationId, conversationId, { limit: PAGE_SIZE, lastMessageId }, callOptions(ctx));
    for (const raw of answer.messages) {
      if (messageIds.has(raw.id)) matches.push(toCrmMessage(raw, locationId, conversationId));
    }
    if (!answer.nextPage || !answer.lastMessageId || answer.lastMessageId === lastMessageId) break;
    lastMessageId = answer.lastMessageId;
  }
  return matches;
}
