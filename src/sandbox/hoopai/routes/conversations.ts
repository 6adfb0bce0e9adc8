import type { Router } from '../../common/router';
import { assertLocationAccess, type HoopaiWorld } from '../world';
import { conversationSearchQuery, searchConversations } from '../data/conversation-search';
import { toConversation, toConversationSearchItem } from '../data/conversation-shapes';
import { locationData } from '../data/location-data';
import type { HoopaiStore } from '../data/store';
import { parseInput, queryObject } from '../data/validation';
import { accessibleConversation } from './access';
import { registerMessageRoutes } from './messages';

/** Conversation search and reads, plus the message routes under `/conversations/`. */
export function registerConversationRoutes(router: Router, world: HoopaiWorld, store: HoopaiStore): void {
  registerMessageRoutes(router, world, store);

  router.get('/conversations/search', (req) => {
    const query = parseInput(conversationSearchQuery, queryObject(req.query));
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
  });

  router.get('/conversations/:conversationId', (req) => ({
    status: 200,
    body: toConversation(accessibleConversation(req, store)),
  }));
}
