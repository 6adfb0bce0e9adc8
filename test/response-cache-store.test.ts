import { describe, expect, it } from 'vitest';
import { signStreamUrl } from '../src/sandbox/hoopr/stream-signing';
import { ResponseCache, STREAM_URL_MARGIN_MS } from '../src/server/response-cache/index';
import { recordingObserver } from './helpers/recording-observer';

const ORIGIN = 'http://127.0.0.1:4010';
const SIGNED_AT = Date.UTC(2024, 2, 1, 12, 0, 0);

function cacheAt(start: number, options: { ttlMs?: number; maxBytes?: number } = {}) {
  const clock = { now: start };
  const observer = recordingObserver();
  const cache = new ResponseCache({ maxBytes: options.maxBytes ?? 1024 * 1024, ttlMs: options.ttlMs ?? 60_000, clock: () => clock.now, observer });
  return { cache, clock, observer };
}

const pageWith = (url: string) => ({ tracks: { edges: [{ node: { id: 't1', stream: { url } } }] } });

describe('ResponseCache lifetimes', () => {
  it('serves an answer without stream URLs for ttlMs, then counts it expired', () => {
    const { cache, clock } = cacheAt(SIGNED_AT, { ttlMs: 60_000 });
    expect(cache.set('k', { artists: { edges: [] } })).toBe(true);
    clock.now += 59_999;
    expect(cache.get('k')?.data).toEqual({ artists: { edges: [] } });
    clock.now += 1;
    expect(cache.get('k')).toBeUndefined();
  });

  it('ends an entry 5 minutes before its earliest stream URL expires, even within ttlMs', () => {
    const { cache, clock } = cacheAt(SIGNED_AT + 24 * 60_000, { ttlMs: 10 * 60_000 });
    const url = signStreamUrl(ORIGIN, 't1', { signedAt: new Date(SIGNED_AT), expiresSeconds: 1800 });
    expect(cache.set('k', pageWith(url))).toBe(true);
    clock.now = SIGNED_AT + 1800_000 - STREAM_URL_MARGIN_MS - 1;
    expect(cache.get('k')).toBeDefined();
    clock.now += 1;
    expect(cache.get('k')).toBeUndefined();
  });

  it('never keeps an answer whose stream URL is already within the margin, or whose lifetime cannot be read', () => {
    const { cache } = cacheAt(SIGNED_AT + 25 * 60_000);
    expect(cache.set('near', pageWith(signStreamUrl(ORIGIN, 't1', { signedAt: new Date(SIGNED_AT), expiresSeconds: 1800 })))).toBe(false);
    expect(cache.set('unreadable', pageWith(`${ORIGIN}/cdn/a.mp3?X-Goog-Date=garbage&X-Goog-Expires=1800`))).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('reports hits, misses and evictions as cache "response"', () => {
    // Each entry counts 6 bytes per JSON character: a ~700 B, b ~1,300 B; both do not fit.
    const { cache, observer } = cacheAt(SIGNED_AT, { maxBytes: 1_500 });
    cache.get('a');
    cache.set('a', { filters: 'x'.repeat(100) });
    cache.get('a');
    cache.set('b', { filters: 'y'.repeat(200) });
    expect(cache.get('a')).toBeUndefined();
    expect(observer.eventsOf('cacheLookup')).toEqual([
      ['response', false],
      ['response', true],
      ['response', false],
    ]);
    expect(observer.eventsOf('cacheEvicted')).toContainEqual(['response', 'capacity']);
  });
});
