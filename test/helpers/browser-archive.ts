import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';
import { expectStored } from './dicomweb-http';
import { startTestArchive, type TestArchive } from './start-app';

export interface BrowserArchive {
  archive: TestArchive;
  browser: Browser;
}

/** What most end-to-end files start with: a fresh archive holding `files`, and Debian's Chromium. */
export async function startBrowserArchive(files: readonly Buffer[] = [], env: Record<string, string> = {}): Promise<BrowserArchive> {
  const archive = await startTestArchive(env);
  const browser = await launchBrowser();
  if (files.length > 0) await expectStored(archive, [...files]);
  return { archive, browser };
}

/** Closes both, whichever of them started. */
export async function stopBrowserArchive(started: Partial<BrowserArchive>): Promise<void> {
  await started.browser?.close();
  await started.archive?.stop();
}
