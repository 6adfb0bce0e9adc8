import type { Plugin } from 'graphql-yoga';
import type { Authenticate, AuthFailure } from '../../auth/authenticate';
import type { Viewer } from '../../auth/viewer';
import { ErrorCode } from '../../errors';

export interface CallerAuthentication {
  plugin: Plugin;
  /** The caller `plugin` authenticated for this request (the context reads it; never undefined past onRequest). */
  viewerOf(request: Request): Viewer | undefined;
}

/**
 * Authenticates the caller before anything else is spent on the request: an
 * unauthenticated request costs a header check — its body is never read, its document
 * never parsed, validated or cached — and gets HTTP 401 with UNAUTHENTICATED (and no
 * schema hints). The GraphiQL page itself needs no credentials (yoga serves it earlier).
 */
export function useCallerAuthentication(authenticate: Authenticate, graphqlEndpoint: string): CallerAuthentication {
  const viewers = new WeakMap<Request, Viewer>();
  const plugin: Plugin = {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlEndpoint || request.method === 'OPTIONS') return;
      const auth = await authenticate(request.headers.get('authorization'));
      if (auth.ok) {
        viewers.set(request, auth.viewer);
        return;
      }
      endResponse(
        fetchAPI.Response.json(
          { errors: [{ message: UNAUTHENTICATED_MESSAGES[auth.reason], extensions: { code: ErrorCode.UNAUTHENTICATED } }] },
          { status: 401, headers: { 'www-authenticate': 'Bearer', 'cache-control': 'no-store' } },
        ),
      );
    },
  };
  return { plugin, viewerOf: (request) => viewers.get(request) };
}

const UNAUTHENTICATED_MESSAGES: Record<AuthFailure, string> = {
  missing: 'Missing credentials: send "Authorization: Bearer <api key or JWT>".',
  invalid: 'Invalid credentials: the API key is unknown, or the token is malformed or not signed for this gateway.',
  expired: 'Expired credentials: the token has expired; get a new one.',
};
