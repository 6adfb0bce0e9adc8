import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { logger as defaultLogger } from '../../logger';
import { InstallRefusedError, UpstreamError, type HoopaiOAuthInstaller, type InstallResult } from '../../upstream/index';

const STATE_COOKIE = 'hoop_oauth_state';
const STATE_TTL_MS = 10 * 60_000;

/** The `user_type` of the code exchange: what the consent page was asked for. */
type InstallKind = 'Location' | 'Company';

export interface OAuthRoutesOptions {
  logger?: Logger;
  /** How long an install link stays valid, ms. Default 600000 (10 min). */
  stateTtlMs?: number;
}

/**
 * The HoopAI app install routes:
 * - `GET /oauth/install[?locationId=…|?userType=Company]` → 302 to the consent page (for
 *   one location, or an agency install), with a fresh CSRF `state` that is remembered
 *   here (single use) and bound to the browser by a cookie;
 * - `GET /oauth/callback?code=…&state=…` → checks the state, exchanges the code, stores the
 *   pair, then answers a small success page (HTML, or JSON when asked for).
 * Failures are clear 4xx/5xx pages; never a stack trace, a token or a secret.
 */
export function useOAuthRoutes(hoopai: HoopaiOAuthInstaller, options: OAuthRoutesOptions = {}): Plugin {
  const logger = options.logger ?? defaultLogger;
  const ttl = options.stateTtlMs ?? STATE_TTL_MS;
  /** Issued states not yet used, with the kind of install each started; single use, forgotten after `ttl`. */
  const pending = new LRUCache<string, InstallKind>({ max: 10_000, ttl });

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET') return;
      if (url.pathname === '/oauth/install') {
        endResponse(install(url, pageMaker(request, fetchAPI.Response, false), fetchAPI.Response));
      } else if (url.pathname === '/oauth/callback') {
        endResponse(await callback(request, url, pageMaker(request, fetchAPI.Response, true)));
      }
    },
  };

  function install(url: URL, page: Page, ResponseClass: typeof Response): Response {
    const locationId = url.searchParams.get('locationId') ?? undefined;
    const agency = url.searchParams.get('userType') === 'Company';
    if (locationId !== undefined && !hoopai.isOAuthLocation(locationId)) {
      return page(400, 'Unknown location', `Location ${locationId} is not configured for OAuth in this gateway.`);
    }
    const state = randomBytes(32).toString('base64url');
    pending.set(state, agency ? 'Company' : 'Location');
    const secure = url.protocol === 'https:' ? '; Secure' : '';
    return new ResponseClass(null, {
      status: 302,
      headers: {
        location: hoopai.consentUrl(state, { locationId, agency }),
        'set-cookie': `${STATE_COOKIE}=${state}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(ttl / 1000)}${secure}`,
        'cache-control': 'no-store',
      },
    });
  }

  async function callback(request: Request, url: URL, page: Page): Promise<Response> {
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state');
    if (url.searchParams.has('error')) return page(400, 'Install cancelled', 'The app was not installed. Start again at /oauth/install.');
    if (!code || !state) return page(400, 'Incomplete callback', 'The callback needs both code and state. Start again at /oauth/install.');
    const userType = pending.get(state);
    if (!userType) {
      return page(400, 'Install link expired', 'This install link has expired or was already used. Start again at /oauth/install.');
    }
    if (!sameState(cookie(request, STATE_COOKIE), state)) {
      return page(400, 'Install check failed', 'Finish the install in the browser that started it. Start again at /oauth/install.');
    }
    pending.delete(state);
    try {
      const result = await hoopai.completeInstall(code, userType, { signal: request.signal });
      logger.info({ userType: result.userType, locationId: result.locationId, companyId: result.companyId }, 'HoopAI app installed');
      return page(200, 'App installed', installedText(result), { installed: true, ...result });
    } catch (error) {
      logger.warn({ err: error }, 'HoopAI install callback failed');
      if (error instanceof InstallRefusedError) return page(403, 'Install refused', `${error.message}. Nothing was stored.`);
      if (error instanceof UpstreamError && error.code === 'BAD_USER_INPUT') {
        return page(400, 'Code refused', 'HoopAI refused the authorization code (expired or already used). Start again at /oauth/install.');
      }
      if (error instanceof UpstreamError) {
        return page(502, 'HoopAI unavailable', 'HoopAI could not complete the install right now. Start again at /oauth/install in a minute.');
      }
      return page(500, 'Install failed', 'The install could not be completed. Start again at /oauth/install.');
    }
  }
}

function installedText(result: InstallResult): string {
  return result.userType === 'Company'
    ? `The app is installed for agency ${result.companyId}. Its locations can now be served.`
    : `The app is installed for location ${result.locationId}.`;
}

function sameState(fromCookie: string | undefined, fromQuery: string): boolean {
  if (!fromCookie) return false;
  const a = Buffer.from(fromCookie);
  const b = Buffer.from(fromQuery);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

type Page = (status: number, title: string, text: string, json?: Record<string, unknown>) => Response;

/** Small pages: JSON for API clients that ask for it, HTML for browsers. Callback pages end the install attempt: they clear the state cookie. */
function pageMaker(request: Request, ResponseClass: typeof Response, clearState: boolean): Page {
  const wantsJson = (request.headers.get('accept') ?? '').includes('application/json');
  return (status, title, text, json = {}) => {
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (clearState) headers['set-cookie'] = `${STATE_COOKIE}=; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=0`;
    if (wantsJson) return ResponseClass.json(status < 300 ? json : { error: title, message: text }, { status, headers });
    const html =
      `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
      `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
    return new ResponseClass(html, { status, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
