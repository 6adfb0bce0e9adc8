import { builder } from '../../builder';
import { ErrorCode, gatewayError } from '../../errors';
import { isArtistHit, isTrackHit } from '../../upstream/catalog-cache/index';
import type { HooprArtist, HooprSearchItem, HooprTrack } from '../../upstream/index';
import { MAX_SEARCH_QUERY_LENGTH, checkLength } from '../argument-limits';
import { totalCountField } from '../connection-fields';
import { connectionFromPages } from '../pagination/index';
import { requireCatalogRead, resolvingUpstream } from './access';
import { primeArtist, primeTrack } from './loaders';
import { ArtistRef, TrackRef } from './refs';

const SearchResultUnion = builder.unionType('SearchResult', {
  description: 'A search hit: a track or an artist.',
  types: [TrackRef, ArtistRef],
  resolveType: (hit) => ((hit as { kind?: string }).kind === 'artist' ? ArtistRef : TrackRef),
});

const SearchResultConnectionRef = builder.connectionObject(
  {
    type: SearchResultUnion,
    name: 'SearchResultConnection',
    description: 'A page of search hits: matching artists first, then matching tracks.',
    // A hit of a kind this API does not know yet keeps its place (positions stay exact) as a null node.
    nodeNullable: true,
    fields: (t) => ({ totalCount: totalCountField(t, 'How many hits the whole search holds, as Hoopr reports it.') }),
  },
  { name: 'SearchResultEdge', description: 'A search hit, with the cursor of its position.' },
);

builder.queryField('search', (t) =>
  t.connection(
    {
      type: SearchResultUnion,
      nodeNullable: true,
      nullable: true,
      description:
        'Search artists (by name) and tracks (by name, slug and tags), case-insensitively. Page with first/after or last/before, not both (max 100 per page). Null, with its error, when Hoopr fails.',
      args: {
        query: t.arg.string({ required: true, description: `The text to look for, e.g. "drive" (at most ${MAX_SEARCH_QUERY_LENGTH} characters).` }),
      },
      resolve: (_, args, ctx) => {
        requireCatalogRead(ctx);
        const text = args.query.trim();
        if (text === '') throw gatewayError(ErrorCode.BAD_USER_INPUT, '`query` must not be blank.');
        checkLength('query', text, MAX_SEARCH_QUERY_LENGTH);
        const catalog = ctx.services.catalog;
        return resolvingUpstream(() =>
          connectionFromPages(args, {
            kind: 'search',
            scope: { query: text },
            limits: ctx.services.pageLimits.search,
            signal: ctx.signal,
            fetchPage: async (page, pageSize, signal) => {
              const answer = await catalog.search({ q: text, page, pageSize }, { ...ctx.upstreamCall, signal });
              const items = answer.items.map((hit) => knownHit(ctx, hit));
              return { items, total: answer.totalRecords, page: answer.currentPage, pageSize: answer.pageSize };
            },
          }),
        );
      },
    },
    SearchResultConnectionRef,
  ),
);

function knownHit(ctx: Parameters<typeof primeTrack>[0], hit: HooprSearchItem): HooprTrack | HooprArtist | null {
  if (isTrackHit(hit)) {
    primeTrack(ctx, hit);
    return hit;
  }
  if (isArtistHit(hit)) {
    primeArtist(ctx, hit);
    return hit;
  }
  return null;
}
