import type { Router } from '../../common/router';
import { requiresScope } from '../auth';
import { requestOrigin, type HooprContext } from '../context';
import { badParameter, ok } from '../envelope';
import { optionalParam, pageOf, readPageRequest } from '../paging';
import { renderTrack } from '../track-view';

/** `GET /v1/search?q=` (assumed): needs the `search` scope; hits are tagged with `kind`. */
export function registerSearchRoute(router: Router, ctx: HooprContext): void {
  router.get(
    '/v1/search',
    (req) => {
      const text = optionalParam(req.query, 'q');
      if (text === undefined) throw badParameter('q is required');
      const request = readPageRequest(req.query, ctx.ctl);
      const origin = requestOrigin(req, ctx);
      const now = new Date();
      return ok(
        pageOf(ctx.catalog.search(text), request, (hit) =>
          hit.kind === 'artist' ? { kind: hit.kind, ...hit.artist } : { kind: hit.kind, ...renderTrack(hit.track, origin, now) },
        ),
      );
    },
    requiresScope('search'),
  );
}
