import { apiRoute } from '../api-access';
import type { Router } from '../../common/router';
import { assertLocationAccess, type HoopaiWorld } from '../world';
import { conversationSearchQuery, searchConversations } from '../data/conversation-search';
import { conversationUnreadEvent } from '../data/conversation-events';
import { toConversation, toConversationSearchItem, toUpdatedConversation, updateConversationBody } from '../data/conversation-shapes';
import { locationData } from '../data/location-data';
import type { HoopaiStore } from '../data/store';
import { parseInput, parseInputAs400, queryObject } from '../data/validation';
import { accessibleConversation } from './access';
import { registerMessageRoutes } from './messages';

const READ = apiRoute('conversations', 'conversations.readonly');

/** Conversation search and reads, plus the message routes under `/conversations/`. */
export function registerConversationRoutes(router: Router, world: HoopaiWorld, store: HoopaiStore): void {
  registerMessageRoutes(router, world, store);

  router.get('/conversations/search', (req) => {
    const query = parseInputAs400(conversationSearchQuery, queryObject(req.query));
    assertLocationAccess(req, query.locationId);
    const data = locationData(store, query.locationId);
    const page = searchConversations(data.conversations.values(), (c) => data.contacts.get(c.contactId), query);
    return {
      status: 200,
      body: {
        conversations: page.conversations.map(({ conversation, sortValue }) =>
          toConversationSearchItem(conversation, data.contacts.get(conversation.contactId), sortValue),
        ),
        total: page.total,
        traceId: crypto.randomUUID(),
      },
    };
  }, READ);

  router.get('/conversations/:conversationId', (req) => ({
    status: 200,
    body: toConversation(accessibleConversation(req, store)),
  }), READ);

  // UpdateConversationDto: mark read/unread, star. A changed unread count is announced by webhook.
  router.put('/conversations/:conversationId', (req) => {
    const body = parseInput(updateConversationBody, req.json());
    assertLocationAccess(req, body.locationId);
    const conversation = accessibleConversation(req, store);
    const unreadBefore = conversation.unreadCount;
    if (body.unreadCount !== undefined) conversation.unreadCount = body.unreadCount;
    if (body.starred !== undefined) conversation.starred = body.starred;
    if (conversation.unreadCount !== unreadBefore) world.webhooks.emit(conversationUnreadEvent(conversation));
    return { status: 200, body: { success: true, conversation: toUpdatedConversation(conversation) } };
  }, apiRoute('conversations', 'conversations.write'));
}
