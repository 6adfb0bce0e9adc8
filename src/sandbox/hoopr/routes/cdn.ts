import type { Router } from '../../common/router';
import { HttpError } from '../../common/http-error';
import { ARTWORK_CONTENT_TYPE, artworkFor } from '../artwork';
import { AUDIO_CONTENT_TYPE, toneForKey } from '../audio';
import { PUBLIC_ROUTE } from '../auth';
import type { HooprContext } from '../context';
import { verifyStreamRequest } from '../stream-signing';

/**
 * The CDN behind `streamUrl` and `artworkUrl`. Streams need no bearer token, only a valid,
 * unexpired signature; artwork is public (the documented artwork URL carries no signature).
 * Refusals look like Google Cloud Storage's (XML `<Error>` bodies), not like the catalog API's.
 */
export function registerCdnRoute(router: Router, ctx: HooprContext): void {
  router.get(
    '/cdn/musics/:trackId/audio.mp3',
    (req) => {
      const verdict = verifyStreamRequest({ host: req.headers.host, path: req.path, query: req.query }, new Date());
      if (!verdict.valid) throw storageError(403, verdict.code, 'Access denied.', verdict.details);
      const track = ctx.catalog.track(req.params.trackId!);
      if (!track) throw noSuchKey(req.path);
      return {
        status: 200,
        headers: { 'content-type': AUDIO_CONTENT_TYPE, 'cache-control': 'private, max-age=0' },
        body: toneForKey(track.songKey[0]),
      };
    },
    PUBLIC_ROUTE,
  );

  // Cached like a public Cloud Storage object: an hour, revalidated by ETag.
  router.get(
    '/cdn/musics/:trackId/image.jpg',
    (req) => {
      if (!ctx.catalog.track(req.params.trackId!)) throw noSuchKey(req.path);
      const artwork = artworkFor(req.params.trackId!);
      const headers = { etag: artwork.etag, 'cache-control': 'public, max-age=3600' };
      if (ifNoneMatch(req.headers['if-none-match'], artwork.etag)) return { status: 304, headers };
      return { status: 200, headers: { ...headers, 'content-type': ARTWORK_CONTENT_TYPE }, body: artwork.body };
    },
    PUBLIC_ROUTE,
  );
}

function noSuchKey(path: string): HttpError {
  return storageError(404, 'NoSuchKey', 'The specified key does not exist.', `No such object: ${path}`);
}

/** Whether the client's cached copy (`If-None-Match`, a list of ETags or `*`) is current. */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const candidate = tag.trim().replace(/^W\//, '');
    return candidate === '*' || candidate === etag;
  });
}

function storageError(status: number, code: string, message: string, details: string): HttpError {
  const xml =
    `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code>` +
    `<Message>${escapeXml(message)}</Message><Details>${escapeXml(details)}</Details></Error>`;
  return new HttpError(status, Buffer.from(xml), { 'content-type': 'application/xml; charset=UTF-8' });
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
