import { LRUCache } from 'lru-cache';
import type { CallOptions } from '../http/call-scope';
import type { CachedCrm } from './cached-crm';
import { type CrmMessage, toCrmMessage } from './records';

/** A new message is among its conversation's newest; HoopAI lists newest first. */
const NEWEST_PAGE = 20;
/** Messages kept: their subscribers read them within seconds of each other. */
const MAX_MESSAGES = 1_000;
const TTL_MS = 60_000;

/**
 * Messages just announced on the event bus, as this instance's subscriptions read them: ONE
 * upstream read per message however many subscriptions deliver it (each would otherwise read
 * the same page: ten open inboxes of a location, ten calls per inbound message against the
 * location's rate limit). Keys carry the location, and a subscription only ever asks for
 * messages of the location it was allowed to subscribe to.
 *
 * The read is shared, so it is not cancelled by the subscriber that started it going away;
 * it keeps that subscriber's deadline and call meter (its budget pays, as the first reader of
 * a cached object does). A failed read is not kept: the next subscriber tries again.
 */
export class NewMessages {
  readonly #reads = new LRUCache<string, Promise<CrmMessage | undefined>>({ max: MAX_MESSAGES, ttl: TTL_MS });

  constructor(private readonly crm: Pick<CachedCrm, 'getMessages'>) {}

  /** The message, from its conversation's newest page; undefined when it is not there (deleted, or many newer ones). */
  find(locationId: string, conversationId: string, messageId: string, options: CallOptions): Promise<CrmMessage | undefined> {
    const key = `${locationId}:${conversationId}:${messageId}`;
    const known = this.#reads.get(key);
    if (known) return known;
    const read = this.#read(locationId, conversationId, messageId, { deadline: options.deadline, meter: options.meter });
    this.#reads.set(key, read);
    read.catch(() => {
      if (this.#reads.peek(key) === read) this.#reads.delete(key);
    });
    return read;
  }

  async #read(locationId: string, conversationId: string, messageId: string, options: CallOptions): Promise<CrmMessage | undefined> {
    const page = await this.crm.getMessages(locationId, conversationId, { limit: NEWEST_PAGE }, options);
    const raw = page.messages.find((message) => message.id === messageId);
    return raw && toCrmMessage(raw, locationId, conversationId);
  }
}
