import { randomUUID } from 'node:crypto';

/** The header a request id arrives in (from a proxy or the client) and is answered in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Ids a proxy or client may choose: UUIDs, hex and base64 ids, `Root=1-…` style ids. Bounded
 * in length and in characters, because the id is written into every log line, a response
 * header and error extensions: no spaces, quotes, newlines or control characters.
 */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:=+/-]{1,128}$/;

/** The request's id: the one it brings when that is acceptable, a fresh UUID otherwise. */
export function requestIdOf(headers: Headers): string {
  const offered = headers.get(REQUEST_ID_HEADER);
  return offered !== null && ACCEPTED_REQUEST_ID.test(offered) ? offered : randomUUID();
}
