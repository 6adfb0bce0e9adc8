import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, requireChromium } from '../test/e2e/browser';

/** Renders an SVG document to a PNG file with headless chromium, at its own size. */
export async function svgToPng(svg: string, pngPath: string, size: { width: number; height: number }): Promise<void> {
  requireChromium(); // the SVG beside the PNG is written all the same
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path: pngPath, clip: { x: 0, y: 0, width: size.width, height: size.height } });
  } finally {
    await browser.close();
  }
}
