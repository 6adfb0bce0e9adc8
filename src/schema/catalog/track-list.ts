import { builder } from '../../builder';
import type { Context } from '../../context';
import type { HooprTrack } from '../../upstream/index';
import { MAX_FILTER_SLUGS, checkCount, checkSlug } from '../argument-limits';
import { totalCountField } from '../connection-fields';
import { decodeGlobalIdOf } from '../global-id';
import { type Connection, type ConnectionArguments, connectionFromPages } from '../pagination/index';
import { requireCatalogRead, resolvingUpstream } from './access';
import { TrackTypeEnum, upstreamValueOf } from './catalog-enums';
import { primeTrack } from './loaders';
import { TrackRef } from './refs';

/** Which tracks a list holds, in Hoopr's terms; also the scope its cursors are bound to. */
export interface TrackQuery {
  type?: string;
  /** Sorted: the order of a set must not change the cursor scope. */
  filterSlugs?: string[];
  artistIds?: string[];
}

export const TrackConnectionRef = builder.connectionObject(
  {
    type: TrackRef,
    name: 'TrackConnection',
    description: 'A page of tracks, in Hoopr order (newest release first).',
    fields: (t) => ({ totalCount: totalCountField(t, 'How many tracks the whole list holds, as Hoopr reports it.') }),
  },
  { name: 'TrackEdge', description: 'A track in a list, with the cursor of its position.' },
);

const TrackFilterInput = builder.inputType('TrackFilter', {
  description: 'Narrows a track list; every condition given must hold.',
  fields: (t) => ({
    type: t.field({ type: TrackTypeEnum, required: false, description: 'Only music or only sound effects (UNKNOWN is refused).' }),
    filterSlugs: t.stringList({
      required: false,
      description: `Filter slugs (see \`filters\`), e.g. ["electronic", "energetic"]; a track must carry all of them. At most ${MAX_FILTER_SLUGS}, one slug each.`,
    }),
    artistId: t.id({ required: false, description: 'Only tracks crediting this Artist (an Artist id).' }),
  }),
});

/**
 * A connection over `GET /v1/tracks`. Every track of a page is primed into the request's
 * loaders with its credits and filters, so the page's artists and filters cost no call.
 */
export function trackConnection(ctx: Context, args: ConnectionArguments, query: TrackQuery, kind: string): Promise<Connection<HooprTrack>> {
  const catalog = ctx.services.catalog;
  return resolvingUpstream(() =>
    connectionFromPages(args, {
      kind,
      scope: query,
      limits: ctx.services.pageLimits.tracks,
      signal: ctx.signal,
      fetchPage: async (page, pageSize, signal) => {
        const answer = await catalog.listTracks({ ...query, page, pageSize }, { ...ctx.upstreamCall, signal });
        for (const track of answer.items) primeTrack(ctx, track);
        return { items: answer.items, total: answer.totalRecords, page: answer.currentPage, pageSize: answer.pageSize };
      },
    }),
  );
}

builder.queryField('tracks', (t) =>
  t.connection(
    {
      type: TrackRef,
      nullable: true,
      description:
        'Browse the catalog, optionally filtered. Page forwards with first/after or backwards with last/before, not both (max 100 per page). Null, with its error, when Hoopr fails.',
      args: { filter: t.arg({ type: TrackFilterInput, required: false, description: 'Which tracks to list; all when absent.' }) },
      resolve: (_, args, ctx) => {
        requireCatalogRead(ctx);
        const filter = args.filter ?? {};
        checkFilterSlugs(filter.filterSlugs);
        const query: TrackQuery = {
          type: filter.type == null ? undefined : upstreamValueOf(filter.type, 'filter.type'),
          filterSlugs: filter.filterSlugs?.length ? [...new Set(filter.filterSlugs)].sort() : undefined,
          artistIds: filter.artistId == null ? undefined : [decodeGlobalIdOf('Artist', String(filter.artistId), 'filter.artistId')],
        };
        return trackConnection(ctx, args, query, 'tracks');
      },
    },
    TrackConnectionRef,
  ),
);

/** Hoopr takes the slugs comma-separated: each must be one slug, or `"a,b"` would ask for two. */
function checkFilterSlugs(slugs: readonly string[] | null | undefined): void {
  if (!slugs) return;
  checkCount('filter.filterSlugs', slugs, MAX_FILTER_SLUGS);
  slugs.forEach((slug, index) => checkSlug(`filter.filterSlugs[${index}]`, slug));
}
