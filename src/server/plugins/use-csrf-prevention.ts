import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../errors';

/**
 * No GraphQL request that a web page can make without asking first runs.
 *
 * A page on any site can make a browser send a "simple" request (an HTML form, or fetch in
 * no-cors mode) with no preflight: a POST whose body is form-encoded, multipart or
 * text/plain. The browser hides the answer from that page, but the request has already run.
 * So a POST to the GraphQL endpoint executes only with a content type no simple request can
 * carry (`application/json`, which GraphiQL and every GraphQL client send); one with a simple
 * content type, or none, is refused with `CSRF_REFUSED` (HTTP 415: the fix is the request's
 * Content-Type) before its body is read or its caller authenticated, so nothing is parsed or called upstream.
 *
 * GET needs no rule here: yoga runs only queries from a GET (a mutation is a 405), and every
 * GraphQL request needs `Authorization`, a header that is never CORS-safelisted. A page on
 * another site can only send it after a preflight, which the CORS policy (src/server/cors.ts)
 * answers without a grant; a GET without it fails as UNAUTHENTICATED before anything runs.
 *
 * Why not `@graphql-yoga/plugin-csrf-prevention`: it requires a custom header on every
 * request to every route (JSON clients, health probes and signed webhooks included), ignores
 * the content type, and refuses with a plain-text 403 instead of an error with a code.
 */
export function useCsrfPrevention(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'POST' || url.pathname !== graphqlEndpoint) return;
      const mediaType = mediaTypeOf(request.headers.get('content-type'));
      if (mediaType !== undefined && !SIMPLE_REQUEST_TYPES.has(mediaType)) return;
      endResponse(fetchAPI.Response.json({ errors: [{ message: REFUSAL, extensions: { code: ErrorCode.CSRF_REFUSED } }] }, { status: 415 }));
    },
  };
}

const REFUSAL =
  'Refused: send GraphQL POSTs with "Content-Type: application/json". Form, multipart, text/plain or untyped bodies can be sent by any web page without a CORS preflight, so the gateway never runs them.';

/** The content types of the CORS "simple request" (Fetch standard, CORS-safelisted). */
const SIMPLE_REQUEST_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * The type the request parsers act on: the first one listed (yoga reads no other), without
 * parameters, in lower case (browsers accept `Text/Plain; charset=x` as simple too).
 */
function mediaTypeOf(contentType: string | null): string | undefined {
  const first = contentType?.split(',')[0]?.split(';')[0]?.trim().toLowerCase();
  return first ? first : undefined;
}
