import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/server/start';
import { startSandboxGateway } from '../helpers/gateway';
import { type HeadlessBrowser, launchChromium } from './browser';

/**
 * A subscription as a frontend developer tries one: typed into GraphiQL (here: passed as the
 * page's `query` parameter), run with the pre-filled development key, then a contact texts
 * the location. The message travels as in production: the sandbox sends its signed
 * InboundMessage webhook to the gateway, whose receiver publishes it, and the open
 * subscription shows it. The screenshot (test-results/graphiql-subscription.png) is kept.
 */

const repoRoot = resolve(import.meta.dirname, '../..');
const SCREENSHOT = join(repoRoot, 'test-results/graphiql-subscription.png');
const ACME = 've9EPM428h8vShlRW1KT';
const SUBSCRIPTION = `subscription Inbox {
  messageReceived(locationId: "${ACME}") {
    rawId
    body
    direction
    contact { name }
  }
}`;

let gateway: RunningGateway;
let browser: HeadlessBrowser;
let page: Page;

beforeAll(async () => {
  gateway = await startSandboxGateway();
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 2400 });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close(1_000);
});

async function paneText(selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\u00a0/g, ' ');
}

describe('a subscription in GraphiQL', () => {
  it('shows an inbound message that reaches the gateway as a signed webhook', async () => {
    const contact = (
      (await (
        await fetch(gateway.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-dev-key' },
          body: JSON.stringify({ query: `{ contacts(locationId: "${ACME}", first: 1) { edges { node { rawId name } } } }` }),
        })
      ).json()) as { data: { contacts: { edges: { node: { rawId: string; name: string } }[] } } }
    ).data.contacts.edges[0]!.node;

    await page.goto(`${gateway.graphqlUrl}?query=${encodeURIComponent(SUBSCRIPTION)}`);
    const runButton = page.locator('.graphiql-execute-button');
    await runButton.waitFor({ state: 'visible' });
    expect(await paneText('.graphiql-editor-tool')).toContain('Bearer sandbox-dev-key');
    await runButton.click();
    // GraphiQL has subscribed: the gateway holds its subscription.
    await expect.poll(() => gateway.services.subscriptions.snapshot().open, { timeout: 15_000 }).toBe(1);

    const response = await fetch(`${gateway.sandboxes.hoopai!.url}/__sandbox/inbound-message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: ACME, contactId: contact.rawId, body: 'Seen live in GraphiQL' }),
    });
    const { messageId } = (await response.json()) as { messageId: string };

    const result = '[aria-label="Result Window"]';
    await expect.poll(async () => (await paneText(result)).includes('Seen live in GraphiQL'), { timeout: 15_000 }).toBe(true);
    const shown = JSON.parse(await paneText(result)) as { data?: { messageReceived: unknown }; errors?: unknown[] };
    expect(shown.errors).toBeUndefined();
    expect(shown.data?.messageReceived).toEqual({ rawId: messageId, body: 'Seen live in GraphiQL', direction: 'INBOUND', contact: { name: contact.name } });

    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });
});
