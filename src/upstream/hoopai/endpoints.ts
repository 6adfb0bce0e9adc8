import type { UpstreamRequest } from '../http/upstream-request';
import type { ContactInput, ContactSearchParams, ConversationSearchParams, MessageListParams, SendMessageInput } from './types';

/**
 * Every HoopAI path, method and parameter name the gateway uses, in one place (FACTS.md).
 * Each request names its endpoint family, which picks the `Version` header.
 */

export type HoopaiFamily = 'contacts' | 'conversations' | 'oauth';

export interface HoopaiRequest extends UpstreamRequest {
  family: HoopaiFamily;
  /** Statuses meaning "no such resource": HoopAI answers 400 for an unknown contact or conversation id. */
  notFoundStatuses?: readonly number[];
}

const id = (value: string) => encodeURIComponent(value);
const UNKNOWN_ID = [400, 404] as const;

export const hoopaiEndpoints = {
  token: (form: Record<string, string | undefined>): HoopaiRequest => ({
    family: 'oauth', method: 'POST', route: 'POST /oauth/token', path: '/oauth/token', form,
    // A refresh may have been spent even if the answer was lost: never sent twice.
    idempotent: false,
  }),
  locationToken: (companyId: string, locationId: string): HoopaiRequest => ({
    family: 'oauth', method: 'POST', route: 'POST /oauth/locationToken', path: '/oauth/locationToken',
    form: { companyId, locationId }, idempotent: false,
  }),

  getContact: (contactId: string): HoopaiRequest => ({
    family: 'contacts', method: 'GET', route: 'GET /contacts/:contactId', path: `/contacts/${id(contactId)}`,
    idempotent: true, notFoundStatuses: UNKNOWN_ID,
  }),
  searchContacts: (locationId: string, params: ContactSearchParams): HoopaiRequest => ({
    family: 'contacts', method: 'POST', route: 'POST /contacts/search', path: '/contacts/search',
    json: { ...params, locationId }, idempotent: true,
  }),
  /** The location's contact with this email or phone (HoopAI's duplicate rule): how a lost create is found again. */
  findDuplicateContact: (locationId: string, match: { email?: string; phone?: string }): HoopaiRequest => ({
    family: 'contacts', method: 'GET', route: 'GET /contacts/search/duplicate', path: '/contacts/search/duplicate',
    query: { locationId, ...(match.email ? { email: match.email } : {}), ...(match.phone ? { number: match.phone } : {}) }, idempotent: true,
  }),
  createContact: (locationId: string, input: ContactInput): HoopaiRequest => ({
    family: 'contacts', method: 'POST', route: 'POST /contacts/', path: '/contacts/', json: { ...input, locationId }, idempotent: false,
  }),
  updateContact: (contactId: string, input: ContactInput): HoopaiRequest => ({
    family: 'contacts', method: 'PUT', route: 'PUT /contacts/:contactId', path: `/contacts/${id(contactId)}`,
    // A 400 here may be a refusal (a duplicate email or phone), so only 404 means unknown.
    json: input, idempotent: false,
  }),
  deleteContact: (contactId: string): HoopaiRequest => ({
    family: 'contacts', method: 'DELETE', route: 'DELETE /contacts/:contactId', path: `/contacts/${id(contactId)}`,
    idempotent: false, notFoundStatuses: UNKNOWN_ID,
  }),
  addTags: (contactId: string, tags: readonly string[]): HoopaiRequest => ({
    family: 'contacts', method: 'POST', route: 'POST /contacts/:contactId/tags', path: `/contacts/${id(contactId)}/tags`,
    json: { tags }, idempotent: false, notFoundStatuses: UNKNOWN_ID,
  }),
  removeTags: (contactId: string, tags: readonly string[]): HoopaiRequest => ({
    family: 'contacts', method: 'DELETE', route: 'DELETE /contacts/:contactId/tags', path: `/contacts/${id(contactId)}/tags`,
    json: { tags }, idempotent: false, notFoundStatuses: UNKNOWN_ID,
  }),

  searchConversations: (locationId: string, params: ConversationSearchParams): HoopaiRequest => ({
    family: 'conversations', method: 'GET', route: 'GET /conversations/search', path: '/conversations/search',
    query: { ...params, locationId }, idempotent: true,
  }),
  getConversation: (conversationId: string): HoopaiRequest => ({
    family: 'conversations', method: 'GET', route: 'GET /conversations/:conversationId', path: `/conversations/${id(conversationId)}`,
    idempotent: true, notFoundStatuses: UNKNOWN_ID,
  }),
  getMessages: (conversationId: string, params: MessageListParams): HoopaiRequest => ({
    family: 'conversations', method: 'GET', route: 'GET /conversations/:conversationId/messages',
    path: `/conversations/${id(conversationId)}/messages`, query: { ...params }, idempotent: true, notFoundStatuses: UNKNOWN_ID,
  }),
  sendMessage: (input: SendMessageInput): HoopaiRequest => ({
    family: 'conversations', method: 'POST', route: 'POST /conversations/messages', path: '/conversations/messages',
    // Not idempotent: a repeated send is a second message to a real person.
    json: input, idempotent: false,
  }),
};
