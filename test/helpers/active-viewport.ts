import type { Page } from 'playwright-core';
import type { BrowserCanvas, BrowserGlobals } from './browser-types';

/** The viewer's active viewport (the one the toolbar, keys and touches act on). */
export const ACTIVE_VIEWPORT = '[data-testid="viewport"][data-active="true"]';

/** One of the state attributes the active viewport mirrors (data-slice-index, data-scale, data-window-width …). */
export async function activeAttribute(page: Page, name: string): Promise<string> {
  return (await page.getAttribute(ACTIVE_VIEWPORT, name))!;
}

/** A fingerprint of the active viewport's canvas, the sum of every 7th byte: it changes when the pixels drawn do. */
export function activeCanvasSum(page: Page): Promise<number> {
  return page.evaluate((selector) => {
    const canvas = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(`${selector} canvas`)!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 7) sum += data[i]!;
    return sum;
  }, ACTIVE_VIEWPORT);
}
