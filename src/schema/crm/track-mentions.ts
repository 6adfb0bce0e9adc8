import { isSlug } from '../argument-limits';
import { MAX_MENTIONS_PER_MESSAGE } from './mention-limits';

/**
 * Hoopr tracks referenced in a message body, in the two forms people and our own
 * shareTrack write: the `hoopr:track/<slug or id>` URI and the public link
 * `https://hoopr.ai/tracks/<slug or id>`. A UUID-shaped reference is a track id; anything
 * else is a slug, when it has a slug's form (any other mention cannot name a track and is
 * never looked up).
 */

export type TrackReference = { kind: 'id'; id: string } | { kind: 'slug'; slug: string };

/** The public link to a track, as shareTrack sends it (and as Message.tracks reads it back). */
export function publicTrackLink(slug: string): string {
  return `https://hoopr.ai/tracks/${slug}`;
}

// Reads up to twice the slug cap, so an overlong word is never cut down to something that passes as a slug.
const MENTION = /(?:\bhoopr:track\/|\bhttps?:\/\/(?:www\.)?hoopr\.ai\/tracks\/)([A-Za-z0-9][A-Za-z0-9-]{0,199})/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Distinct references, in the order they first appear; at most MAX_MENTIONS_PER_MESSAGE. */
export function trackReferencesIn(body: string | null): TrackReference[] {
  if (!body) return [];
  const seen = new Set<string>();
  const references: TrackReference[] = [];
  for (const match of body.matchAll(MENTION)) {
    const raw = match[1]!.replace(/-+$/, '');
    const reference: TrackReference = UUID.test(raw) ? { kind: 'id', id: raw.toLowerCase() } : { kind: 'slug', slug: raw.toLowerCase() };
    if (reference.kind === 'slug' && !isSlug(reference.slug)) continue;
    const key = referenceKey(reference);
    if (seen.has(key)) continue;
    seen.add(key);
    references.push(reference);
    if (references.length === MAX_MENTIONS_PER_MESSAGE) break;
  }
  return references;
}

/** One key per track a reference can name: the same slug or id twice is one lookup. */
export function referenceKey(reference: TrackReference): string {
  return reference.kind === 'id' ? `id:${reference.id}` : `slug:${reference.slug}`;
}
