import { LRUCache } from 'lru-cache';
import { NO_OBSERVER, reportEvictions, type UpstreamObserver } from '../../upstream/index';
import { streamUrlDeadline } from './stream-url-deadline';

/** A stream URL is never served within this much of its expiry (CONTRACT.md, "Stream URLs"). */
export const STREAM_URL_MARGIN_MS = 5 * 60_000;

/**
 * Heap an answer's data holds per character of its JSON: objects, arrays and strings of a
 * parsed answer measured at 2–4 bytes per character. Generous, so the bound holds.
 */
const BYTES_PER_JSON_CHARACTER = 4;

export interface ResponseCacheOptions {
  /** Bytes the cached answers may hold (estimated from their JSON size); least recently used go first. */
  maxBytes: number;
  /** How long an answer is served at most. */
  ttlMs: number;
  /** Epoch ms; injectable so tests can drive expiry. */
  clock?: () => number;
  observer?: UpstreamObserver;
}

export interface CachedAnswer {
  data: Record<string, unknown>;
  /** `data` as JSON, serialized once when it was kept. */
  json: string;
}

interface Entry extends CachedAnswer {
  /** Epoch ms: served before this instant only. */
  freshUntil: number;
}

/**
 * Answers (their `data`) of catalog-only queries, by a key the caller of this class builds
 * (src/server/plugins/use-response-cache.ts). An entry lives `ttlMs`, and never past the
 * expiry of the earliest stream URL it holds less `STREAM_URL_MARGIN_MS`; an answer whose
 * URLs are already that close, or whose signature lifetime cannot be read, is not kept.
 * Lookups and evictions are reported as cache "response".
 */
export class ResponseCache {
  readonly #entries: LRUCache<string, Entry>;
  readonly #ttlMs: number;
  readonly #clock: () => number;
  readonly #observer: UpstreamObserver;

  constructor(options: ResponseCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#clock = options.clock ?? Date.now;
    this.#observer = options.observer ?? NO_OBSERVER;
    this.#entries = new LRUCache<string, Entry>({
      maxSize: options.maxBytes,
      dispose: reportEvictions(this.#observer, 'response'),
    });
  }

  /** The fresh answer for `key`, if any. */
  get(key: string): CachedAnswer | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.freshUntil <= this.#clock()) {
      this.#entries.delete(key);
      this.#observer.cacheEvicted('response', 'expired');
      this.#observer.cacheLookup('response', false);
      return undefined;
    }
    this.#observer.cacheLookup('response', entry !== undefined);
    return entry;
  }

  /** Keeps an answer's data; false when it may not be kept (stream URLs near expiry, too large). */
  set(key: string, data: Record<string, unknown>): boolean {
    const now = this.#clock();
    const deadline = streamUrlDeadline(data);
    if (deadline === 'unknown') return false;
    let freshUntil = now + this.#ttlMs;
    if (deadline.expiresAt !== undefined) freshUntil = Math.min(freshUntil, deadline.expiresAt - STREAM_URL_MARGIN_MS);
    if (freshUntil <= now) return false;
    const json = JSON.stringify(data);
    // The data, and its JSON kept beside it (2 bytes a character at most).
    const size = json.length * (BYTES_PER_JSON_CHARACTER + 2) + key.length * 2;
    if (size > this.#entries.maxSize) return false;
    this.#entries.set(key, { data, json, freshUntil }, { size });
    return this.#entries.has(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  get calculatedBytes(): number {
    return this.#entries.calculatedSize;
  }

  clear(): void {
    this.#entries.clear();
  }
}
