import { LRUCache } from 'lru-cache';
import { NO_OBSERVER, reportEvictions, type UpstreamObserver } from '../observability';
import type { CrmContact, CrmConversation } from './records';

export interface CrmCacheOptions {
  /** Most entries held, across all locations (default 20,000). */
  maxEntries?: number;
  /** How long an entry is served (defaults: contacts 30 s, conversations 15 s). */
  ttlMs?: Partial<Record<'contact' | 'conversation', number>>;
  /** Epoch ms; injectable so expiry can be tested without waiting. */
  clock?: () => number;
  /** Told of every lookup (hit or miss) and eviction. */
  observer?: UpstreamObserver;
}

const DEFAULT_TTL_MS = { contact: 30_000, conversation: 15_000 };

type Entry = { kind: 'contact'; contact: CrmContact } | { kind: 'conversation'; conversation: CrmConversation };

/**
 * CRM objects shared by the requests of one gateway for a few seconds, so an inbox that
 * names the same contact on every row, or a client polling a conversation, costs one
 * upstream call per object. CRM data is tenant data: every key carries the locationId the
 * object was fetched for, so an entry one location filled can never answer a lookup made
 * for another. TTLs are short because HoopAI changes behind our back (other apps, the UI);
 * our own writes invalidate what they touch.
 */
export class CrmCache {
  readonly #entries: LRUCache<string, Entry>;
  readonly #ttl: typeof DEFAULT_TTL_MS;
  readonly #observer: UpstreamObserver;

  constructor(options: CrmCacheOptions = {}) {
    this.#ttl = { ...DEFAULT_TTL_MS, ...options.ttlMs };
    this.#observer = options.observer ?? NO_OBSERVER;
    const clock = options.clock ?? Date.now;
    this.#entries = new LRUCache<string, Entry>({
      max: options.maxEntries ?? 20_000,
      ttl: Math.max(...Object.values(this.#ttl)),
      perf: { now: () => clock() },
      ttlResolution: 0,
      dispose: reportEvictions(this.#observer, 'crm'),
    });
  }

  /** A lookup, counted as a hit or a miss (the caller fetches on a miss). */
  contact(locationId: string, contactId: string): CrmContact | undefined {
    const entry = this.#entries.get(key(locationId, 'contact', contactId));
    this.#observer.cacheLookup('crm', entry?.kind === 'contact');
    return entry?.kind === 'contact' ? entry.contact : undefined;
  }

  /** Stored under the location it was fetched for, and only when the object says it belongs there. */
  putContact(locationId: string, contact: CrmContact): void {
    if (contact.locationId !== locationId) return;
    this.#entries.set(key(locationId, 'contact', contact.id), { kind: 'contact', contact }, { ttl: this.#ttl.contact });
  }

  conversation(locationId: string, conversationId: string): CrmConversation | undefined {
    const entry = this.#entries.get(key(locationId, 'conversation', conversationId));
    this.#observer.cacheLookup('crm', entry?.kind === 'conversation');
    return entry?.kind === 'conversation' ? entry.conversation : undefined;
  }

  putConversation(locationId: string, conversation: CrmConversation): void {
    if (conversation.locationId !== locationId) return;
    this.#entries.set(key(locationId, 'conversation', conversation.id), { kind: 'conversation', conversation }, { ttl: this.#ttl.conversation });
  }

  forgetContact(locationId: string, contactId: string): void {
    this.#entries.delete(key(locationId, 'contact', contactId));
  }

  forgetConversation(locationId: string, conversationId: string): void {
    this.#entries.delete(key(locationId, 'conversation', conversationId));
  }

  /** Forgets every entry of every location. */
  clear(): void {
    this.#entries.clear();
  }
}

/** NUL cannot occur in HoopAI ids, so no (location, id) pair can collide with another. */
function key(locationId: string, kind: Entry['kind'], id: string): string {
  return `${locationId}\u0000${kind}\u0000${id}`;
}
