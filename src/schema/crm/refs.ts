import { builder } from '../../builder';
import type { CrmContact, CrmConversation, CrmMessage } from '../../upstream/crm-cache/index';

/**
 * The CRM's object types, declared apart from their fields so the domain files can refer
 * to each other (a Conversation has a Contact, a Contact pages Conversations) without
 * import cycles. Backed by the canonical records of the CRM cache.
 */
export const ContactRef = builder.objectRef<CrmContact>('Contact');
export const ConversationRef = builder.objectRef<CrmConversation>('Conversation');
export const MessageRef = builder.objectRef<CrmMessage>('Message');
