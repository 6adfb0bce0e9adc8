import type { HoopaiClient } from '../hoopai/client';
import type {
  ContactInput,
  ContactSearchParams,
  ContactSearchResult,
  ConversationSearchParams,
  ConversationSearchResult,
  MessageListParams,
  MessagePage,
  SendMessageInput,
  SendMessageResult,
} from '../hoopai/types';
import type { CallOptions } from '../http/call-scope';
import { ForbiddenError, NotFoundError } from '../http/errors';
import type { CrmCache } from './crm-cache';
import { type CrmContact, type CrmConversation, toCrmContact, toCrmConversation } from './records';

/**
 * HoopAI contact and conversation reads through the shared CRM cache, and the writes that
 * must invalidate it. Every call names the location whose credentials it uses; an object
 * the upstream places in another location is reported as not found, never returned.
 */
export class CachedCrm {
  constructor(
    private readonly client: HoopaiClient,
    readonly cache: CrmCache,
  ) {}

  /** A page of a location's contact search (lists are never served from the cache). */
  searchContacts(locationId: string, params: ContactSearchParams, options: CallOptions): Promise<ContactSearchResult> {
    return this.client.searchContacts(locationId, params, options);
  }

  /** A page of a location's conversations, newest last message first. */
  searchConversations(locationId: string, params: ConversationSearchParams, options: CallOptions): Promise<ConversationSearchResult> {
    return this.client.searchConversations(locationId, params, options);
  }

  /** A page of one conversation's messages, newest first. */
  getMessages(locationId: string, conversationId: string, params: MessageListParams, options: CallOptions): Promise<MessagePage> {
    return this.client.getMessages(locationId, conversationId, params, options);
  }

  /** One result per id, in order: the contact, or an UpstreamError (NOT_FOUND for a miss). */
  contacts(locationId: string, contactIds: readonly string[], options: CallOptions): Promise<(CrmContact | Error)[]> {
    return Promise.all(
      contactIds.map(async (contactId) => {
        const cached = this.cache.contact(locationId, contactId);
        if (cached) return cached;
        try {
          const contact = ownedBy(locationId, toCrmContact(await this.client.getContact(locationId, contactId, options)), 'contact');
          this.cache.putContact(locationId, contact);
          return contact;
        } catch (error) {
          return asMiss(error, 'contact');
        }
      }),
    );
  }

  conversations(locationId: string, conversationIds: readonly string[], options: CallOptions): Promise<(CrmConversation | Error)[]> {
    return Promise.all(
      conversationIds.map(async (conversationId) => {
        const cached = this.cache.conversation(locationId, conversationId);
        if (cached) return cached;
        try {
          const raw = await this.client.getConversation(locationId, conversationId, options);
          const conversation = ownedBy(locationId, toCrmConversation(raw), 'conversation');
          this.cache.putConversation(locationId, conversation);
          return conversation;
        } catch (error) {
          return asMiss(error, 'conversation');
        }
      }),
    );
  }

  async createContact(locationId: string, input: ContactInput, options: CallOptions): Promise<CrmContact> {
    const contact = toCrmContact(await this.client.createContact(locationId, input, options));
    this.cache.putContact(locationId, contact);
    return contact;
  }

  async updateContact(locationId: string, contactId: string, input: ContactInput, options: CallOptions): Promise<CrmContact> {
    this.cache.forgetContact(locationId, contactId);
    const contact = ownedBy(locationId, toCrmContact(await this.client.updateContact(locationId, contactId, input, options)), 'contact');
    this.cache.putContact(locationId, contact);
    return contact;
  }

  async deleteContact(locationId: string, contactId: string, options: CallOptions): Promise<boolean> {
    this.cache.forgetContact(locationId, contactId);
    return (await this.client.deleteContact(locationId, contactId, options)).succeeded;
  }

  /** The contact's tags after the change, as the upstream reports them. */
  async changeTags(locationId: string, contactId: string, change: 'add' | 'remove', tags: readonly string[], options: CallOptions): Promise<string[]> {
    this.cache.forgetContact(locationId, contactId);
    const result =
      change === 'add'
        ? await this.client.addTags(locationId, contactId, tags, options)
        : await this.client.removeTags(locationId, contactId, tags, options);
    return result.tags;
  }

  /** A send changes the conversation's last message and unread count: its cached copy goes. */
  async sendMessage(locationId: string, input: SendMessageInput, options: CallOptions): Promise<SendMessageResult> {
    const result = await this.client.sendMessage(locationId, input, options);
    this.cache.forgetConversation(locationId, result.conversationId);
    return result;
  }
}

function ownedBy<T extends { locationId: string }>(locationId: string, object: T, what: string): T {
  if (object.locationId !== locationId) throw new NotFoundError(`HoopAI ${what} is not in location ${locationId}`, { upstream: 'hoopai' });
  return object;
}

/**
 * HoopAI answers 403 for an id of another location: to this location it does not exist,
 * and saying "forbidden" would confirm that the id is real somewhere else.
 */
function asMiss(error: unknown, what: string): Error {
  if (error instanceof ForbiddenError) return new NotFoundError(`HoopAI ${what} not found`, { upstream: 'hoopai', status: error.status });
  return error instanceof Error ? error : new Error(String(error));
}
