import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { builder } from '../../builder';
import type { Context } from '../../context';
import { ErrorCode, gatewayError } from '../../errors';
import type { HooprTrack } from '../../upstream/index';
import { asFieldError, isNotFound, requireCatalogRead } from '../catalog/access';
import { catalogLoaders, primeTrack } from '../catalog/loaders';
import { TrackRef } from '../catalog/refs';
import { MAX_MENTION_LOOKUPS_PER_REQUEST, MAX_MENTIONS_PER_MESSAGE } from './mention-limits';
import { MessageRef } from './refs';
import { type TrackReference, referenceKey, trackReferencesIn } from './track-mentions';

/**
 * `Message.tracks`: the first join across the two upstreams. References found in message
 * bodies are resolved through the catalog's loaders and shared cache, so an inbox that
 * mentions one track in ten messages looks it up once; the catalog is not tenant data.
 * What a request may spend on them upstream is bounded (mention-limits.ts).
 */

/** Tracks by slug for one request; null for a slug the catalog does not have. */
const trackBySlugLoader = createContextCache(
  (ctx: Context) =>
    new DataLoader<string, HooprTrack | null>(async (slugs) => {
      const tracks = await ctx.services.catalog.tracksBySlug(slugs, ctx.upstreamCall);
      return tracks.map((track) => {
        if (track instanceof Error) return asFieldError(track) as Error;
        if (track) primeTrack(ctx, track);
        return track;
      });
    }),
);

/** Keys of the mentions this request has sent upstream (or is sending). */
const lookupsOfRequest = createContextCache((_ctx: Context) => new Set<string>());

/**
 * The tracks `references` name, in order; null where the catalog has no such track. What
 * the cache answers is free; the rest is claimed from the request's lookup budget all at
 * once, so a message either looks up all of its uncached mentions or none (COST_LIMIT_EXCEEDED).
 */
async function mentionedTracks(ctx: Context, references: readonly TrackReference[]): Promise<(HooprTrack | null)[]> {
  const catalog = ctx.services.catalog;
  const cached = references.map((reference) =>
    reference.kind === 'slug' ? catalog.cachedTrackBySlug(reference.slug) : catalog.cachedTrack(reference.id),
  );
  claimLookups(ctx, references.filter((_, index) => cached[index] === undefined).map(referenceKey));
  return Promise.all(
    references.map((reference, index) => {
      const known = cached[index];
      return known === undefined ? lookUp(ctx, reference) : known;
    }),
  );
}

function claimLookups(ctx: Context, keys: readonly string[]): void {
  const claimed = lookupsOfRequest(ctx);
  const fresh = keys.filter((key) => !claimed.has(key));
  if (claimed.size + fresh.length > MAX_MENTION_LOOKUPS_PER_REQUEST) {
    throw gatewayError(
      ErrorCode.COST_LIMIT_EXCEEDED,
      `This message's track mentions were not looked up: this request has already looked up ${claimed.size} mentioned tracks, and one request may look up at most ${MAX_MENTION_LOOKUPS_PER_REQUEST}. Ask for the tracks of fewer messages, or ask again: the tracks looked up so far are cached.`,
      { limit: MAX_MENTION_LOOKUPS_PER_REQUEST },
    );
  }
  for (const key of fresh) claimed.add(key);
}

async function lookUp(ctx: Context, reference: TrackReference): Promise<HooprTrack | null> {
  if (reference.kind === 'slug') return trackBySlugLoader(ctx).load(reference.slug);
  try {
    return await catalogLoaders(ctx).track.load(reference.id);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

builder.objectField(MessageRef, 'tracks', (t) =>
  t.field({
    type: [TrackRef],
    nullable: true,
    description: `Hoopr tracks the body mentions (hoopr:track/<slug or id>, or https://hoopr.ai/tracks/<slug or id>), in order of first mention; the first ${MAX_MENTIONS_PER_MESSAGE} distinct mentions are read, and mentions of tracks the catalog does not have are left out. Needs the catalog:read scope. Null, with its error, when Hoopr fails, the caller lacks the scope, or (COST_LIMIT_EXCEEDED) the request has already looked up ${MAX_MENTION_LOOKUPS_PER_REQUEST} mentioned tracks that were not cached.`,
    resolve: async (message, _, ctx) => {
      const references = trackReferencesIn(message.body);
      if (references.length === 0) return [];
      requireCatalogRead(ctx);
      const tracks = await mentionedTracks(ctx, references);
      const distinct = new Map(tracks.filter((track): track is HooprTrack => track !== null).map((track) => [track.id, track]));
      return [...distinct.values()];
    },
  }),
);
