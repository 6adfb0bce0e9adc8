import { builder } from '../../builder';
import { totalCountField } from '../connection-fields';
import { connectionFromPages } from '../pagination/index';
import { requireCatalogRead, resolvingUpstream } from './access';
import { FilterTypeEnum, filterTypeOf, upstreamValueOf } from './catalog-enums';
import { catalogLoaders, primeFilter } from './loaders';
import { loadCatalogNodes } from './node-loading';
import { FilterRef } from './refs';

builder.node(FilterRef, {
  description: 'A facet of the catalog (a genre, mood, instrument, theme, era, …); its slug narrows `tracks`.',
  id: { resolve: (filter) => filter.id },
  loadMany: (ids, ctx) => loadCatalogNodes(ctx, catalogLoaders(ctx).filter, ids),
  fields: (t) => ({
    rawId: t.exposeString('id', { description: 'The Hoopr filter id, as Hoopr spells it.' }),
    name: t.exposeString('name', { description: 'Display name, e.g. Electronic.' }),
    slug: t.exposeString('slug', { description: 'What `tracks(filter: {filterSlugs: [...]})` takes, e.g. electronic.' }),
    type: t.field({ type: FilterTypeEnum, description: 'The facet this filter belongs to.', resolve: (filter) => filterTypeOf(filter.type) }),
    rawType: t.exposeString('type', { description: 'The facet exactly as Hoopr names it (useful when type is UNKNOWN).' }),
  }),
});

const FilterConnectionRef = builder.connectionObject(
  {
    type: FilterRef,
    name: 'FilterConnection',
    description: 'A page of filters, grouped by type.',
    fields: (t) => ({ totalCount: totalCountField(t, 'How many filters the whole list holds, as Hoopr reports it.') }),
  },
  { name: 'FilterEdge', description: 'A filter in a list, with the cursor of its position.' },
);

builder.queryField('filters', (t) =>
  t.connection(
    {
      type: FilterRef,
      nullable: true,
      description:
        'The filters tracks can be narrowed by, optionally of one type. Page with first/after or last/before, not both (max 100 per page). Null, with its error, when Hoopr fails.',
      args: { type: t.arg({ type: FilterTypeEnum, required: false, description: 'Only filters of this type (UNKNOWN is refused).' }) },
      resolve: (_, args, ctx) => {
        requireCatalogRead(ctx);
        const type = args.type == null ? undefined : upstreamValueOf(args.type, 'type');
        const catalog = ctx.services.catalog;
        return resolvingUpstream(() =>
          connectionFromPages(args, {
            kind: 'filters',
            scope: { type },
            limits: ctx.services.pageLimits.filters,
            signal: ctx.signal,
            fetchPage: async (page, pageSize, signal) => {
              const answer = await catalog.listFilters({ type, page, pageSize }, { ...ctx.upstreamCall, signal });
              for (const filter of answer.items) primeFilter(ctx, filter);
              return { items: answer.items, total: answer.totalRecords, page: answer.currentPage, pageSize: answer.pageSize };
            },
          }),
        );
      },
    },
    FilterConnectionRef,
  ),
);
