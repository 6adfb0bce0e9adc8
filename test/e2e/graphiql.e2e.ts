import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../../src/sandbox/hoopai/locations';
import type { RunningGateway } from '../../src/server/start';
import { startSandboxGateway } from '../helpers/gateway';
import { type HeadlessBrowser, launchChromium } from './browser';

/**
 * GraphiQL as a frontend developer meets it: served by the sandbox gateway, opened in a real
 * headless chromium, default query run with the run button and the pre-filled development
 * key. The screenshot (test-results/graphiql.png) is kept as a CI artifact.
 */

const repoRoot = resolve(import.meta.dirname, '../..');
const SCREENSHOT = join(repoRoot, 'test-results/graphiql.png');

let gateway: RunningGateway;
let browser: HeadlessBrowser;
let page: Page;
/** Every http(s) URL the page asked for that is not the gateway: GraphiQL must need no CDN. */
const foreignRequests: string[] = [];

beforeAll(async () => {
  gateway = await startSandboxGateway();
  browser = await launchChromium();
  page = await browser.context.newPage();
  // Tall enough for the whole answer (data and extensions.cost): the editor renders only visible lines.
  await page.setViewportSize({ width: 1280, height: 2400 });
  page.on('request', (request) => {
    const url = request.url();
    if (/^https?:/.test(url) && !url.startsWith(gateway.url)) foreignRequests.push(url);
  });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close(1_000);
});

/** The text an editor pane shows (Monaco renders spaces as no-break spaces). */
async function paneText(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');
}

describe('GraphiQL in headless chromium', () => {
  it('runs the default query with the pre-filled development key and shows the result', async () => {
    await page.goto(gateway.graphqlUrl);
    const runButton = page.locator('.graphiql-execute-button');
    await runButton.waitFor({ state: 'visible' });
    expect(await paneText(page, '.graphiql-editor-tool')).toContain('Bearer sandbox-dev-key');

    const graphqlResponse = page.waitForResponse((r) => r.url() === gateway.graphqlUrl && r.request().method() === 'POST');
    await runButton.click();
    const sent = await graphqlResponse;
    expect(sent.status()).toBe(200);

    const result = page.locator('[aria-label="Result Window"]');
    await expect.poll(async () => (await result.innerText()).includes('"data"'), { timeout: 15_000 }).toBe(true);
    const shown = JSON.parse(await paneText(page, '[aria-label="Result Window"]')) as {
      data?: { viewer: { __typename: string; name: string; scopes: string[]; locations: { id: string; name: string }[] } };
      errors?: unknown[];
    };
    expect(shown.errors).toBeUndefined();
    expect(shown.data?.viewer.__typename).toBe('Viewer');
    expect(shown.data?.viewer.scopes.length).toBeGreaterThan(0);
    expect(shown.data?.viewer.locations.map((l) => l.id)).toEqual(SANDBOX_LOCATIONS.map((l) => l.id));
    // What the page shows is what the gateway sent.
    expect(shown).toEqual(await sent.json());

    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(foreignRequests).toEqual([]);
  });
});
