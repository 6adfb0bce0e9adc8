import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Debian's chromium, as the e2e tests use it (playwright-core downloads no browser). */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Renders an SVG document to a PNG file with headless chromium, at its own size. */
export async function svgToPng(svg: string, pngPath: string, size: { width: number; height: number }): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium not found at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH; the SVG beside the PNG is still written`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path: pngPath, clip: { x: 0, y: 0, width: size.width, height: size.height } });
  } finally {
    await browser.close();
  }
}
