import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { builder } from '../../builder';
import type { Context } from '../../context';
import type { HooprTrack } from '../../upstream/index';
import { asFieldError, catalogOf, isNotFound, requireCatalogRead } from '../catalog/access';
import { catalogLoaders, primeTrack } from '../catalog/loaders';
import { TrackRef } from '../catalog/refs';
import { MessageRef } from './refs';
import { type TrackReference, trackReferencesIn } from './track-mentions';

/**
 * `Message.tracks`: the first join across the two upstreams. References found in message
 * bodies are resolved through the catalog's loaders and shared cache, so an inbox that
 * mentions one track in ten messages looks it up once; the catalog is not tenant data.
 */

/** Tracks by slug for one request; null for a slug the catalog does not have. */
const trackBySlugLoader = createContextCache(
  (ctx: Context) =>
    new DataLoader<string, HooprTrack | null>((slugs) =>
      Promise.all(
        slugs.map(async (slug) => {
          try {
            const track = await catalogOf(ctx).trackBySlug(slug, { signal: ctx.signal });
            if (track) primeTrack(ctx, track);
            return track ?? null;
          } catch (error) {
            return asFieldError(error) as Error;
          }
        }),
      ),
    ),
);

/** The track a reference names; null when the catalog has no such track. */
export async function referencedTrack(ctx: Context, reference: TrackReference): Promise<HooprTrack | null> {
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
    description:
      'Hoopr tracks the body mentions (hoopr:track/<slug or id>, or https://hoopr.ai/tracks/<slug or id>), in order of first mention; mentions of tracks the catalog does not have are left out. Needs the catalog:read scope. Null, with its error, when Hoopr fails or the caller lacks the scope.',
    resolve: async (message, _, ctx) => {
      const references = trackReferencesIn(message.body);
      if (references.length === 0) return [];
      requireCatalogRead(ctx);
      const tracks = await Promise.all(references.map((reference) => referencedTrack(ctx, reference)));
      const distinct = new Map(tracks.filter((track): track is HooprTrack => track !== null).map((track) => [track.id, track]));
      return [...distinct.values()];
    },
  }),
);
