import { LRUCache } from 'lru-cache';
import { NO_OBSERVER, reportEvictions, type UpstreamObserver } from '../observability';
import type { CrmContact, CrmConversation, CrmLocation } from './records';

export interface CrmCacheOptions {
  /** Most entries held, across all locations (default 20,000). */
  maxEntries?: number;
  /** How long an entry is served (defaults: contacts 30 s, conversations 15 s, locations 10 min). */
  ttlMs?: Partial<Record<'contact' | 'conversation' | 'location', number>>;
  /** Epoch ms; injectable so expiry can be tested without waiting. */
  clock?: () => number;
  /** Told of every lookup (hit or miss) and eviction. */
  observer?: UpstreamObserver;
}

/** A location's name changes when an admin renames the sub-account: rarely, and nothing announces it. */
const DEFAULT_TTL_MS = { contact: 30_000, conversation: 15_000, location: 600_000 };

type Entry =
  | { kind: 'contact'; contact: CrmContact }
  | { kind: 'conversation'; conversation: CrmConversation }
  | { kind: 'location'; location: CrmLocation };

/**
 * A moment in the cache's history, taken before an upstream read: the read's answer is
 * stored only if nothing it covers was forgotten since (an answer read before a write
 * landed must not outlive the write's invalidation).
 */
export type CacheMark = number;

/**
 * CRM objects shared by the requests of one gateway for a few seconds, so an inbox that
 * names the same contact on every row, or a client polling a conversation, costs one
 * upstream call per object. CRM data is tenant data: every key carries the locationId the
 * object was fetched for, so an entry one location filled can never answer a lookup made
 * for another. TTLs are short because HoopAI changes behind our back (other apps, the UI);
 * writes invalidate what they touch: ours at once, other instances' through the event bus
 * (see remote-changes.ts).
 *
 * An upstream read that was in flight when its object was forgotten does not store its
 * answer (`mark()` before the read, pass it to `put…`): the answer may predate the write.
 */
export class CrmCache {
  readonly #entries: LRUCache<string, Entry>;
  readonly #ttl: typeof DEFAULT_TTL_MS;
  /** The last change of the cache's history; every forget and clear moves it on. */
  #sequence: CacheMark = 0;
  /** When each recently forgotten key was forgotten (bounded like the entries). */
  readonly #forgottenAt: LRUCache<string, CacheMark>;
  /** Reads marked before this may not store: a clear, or a forget the cache no longer remembers. */
  #storableFrom: CacheMark = 0;
  readonly #observer: UpstreamObserver;

  constructor(options: CrmCacheOptions = {}) {
    this.#ttl = { ...DEFAULT_TTL_MS, ...options.ttlMs };
    this.#observer = options.observer ?? NO_OBSERVER;
    const clock = options.clock ?? Date.now;
    const maxEntries = options.maxEntries ?? 20_000;
    this.#entries = new LRUCache<string, Entry>({
      max: maxEntries,
      ttl: Math.max(...Object.values(this.#ttl)),
      perf: { now: () => clock() },
      ttlResolution: 0,
      dispose: reportEvictions(this.#observer, 'crm'),
    });
    this.#forgottenAt = new LRUCache<string, CacheMark>({
      max: maxEntries,
      // A mark pushed out for room still counts: every read older than it stores nothing.
      dispose: (forgottenAt, _key, reason) => {
        if (reason === 'evict') this.#storableFrom = Math.max(this.#storableFrom, forgottenAt);
      },
    });
  }

  /** Take before an upstream read whose answer will be stored; see {@link CacheMark}. */
  mark(): CacheMark {
    return this.#sequence;
  }

  /** A lookup, counted as a hit or a miss (the caller fetches on a miss). */
  contact(locationId: string, contactId: string): CrmContact | undefined {
    const entry = this.#entries.get(key(locationId, 'contact', contactId));
    this.#observer.cacheLookup('crm', entry?.kind === 'contact');
    return entry?.kind === 'contact' ? entry.contact : undefined;
  }

  /**
   * Stored under the location it was fetched for, and only when the object says it belongs
   * there. `readSince`: the mark taken before the upstream call that answered it.
   */
  putContact(locationId: string, contact: CrmContact, readSince?: CacheMark): void {
    const entryKey = key(locationId, 'contact', contact.id);
    if (contact.locationId !== locationId || !this.#storable(entryKey, readSince)) return;
    this.#entries.set(entryKey, { kind: 'contact', contact }, { ttl: this.#ttl.contact });
  }

  conversation(locationId: string, conversationId: string): CrmConversation | undefined {
    const entry = this.#entries.get(key(locationId, 'conversation', conversationId));
    this.#observer.cacheLookup('crm', entry?.kind === 'conversation');
    return entry?.kind === 'conversation' ? entry.conversation : undefined;
  }

  putConversation(locationId: string, conversation: CrmConversation, readSince?: CacheMark): void {
    const entryKey = key(locationId, 'conversation', conversation.id);
    if (conversation.locationId !== locationId || !this.#storable(entryKey, readSince)) return;
    this.#entries.set(entryKey, { kind: 'conversation', conversation }, { ttl: this.#ttl.conversation });
  }

  /** The location itself (its name), read with its own credentials. */
  location(locationId: string): CrmLocation | undefined {
    const entry = this.#entries.get(key(locationId, 'location', locationId));
    this.#observer.cacheLookup('crm', entry?.kind === 'location');
    return entry?.kind === 'location' ? entry.location : undefined;
  }

  putLocation(location: CrmLocation, readSince?: CacheMark): void {
    const entryKey = key(location.id, 'location', location.id);
    if (!this.#storable(entryKey, readSince)) return;
    this.#entries.set(entryKey, { kind: 'location', location }, { ttl: this.#ttl.location });
  }

  forgetContact(locationId: string, contactId: string): void {
    this.#forget(key(locationId, 'contact', contactId));
  }

  forgetConversation(locationId: string, conversationId: string): void {
    this.#forget(key(locationId, 'conversation', conversationId));
  }

  /** Forgets every entry of every location; reads in flight store nothing. */
  clear(): void {
    this.#entries.clear();
    this.#storableFrom = ++this.#sequence;
  }

  #forget(entryKey: string): void {
    this.#entries.delete(entryKey);
    this.#forgottenAt.set(entryKey, ++this.#sequence);
  }

  #storable(entryKey: string, readSince: CacheMark | undefined): boolean {
    if (readSince === undefined) return true;
    return readSince >= this.#storableFrom && (this.#forgottenAt.get(entryKey) ?? 0) <= readSince;
  }
}

/** NUL cannot occur in HoopAI ids, so no (location, id) pair can collide with another. */
function key(locationId: string, kind: Entry['kind'], id: string): string {
  return `${locationId}\u0000${kind}\u0000${id}`;
}
