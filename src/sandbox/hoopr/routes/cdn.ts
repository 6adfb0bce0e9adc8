import type { Router } from '../../common/router';
import { HttpError } from '../../common/http-error';
import { AUDIO_CONTENT_TYPE, toneForKey } from '../audio';
import { PUBLIC_ROUTE } from '../auth';
import type { HooprContext } from '../context';
import { verifyStreamRequest } from '../stream-signing';

/**
 * The CDN behind `streamUrl`: no bearer token, only a valid, unexpired signature. Refusals
 * look like Google Cloud Storage's (XML `<Error>` bodies), not like the catalog API's.
 */
export function registerCdnRoute(router: Router, ctx: HooprContext): void {
  router.get(
    '/cdn/musics/:trackId/audio.mp3',
    (req) => {
      const verdict = verifyStreamRequest({ host: req.headers.host, path: req.path, query: req.query }, new Date());
      if (!verdict.valid) throw storageError(403, verdict.code, 'Access denied.', verdict.details);
      const track = ctx.catalog.track(req.params.trackId!);
      if (!track) throw storageError(404, 'NoSuchKey', 'The specified key does not exist.', `No such object: ${req.path}`);
      return {
        status: 200,
        headers: { 'content-type': AUDIO_CONTENT_TYPE, 'cache-control': 'private, max-age=0' },
        body: toneForKey(track.songKey[0]),
      };
    },
    PUBLIC_ROUTE,
  );
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
