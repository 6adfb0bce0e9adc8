import type { Router } from '../../common/router';
import { requiresScope } from '../auth';
import type { HooprContext } from '../context';
import { notFound, ok } from '../envelope';
import { optionalParam, pageOf, readPageRequest } from '../paging';

/** `GET /v1/artists`, `GET /v1/artists/:id` and `GET /v1/filters` (all assumed). */
export function registerArtistAndFilterRoutes(router: Router, ctx: HooprContext): void {
  const catalogRead = requiresScope('catalog:read');

  router.get('/v1/artists', (req) => ok(pageOf(ctx.catalog.artists(), readPageRequest(req.query, ctx.ctl), (artist) => artist)), catalogRead);

  router.get(
    '/v1/artists/:id',
    (req) => {
      const artist = ctx.catalog.artist(req.params.id!);
      if (!artist) throw notFound(`Artist ${req.params.id} not found`);
      return ok(artist);
    },
    catalogRead,
  );

  // Filter types are open-ended: an unknown type is an empty list, not an error.
  router.get(
    '/v1/filters',
    (req) => ok(pageOf(ctx.catalog.filters(optionalParam(req.query, 'type')), readPageRequest(req.query, ctx.ctl), (filter) => filter)),
    catalogRead,
  );
}
