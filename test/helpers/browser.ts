import { chromium, type Browser, type Page } from 'playwright-core';
import { requireTool } from './debian-tools';
import { TEST_ADMIN } from './start-app';

import type { BrowserGlobals } from './browser-types';

export type { BrowserCanvas, BrowserDocument, BrowserElement, BrowserGlobals } from './browser-types';

/**
 * Debian's Chromium driven by playwright-core (no browser download: `npm run test:tools`
 * installs the Debian package). The flags keep a headless root run from reaching for
 * Google's services, which this network refuses.
 */
export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  requireTool('chromium');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Signs the page's browser context in as a user (the test admin by default) through
 * POST /api/login, as the login page does: the session cookie then goes with every request.
 */
export async function signIn(
  page: Page,
  archive: { url: string },
  account: { username: string; password: string } = TEST_ADMIN,
): Promise<void> {
  const res = await page.request.post(`${archive.url}/api/login`, { data: { username: account.username, password: account.password } });
  if (res.status() !== 200) throw new Error(`Signing in as ${account.username} failed: ${res.status()} ${await res.text()}`);
}

/**
 * Waits until the number in an attribute of the element at `selector` reaches `atLeast` (a
 * viewport's data-slice-index while cine plays, the upload's data-percent). The condition is a
 * function, not a string: the page's Content-Security-Policy forbids evaluating strings.
 */
export async function waitForAttributeAtLeast(
  page: Page,
  selector: string,
  attribute: string,
  atLeast: number,
  options: { timeout?: number } = {},
): Promise<void> {
  await page.waitForFunction(
    ({ selector, attribute, atLeast }) =>
      Number((globalThis as unknown as BrowserGlobals).document.querySelector(selector)?.getAttribute(attribute)) >= atLeast,
    { selector, attribute, atLeast },
    options,
  );
}

/**
 * An init script that makes the viewer load as on a LAN (`localStorage['pacs.link']`,
 * viewer/src/loading/link-estimate.ts) whatever it measures: for tests of that way of loading,
 * which a loaded test machine's slow answers would otherwise turn into staged loading.
 */
export function pinLan(): void {
  (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem('pacs.link', 'lan');
}
