import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShare } from '../helpers/access-client';
import { launchBrowser, pinLan, signIn } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Reopening costs nothing (issue 11 item 5), in Chromium: a study reopened by a signed-in user
 * takes its frames from the browser's HTTP cache (they are `immutable`), and a share-link guest's
 * frames are never kept (`no-store`), so a reopen fetches them again.
 */

const CT = corpusEntry('transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm');

/** Where each frames answer of one page visit came from, as the DevTools protocol reports it. */
async function openViewer(context: BrowserContext, url: string): Promise<{ fromCache: boolean[]; page: Page }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const fromCache: boolean[] = [];
  cdp.on('Network.responseReceived', (event) => {
    if (/\/frames\/\d+$/.test(event.response.url)) fromCache.push(event.response.fromDiskCache === true);
  });
  await page.goto(url);
  await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-slice-index="0"][data-rendered-image-id]', {
    timeout: 20_000,
  });
  return { fromCache, page };
}

describe('frames on reopening a study', () => {
  let browser: Browser;
  let archive: TestArchive;
  beforeAll(async () => {
    browser = await launchBrowser();
    archive = await startTestArchive();
    await expectStored(archive, [corpusFile(CT.path)]);
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  it('come from the browser cache for a signed-in user', async () => {
    const context = await browser.newContext();
    await context.addInitScript(pinLan);
    try {
      const viewer = `${archive.url}/viewer?StudyInstanceUIDs=${CT.studyInstanceUID}`;
      const signing = await context.newPage();
      await signIn(signing, archive);
      await signing.close();
      const opened = await openViewer(context, viewer);
      expect(opened.fromCache.length).toBeGreaterThan(0);
      expect(opened.fromCache.every((cached) => !cached)).toBe(true);
      await opened.page.close();
      const reopened = await openViewer(context, viewer);
      expect(reopened.fromCache.length).toBeGreaterThan(0);
      expect(reopened.fromCache.every((cached) => cached)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('are fetched again by a share-link guest', async () => {
    const context = await browser.newContext();
    await context.addInitScript(pinLan);
    try {
      const share = await createShare(archive, { studyInstanceUID: CT.studyInstanceUID });
      const opened = await openViewer(context, share.url);
      expect(opened.fromCache.length).toBeGreaterThan(0);
      await opened.page.close();
      const reopened = await openViewer(context, `${archive.url}/viewer?StudyInstanceUIDs=${CT.studyInstanceUID}`);
      expect(reopened.fromCache.length).toBeGreaterThan(0);
      expect(reopened.fromCache.some((cached) => cached)).toBe(false);
    } finally {
      await context.close();
    }
  });
});
