import { pipeline, Readable } from 'node:stream';
import { constants, createBrotliCompress, createGzip, type BrotliCompress } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';
import Negotiator from 'negotiator';

/** Answers smaller than this (when their length is known) go out as they are: the headers would eat the gain. */
const MIN_BYTES = 1024;

/** Only what shrinks: JSON answers, GraphiQL's page. Event streams never (a compressor holds events back). */
const COMPRESSIBLE = /^(application\/(graphql-response\+)?json|text\/html|text\/plain)\b/;

/** Brotli before gzip when the client accepts both equally (browsers list gzip first). */
const PREFERRED = ['br', 'gzip'];

type Encoding = 'br' | 'gzip';

/**
 * Compresses answers with Brotli or gzip when the client's `Accept-Encoding` asks for one
 * (q-values honoured, `identity` and `q=0` respected), and says `Vary: Accept-Encoding` on
 * every answer that could have been compressed, so a cache never hands one to a client that
 * cannot read it. Brotli at quality 5: the page of GraphiQL (about 9 MB) in a fraction of a
 * second of CPU, not the seconds of the default quality 11. Requests are never decompressed:
 * a compressed body could expand past the request size limit unseen.
 */
export function useCompression(): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      const type = response.headers.get('content-type') ?? '';
      if (!COMPRESSIBLE.test(type) || response.headers.has('content-encoding')) return;
      appendVary(response.headers);
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      if (request.method === 'HEAD' || response.status === 204 || response.status === 304 || length < MIN_BYTES) return;
      const encoding = negotiate(request.headers.get('accept-encoding'));
      // `response.body` only now: reading it turns a buffered answer into a stream.
      if (!encoding || !response.body) return;

      const headers = new fetchAPI.Headers(response.headers);
      headers.set('content-encoding', encoding);
      headers.delete('content-length');
      const compressor = encoding === 'br' ? brotli(length) : createGzip();
      // A client that goes away destroys the compressor; pipeline then cancels the source.
      pipeline(Readable.from(response.body as unknown as AsyncIterable<Uint8Array>), compressor, () => undefined);
      setResponse(new fetchAPI.Response(compressor as unknown as BodyInit, { status: response.status, statusText: response.statusText, headers }));
    },
  };
}

function negotiate(acceptEncoding: string | null): Encoding | undefined {
  if (!acceptEncoding) return undefined;
  const negotiator = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } });
  // negotiator 1.x takes the server's preference for ties; its published types predate the option.
  const encodings = negotiator.encodings as unknown as (available: string[], options: { preferred: string[] }) => string[];
  const [best] = encodings.call(negotiator, PREFERRED, { preferred: PREFERRED });
  return best === 'br' || best === 'gzip' ? best : undefined;
}

function brotli(length: number): BrotliCompress {
  return createBrotliCompress({
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 5,
      ...(Number.isFinite(length) ? { [constants.BROTLI_PARAM_SIZE_HINT]: length } : {}),
    },
  });
}

function appendVary(headers: Headers): void {
  const listed = (headers.get('vary') ?? '').split(',').map((name) => name.trim().toLowerCase());
  if (!listed.includes('accept-encoding') && !listed.includes('*')) headers.append('vary', 'Accept-Encoding');
}
