import { builder } from '../../builder';
import { totalCountField } from '../connection-fields';
import { decodeGlobalIdOf } from '../global-id';
import { connectionFromPages } from '../pagination/index';
import { isNotFound, requireCatalogRead, resolvingUpstream } from './access';
import { catalogLoaders, primeArtist } from './loaders';
import { loadCatalogNodes } from './node-loading';
import { ArtistRef, TrackRef } from './refs';
import { TrackConnectionRef, trackConnection } from './track-list';

builder.node(ArtistRef, {
  description: 'A composer, singer, producer or other artist credited on catalog tracks.',
  id: { resolve: (artist) => artist.id },
  loadMany: (ids, ctx) => loadCatalogNodes(ctx, catalogLoaders(ctx).artist, ids),
  fields: (t) => ({
    rawId: t.exposeString('id', { description: 'The Hoopr artist id, as Hoopr spells it.' }),
    name: t.exposeString('name', { description: 'The artist name.' }),
    // A credit inside a track names the artist only; these two cost one artist call when asked for.
    slug: t.string({
      nullable: true,
      description: 'URL-friendly unique name, when Hoopr gives one.',
      resolve: async (artist, _, ctx) => (artist.slug ?? (await catalogLoaders(ctx).artistDetails.load(artist.id)).slug) ?? null,
    }),
    trackCount: t.int({
      nullable: true,
      description: 'How many catalog tracks credit this artist, when Hoopr says.',
      resolve: async (artist, _, ctx) =>
        (artist.trackCount ?? (await catalogLoaders(ctx).artistDetails.load(artist.id)).trackCount) ?? null,
    }),
    tracks: t.connection(
      {
        type: TrackRef,
        nullable: true,
        description: 'Tracks crediting this artist, in catalog order. Page with first/after or last/before, not both (max 100 per page). Null, with its error, when Hoopr fails.',
        resolve: (artist, args, ctx) => trackConnection(ctx, args, { artistIds: [artist.id] }, 'artistTracks'),
      },
      TrackConnectionRef,
    ),
  }),
});

const ArtistConnectionRef = builder.connectionObject(
  {
    type: ArtistRef,
    name: 'ArtistConnection',
    description: 'A page of artists, by name.',
    fields: (t) => ({ totalCount: totalCountField(t, 'How many artists the whole list holds, as Hoopr reports it.') }),
  },
  { name: 'ArtistEdge', description: 'An artist in a list, with the cursor of its position.' },
);

builder.queryField('artists', (t) =>
  t.connection(
    {
      type: ArtistRef,
      nullable: true,
      description: 'All artists, by name. Page with first/after or last/before, not both (max 100 per page). Null, with its error, when Hoopr fails.',
      resolve: (_, args, ctx) => {
        requireCatalogRead(ctx);
        const catalog = ctx.services.catalog;
        return resolvingUpstream(() =>
          connectionFromPages(args, {
            kind: 'artists',
            limits: ctx.services.pageLimits.artists,
            signal: ctx.signal,
            fetchPage: async (page, pageSize, signal) => {
              const answer = await catalog.listArtists({ page, pageSize }, { ...ctx.upstreamCall, signal });
              for (const artist of answer.items) primeArtist(ctx, artist);
              return { items: answer.items, total: answer.totalRecords, page: answer.currentPage, pageSize: answer.pageSize };
            },
          }),
        );
      },
    },
    ArtistConnectionRef,
  ),
);

builder.queryField('artist', (t) =>
  t.field({
    type: ArtistRef,
    nullable: true,
    description: 'One artist by id; null when no such artist exists.',
    args: { id: t.arg.id({ required: true, description: 'An Artist id as this API returned it.' }) },
    resolve: (_, args, ctx) => {
      requireCatalogRead(ctx);
      const rawId = decodeGlobalIdOf('Artist', String(args.id));
      return catalogLoaders(ctx).artist.load(rawId).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
    },
  }),
);
