import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startHoopaiSandbox, type RunningHoopaiSandbox } from '../../src/sandbox/hoopai/index';
import { startHooprSandbox, type RunningHooprSandbox } from '../../src/sandbox/hoopr/index';
import { startGateway, type RunningGateway } from '../../src/server/start';
import { BROWSER_KEY, CREATE_CONTACT, liveGatewayEnv, upstreamCalls } from '../helpers/browser-callers';
import { sandboxControl, type SandboxControl } from '../helpers/upstream-sandbox-control';
import { type HeadlessBrowser, launchChromium } from './browser';

/**
 * Browser callers as chromium enforces CORS: a page on the allow-listed origin calls the
 * gateway with its key; a page on another origin cannot (the preflight gets no grant), and
 * what it can send without a preflight (HTML forms, no-cors fetches) never runs a mutation.
 * The two pages are two ports of 127.0.0.1: two origins, as far as a browser is concerned.
 */

let hoopr: RunningHooprSandbox;
let hoopai: RunningHoopaiSandbox;
let controls: SandboxControl[];
let allowedSite: PageSite;
let otherSite: PageSite;
let gateway: RunningGateway;
let browser: HeadlessBrowser;
let page: Page;

interface PageSite {
  origin: string;
  close(): Promise<void>;
}

/**
 * A site with a blank page at `/` and, at `/form?action=…&enctype=…`, an HTML form that
 * posts the mutation there (for text/plain, as the JSON body an attacker would smuggle in).
 */
async function startPageSite(): Promise<PageSite> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    if (url.pathname !== '/form') return res.end('<!doctype html><title>site</title>');
    const enctype = url.searchParams.get('enctype') ?? 'application/x-www-form-urlencoded';
    const field =
      enctype === 'text/plain'
        ? `<input type="hidden" name='${escapeAttribute(JSON.stringify({ query: CREATE_CONTACT }).slice(0, -1))},"pad":"' value='"}'>`
        : `<input type="hidden" name="query" value="${escapeAttribute(CREATE_CONTACT)}">`;
    res.end(
      `<!doctype html><title>form</title><form method="POST" action="${escapeAttribute(url.searchParams.get('action') ?? '')}" enctype="${enctype}">${field}<button>send</button></form>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;');
}

beforeAll(async () => {
  [hoopr, hoopai, allowedSite, otherSite] = await Promise.all([
    startHooprSandbox({ port: 0, host: '127.0.0.1' }),
    startHoopaiSandbox({ port: 0, host: '127.0.0.1' }),
    startPageSite(),
    startPageSite(),
  ]);
  controls = [sandboxControl(hoopr.url), sandboxControl(hoopai.url)];
  const env = liveGatewayEnv({ hoopr: hoopr.url, hoopai: hoopai.url }, { CORS_ORIGINS: allowedSite.origin });
  gateway = await startGateway(loadConfig(env), createLogger({ level: 'silent' }));
  browser = await launchChromium();
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close(1_000);
  await Promise.all([hoopr?.close(), hoopai?.close(), allowedSite?.close(), otherSite?.close()]);
});

beforeEach(async () => {
  await Promise.all(controls.map((control) => control.reset()));
});

/** A fetch made by the page's own script, as a frontend would make it. */
function fetchFromPage(init: { method: string; headers?: Record<string, string>; body?: string; mode?: 'cors' | 'no-cors' }) {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const response = await fetch(url, init);
        return { sent: true, status: response.status, text: await response.text() };
      } catch (error) {
        return { sent: false, error: String(error) };
      }
    },
    { url: gateway.graphqlUrl, init },
  );
}

const withKey = (query: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${BROWSER_KEY}` },
  body: JSON.stringify({ query }),
});

describe('browser callers in chromium', () => {
  it('lets a page on the allow-listed origin call with its key', async () => {
    await page.goto(allowedSite.origin);
    const answer = await fetchFromPage(withKey('{ viewer { name } }'));
    expect(answer).toMatchObject({ sent: true, status: 200 });
    expect(JSON.parse(answer.text!)).toEqual({ data: { viewer: { name: 'browser' } }, extensions: { cost: expect.any(Object) } });
  });

  it('stops a page on another origin at the preflight: its mutation never reaches the gateway', async () => {
    await page.goto(otherSite.origin);
    const answer = await fetchFromPage(withKey(CREATE_CONTACT));
    expect(answer).toEqual({ sent: false, error: expect.stringMatching(/TypeError: Failed to fetch/) });
    expect(await upstreamCalls(controls)).toBe(0);
  });

  it('runs no mutation a page on another origin sends without a preflight (no-cors fetch)', async () => {
    await page.goto(otherSite.origin);
    const body = new URLSearchParams({ query: CREATE_CONTACT }).toString();
    const answer = await fetchFromPage({ method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    // Opaque: the page learns nothing, not even the status.
    expect(answer).toEqual({ sent: true, status: 0, text: '' });
    expect(await upstreamCalls(controls)).toBe(0);
  });

  for (const enctype of ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']) {
    it(`refuses an HTML form (${enctype}) posting a mutation with CSRF_REFUSED`, async () => {
      const form = new URL('/form', otherSite.origin);
      form.searchParams.set('action', gateway.graphqlUrl);
      form.searchParams.set('enctype', enctype);
      await page.goto(form.href);
      const [response] = await Promise.all([page.waitForResponse(gateway.graphqlUrl), page.locator('button').click()]);
      expect(response.request().headers()['content-type']).toContain(enctype);
      expect(response.status()).toBe(415);
      // The refusal carries its request id too (see the request logs), so ask only for the code and that the id is there.
      const { extensions } = JSON.parse(await response.text()).errors[0];
      expect(extensions).toEqual({ code: 'CSRF_REFUSED', requestId: response.headers()['x-request-id'] });
      expect(await upstreamCalls(controls)).toBe(0);
    });
  }
});
