import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Pictures for a closing note or the README, taken only when `PACS_SCREENSHOT_DIR` names a
 * folder (`npm run screenshots`); an ordinary test run takes none.
 */
export const screenshotDir = (): string | undefined => process.env.PACS_SCREENSHOT_DIR || undefined;

export async function saveScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const dir = screenshotDir();
  if (!dir) return;
  await fs.mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, name), fullPage: options.fullPage });
}

/** A file made in the test (a printed PDF) kept beside the screenshots. */
export async function saveScreenshotFile(name: string, bytes: Uint8Array): Promise<void> {
  const dir = screenshotDir();
  if (!dir) return;
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, name), bytes);
}
