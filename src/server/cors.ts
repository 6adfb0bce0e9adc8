import type { CORSOptions } from 'graphql-yoga';
import type { CorsConfig } from './cors-config';

/**
 * The CORS answer for one request, as yoga's `cors` option. An origin on the allow-list gets
 * itself back in `access-control-allow-origin`; any other origin gets no CORS header at all
 * (never a reflection, never `*`), so the browser keeps the answer from its page.
 *
 * No `access-control-allow-credentials`: callers authenticate with an `Authorization: Bearer`
 * header their code sets, which needs no credentials mode. The grant would only let cookies
 * or HTTP authentication ride along; the gateway has neither, and a proxy or SSO cookie added
 * in front of it later must not silently become an ambient credential for other sites.
 */

/** Everything a GraphQL client needs: queries by GET, everything by POST. */
const METHODS = ['GET', 'POST'];
/**
 * `authorization` must be listed by name (`*` never covers it). `accept` needs no grant: it is
 * CORS-safelisted. Anything else a page sends makes its preflight fail, by design.
 */
const ALLOWED_HEADERS = ['authorization', 'content-type'];
/** Seconds a browser may reuse a preflight (chromium caps it at 7200). */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/** No cross-origin access at all: what a gateway built without a CORS config answers. */
export const NO_CROSS_ORIGIN: CorsConfig = { origins: [], subdomainPatterns: [], loopbackDevServers: false };

export function corsOptions(config: CorsConfig = NO_CROSS_ORIGIN): (request: Request) => CORSOptions {
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !originAllowed(config, origin)) return false;
    return {
      // One origin: yoga sends exactly this one back.
      origin: [origin],
      methods: METHODS,
      allowedHeaders: ALLOWED_HEADERS,
      credentials: false,
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    };
  };
}

/** True when some origin may be granted: then every answer depends on `Origin`. */
export function grantsAnyOrigin(config: CorsConfig = NO_CROSS_ORIGIN): boolean {
  return config.origins.length > 0 || config.subdomainPatterns.length > 0 || config.loopbackDevServers;
}

/** `origin` is the raw `Origin` header; anything that is not a plain origin is refused. */
export function originAllowed(config: CorsConfig, origin: string): boolean {
  if (config.origins.includes(origin)) return true;
  const url = parsedOrigin(origin);
  if (!url) return false;
  if (config.loopbackDevServers && url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1')) {
    return true;
  }
  return config.subdomainPatterns.some(
    (pattern) =>
      url.protocol === `${pattern.scheme}:` &&
      url.port === pattern.port &&
      url.hostname.endsWith(`.${pattern.parentHost}`) &&
      DNS_LABEL.test(url.hostname.slice(0, -pattern.parentHost.length - 1)),
  );
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The header as a URL, only when it is exactly the origin a browser would send. */
function parsedOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin);
    return url.origin === origin ? url : undefined;
  } catch {
    return undefined;
  }
}
