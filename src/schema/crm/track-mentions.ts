/**
 * Hoopr tracks referenced in a message body, in the two forms people and our own
 * shareTrack write: the `hoopr:track/<slug or id>` URI and the public link
 * `https://hoopr.ai/tracks/<slug or id>`. A UUID-shaped reference is a track id, anything
 * else a slug.
 */

export type TrackReference = { kind: 'id'; id: string } | { kind: 'slug'; slug: string };

/** The public link to a track, as shareTrack sends it (and as Message.tracks reads it back). */
export function publicTrackLink(slug: string): string {
  return `https://hoopr.ai/tracks/${slug}`;
}

const MENTION = /(?:\bhoopr:track\/|\bhttps?:\/\/(?:www\.)?hoopr\.ai\/tracks\/)([A-Za-z0-9][A-Za-z0-9-]{0,127})/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A bound on the work one message can cause; real messages mention a handful. */
const MAX_REFERENCES_PER_MESSAGE = 10;

/** Distinct references, in the order they first appear. */
export function trackReferencesIn(body: string | null): TrackReference[] {
  if (!body) return [];
  const seen = new Set<string>();
  const references: TrackReference[] = [];
  for (const match of body.matchAll(MENTION)) {
    const raw = match[1]!.replace(/-+$/, '');
    const reference: TrackReference = UUID.test(raw) ? { kind: 'id', id: raw.toLowerCase() } : { kind: 'slug', slug: raw.toLowerCase() };
    const key = reference.kind === 'id' ? `id:${reference.id}` : `slug:${reference.slug}`;
    if (seen.has(key)) continue;
    seen.add(key);
    references.push(reference);
    if (references.length === MAX_REFERENCES_PER_MESSAGE) break;
  }
  return references;
}
