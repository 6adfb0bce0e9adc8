import type { Router } from '../../common/router';
import type { SandboxRequest } from '../../common/types';
import { requiresScope } from '../auth';
import type { TrackQuery } from '../catalog/store';
import type { TrackType } from '../catalog/types';
import { requestOrigin, type HooprContext } from '../context';
import { badParameter, notFound, ok } from '../envelope';
import { listParam, optionalParam, pageOf, readPageRequest } from '../paging';
import { renderTrack } from '../track-view';

const TRACK_TYPES: readonly TrackType[] = ['music', 'sfx'];

/** `GET /v1/tracks` (documented, with assumed `page` and `artistIds`) and `GET /v1/tracks/:id`. */
export function registerTrackRoutes(router: Router, ctx: HooprContext): void {
  const catalogRead = requiresScope('catalog:read');

  router.get(
    '/v1/tracks',
    (req) => {
      const query = readTrackQuery(req);
      const request = readPageRequest(req.query, ctx.ctl);
      const origin = requestOrigin(req, ctx);
      const now = new Date();
      return ok(pageOf(ctx.catalog.tracks(query), request, (track) => renderTrack(track, origin, now)));
    },
    catalogRead,
  );

  router.get(
    '/v1/tracks/:id',
    (req) => {
      const track = ctx.catalog.track(req.params.id!);
      if (!track) throw notFound(`Track ${req.params.id} not found`);
      return ok(renderTrack(track, requestOrigin(req, ctx), new Date()));
    },
    catalogRead,
  );
}

function readTrackQuery(req: SandboxRequest): TrackQuery {
  const type = optionalParam(req.query, 'type');
  if (type !== undefined && !TRACK_TYPES.includes(type as TrackType)) {
    throw badParameter(`type must be one of ${TRACK_TYPES.join(', ')}, got "${type}"`);
  }
  return {
    type: type as TrackType | undefined,
    filterSlugs: listParam(req.query, 'filterSlugs'),
    artistIds: listParam(req.query, 'artistIds'),
  };
}
