import type { SandboxRequest } from '../../common/types';
import { assertLocationAccess } from '../world';
import type { HoopaiStore } from '../data/store';
import type { ContactRecord, ConversationRecord } from '../data/types';
import { unknownContact, unknownConversation } from '../data/upstream-errors';

/**
 * The path's contact or conversation, once the caller is known to be allowed to touch its
 * location: unknown id → the upstream's 400; another location → world.ts's 401/403.
 */

export function accessibleContact(req: SandboxRequest, store: HoopaiStore): ContactRecord {
  const contactId = req.params.contactId!;
  const contact = store.contact(contactId);
  if (!contact) throw unknownContact(contactId);
  assertLocationAccess(req, contact.locationId);
  return contact;
}

export function accessibleConversation(req: SandboxRequest, store: HoopaiStore): ConversationRecord {
  const conversationId = req.params.conversationId!;
  const conversation = store.conversation(conversationId);
  if (!conversation) throw unknownConversation(conversationId);
  assertLocationAccess(req, conversation.locationId);
  return conversation;
}
