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
import type { EventBus } from '../events/event-bus';
import { type LocationEvent, topicOf } from '../events/location-events';
import type { CallOptions } from '../http/call-scope';
import { ForbiddenError, NotFoundError } from '../http/errors';
import type { CrmCache } from './crm-cache';
import { findCreatedContact, findSentMessage } from './lost-writes';
import { type CrmContact, type CrmConversation, toCrmContact, toCrmConversation } from './records';

/**
 * HoopAI contact and conversation reads through the shared CRM cache, and the writes that
 * must invalidate it. Every call names the location whose credentials it uses; an object
 * the upstream places in another location is reported as not found, never returned.
 *
 * A write that succeeded invalidates this instance's cache at once, then announces the
 * change on the event bus (awaited, so that a read on another instance after the write's
 * answer finds its copy gone; Redis down or slow costs at most its command timeout and
 * leaves the other instances' copies to their TTL). A failed write announces nothing.
 */
export class CachedCrm {
  constructor(
    private readonly client: HoopaiClient,
    readonly cache: CrmCache,
    private readonly events: EventBus,
    private readonly clock: () => number = Date.now,
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
        const readSince = this.cache.mark();
        try {
          const contact = ownedBy(locationId, toCrmContact(await this.client.getContact(locationId, contactId, options)), 'contact');
          this.cache.putContact(locationId, contact, readSince);
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
        const readSince = this.cache.mark();
        try {
          const raw = await this.client.getConversation(locationId, conversationId, options);
          const conversation = ownedBy(locationId, toCrmConversation(raw), 'conversation');
          this.cache.putConversation(locationId, conversation, readSince);
          return conversation;
        } catch (error) {
          return asMiss(error, 'conversation');
        }
      }),
    );
  }

  async createContact(locationId: string, input: ContactInput, options: CallOptions): Promise<CrmContact> {
    const writtenSince = this.cache.mark();
    const contact = toCrmContact(await this.client.createContact(locationId, input, options));
    this.cache.putContact(locationId, contact, writtenSince);
    await this.#announce({ kind: 'contact', change: 'created', locationId, contactId: contact.id });
    return contact;
  }

  async updateContact(locationId: string, contactId: string, input: ContactInput, options: CallOptions): Promise<CrmContact> {
    this.cache.forgetContact(locationId, contactId);
    // Another instance's change to this contact announced while ours runs may be the later one.
    const writtenSince = this.cache.mark();
    const contact = ownedBy(locationId, toCrmContact(await this.client.updateContact(locationId, contactId, input, options)), 'contact');
    this.cache.putContact(locationId, contact, writtenSince);
    await this.#announce({ kind: 'contact', change: 'updated', locationId, contactId });
    return contact;
  }

  async deleteContact(locationId: string, contactId: string, options: CallOptions): Promise<boolean> {
    this.cache.forgetContact(locationId, contactId);
    const { succeeded } = await this.client.deleteContact(locationId, contactId, options);
    if (succeeded) await this.#announce({ kind: 'contact', change: 'deleted', locationId, contactId });
    return succeeded;
  }

  /**
   * Whether a delete whose answer was lost went through: the contact is gone upstream (read
   * past the cache), announced as deleted as the delete itself would have.
   */
  async contactGone(locationId: string, contactId: string, options: CallOptions): Promise<boolean> {
    this.cache.forgetContact(locationId, contactId);
    try {
      ownedBy(locationId, toCrmContact(await this.client.getContact(locationId, contactId, options)), 'contact');
      return false;
    } catch (error) {
      if (!(asMiss(error, 'contact') instanceof NotFoundError)) throw error;
    }
    await this.#announce({ kind: 'contact', change: 'deleted', locationId, contactId });
    return true;
  }

  /** The contact's tags after the change, as the upstream reports them. */
  async changeTags(locationId: string, contactId: string, change: 'add' | 'remove', tags: readonly string[], options: CallOptions): Promise<string[]> {
    this.cache.forgetContact(locationId, contactId);
    const result =
      change === 'add'
        ? await this.client.addTags(locationId, contactId, tags, options)
        : await this.client.removeTags(locationId, contactId, tags, options);
    await this.#announce({ kind: 'contact', change: 'updated', locationId, contactId });
    return result.tags;
  }

  /** A send changes the conversation's last message and unread count: its cached copy goes. */
  async sendMessage(locationId: string, input: SendMessageInput, options: CallOptions): Promise<SendMessageResult> {
    const result = await this.client.sendMessage(locationId, input, options);
    const { conversationId } = result;
    this.cache.forgetConversation(locationId, conversationId);
    const messageIds = result.messageIds ?? (result.messageId === undefined ? [null] : [result.messageId]);
    await Promise.all([
      this.#announce({ kind: 'conversation', change: 'updated', locationId, conversationId, contactId: input.contactId }),
      ...messageIds.map((messageId) =>
        this.#announce({ kind: 'message', direction: 'outbound', locationId, messageId, conversationId, contactId: input.contactId }),
      ),
    ]);
    return result;
  }

  /**
   * The contact a create whose answer was lost made (same email or phone, added since
   * `since`), announced as created as the create itself would have; undefined when none.
   */
  async findCreatedContact(
    locationId: string,
    match: { email?: string | null; phone?: string | null },
    since: number,
    options: CallOptions,
  ): Promise<CrmContact | undefined> {
    const contact = await findCreatedContact(this.client, locationId, match, since, options);
    if (contact) await this.#announce({ kind: 'contact', change: 'created', locationId, contactId: contact.id });
    return contact;
  }

  /**
   * The message a send whose answer was lost sent (same text to the contact, since
   * `since`); its conversation's copies are dropped, as after the send. Undefined when none.
   */
  async findSentMessage(locationId: string, sent: { contactId: string; body: string }, since: number, options: CallOptions): Promise<SendMessageResult | undefined> {
    const result = await findSentMessage(this.client, locationId, sent, since, options);
    if (!result) return undefined;
    this.cache.forgetConversation(locationId, result.conversationId);
    await this.#announce({ kind: 'conversation', change: 'updated', locationId, conversationId: result.conversationId, contactId: sent.contactId });
    return result;
  }

  /** Tells the other instances (and subscribers) what a write changed; this instance's cache is already up to date. */
  async #announce(change: DistributiveOmit<LocationEvent, 'at'>): Promise<void> {
    const event = { ...change, at: this.clock() } as LocationEvent;
    await this.events.publish(topicOf(event), event);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

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
