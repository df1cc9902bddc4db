import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import { createShare } from '../helpers/access-client';
import { signIn } from '../helpers/browser';
import { expectStored } from '../helpers/dicomweb-http';
import { TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { syntheticSeries } from '../helpers/synthetic-series';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';

/**
 * The viewer's start (issue 11): main.ts asks for the study's series and metadata as the page
 * loads, beside the viewer's code and the session, and the viewer uses those answers instead of
 * asking again; an answer that failed (401 before signing in) is asked for again. The page names
 * its own icon, so the browser asks for no /favicon.ico.
 */

/** Request and answer events of a page, in the order the browser reports them. */
interface Recorded {
  events: string[];
  answers: { url: string; status: number }[];
  consoleErrors: string[];
  pageErrors: string[];
}

function record(page: Page): Recorded {
  const recorded: Recorded = { events: [], answers: [], consoleErrors: [], pageErrors: [] };
  page.on('request', (req) => recorded.events.push(`sent ${new URL(req.url()).pathname}`));
  page.on('requestfinished', (req) => recorded.events.push(`finished ${new URL(req.url()).pathname}`));
  page.on('response', (res) => recorded.answers.push({ url: res.url(), status: res.status() }));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') recorded.consoleErrors.push(`${message.text()} ${message.location().url}`);
  });
  page.on('pageerror', (error) => recorded.pageErrors.push(error.message));
  return recorded;
}

describe('viewer start in Chromium', () => {
  let archive: TestArchive;
  let browser: Browser;
  const ct = generateCtSeries({ slices: 4, rows: 64, columns: 64, seed: 'viewer-start' });
  const second = syntheticSeries(3, { StudyInstanceUID: ct.studyUid, SeriesNumber: 7, SeriesDescription: 'Second series' });
  const metadataPath = `/dicom-web/studies/${ct.studyUid}/metadata`;
  const seriesPath = `/dicom-web/studies/${ct.studyUid}/series`;
  const viewerUrl = () => `${archive.url}/viewer?StudyInstanceUIDs=${ct.studyUid}`;
  const answersTo = (recorded: Recorded, path: string) => recorded.answers.filter((a) => new URL(a.url).pathname === path);
  const showsStudy = async (page: Page) => {
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]', { timeout: 20_000 });
    const items = page.locator('[data-testid="series-item"]');
    expect(await items.count()).toBe(2);
    expect(await items.nth(1).textContent()).toContain('Second series');
  };

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(ct.instances.map((i) => i.bytes)));
    await expectStored(archive, second.files);
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  it('asks for the series and the metadata once, before the viewer code has arrived, and asks for no favicon', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);
    // 150 ms each way: the viewer's chunk cannot arrive before the requests main.ts sends beside it.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: -1, uploadThroughput: -1 });
    const recorded = record(page);
    await page.goto(viewerUrl());
    await showsStudy(page);

    expect(answersTo(recorded, metadataPath).map((a) => a.status)).toEqual([200]);
    expect(answersTo(recorded, seriesPath).map((a) => a.status)).toEqual([200]);
    const chunkDone = recorded.events.findIndex((e) => /^finished \/assets\/viewer-page-[\w-]+\.js$/.test(e));
    expect(chunkDone).toBeGreaterThan(0);
    expect(recorded.events.indexOf(`sent ${metadataPath}`)).toBeLessThan(chunkDone);
    expect(recorded.events.indexOf(`sent ${seriesPath}`)).toBeLessThan(chunkDone);
    expect(recorded.events.filter((e) => e.endsWith('/favicon.ico'))).toEqual([]);
    expect(recorded.consoleErrors).toEqual([]);
    expect(recorded.pageErrors).toEqual([]);
    await context.close();
  });

  it('asks again after signing in when the requests made at start were refused (401)', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const recorded = record(page);
    await page.goto(viewerUrl());
    await page.waitForSelector('[data-testid="login-form"]');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('[data-testid="login-username"]', TEST_ADMIN.username);
    await page.fill('[data-testid="login-password"]', TEST_ADMIN.password);
    await page.click('[data-testid="login-submit"]');
    await page.waitForURL(viewerUrl());
    await showsStudy(page);

    expect(answersTo(recorded, metadataPath).map((a) => a.status)).toEqual([401, 200]);
    expect(answersTo(recorded, seriesPath).map((a) => a.status)).toEqual([401, 200]);
    expect(recorded.pageErrors).toEqual([]);
    await context.close();
  });

  it("uses the requests made at start for a share link's guest who reloads the viewer", async () => {
    const share = await createShare(archive, { studyInstanceUID: ct.studyUid });
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    // The link's page opens the guest session and goes to the viewer in the same document: no early requests.
    await page.goto(share.url);
    await page.waitForURL(viewerUrl());
    await showsStudy(page);
    expect(await page.locator('[data-testid="guest-banner"]').isVisible()).toBe(true);
    const recorded = record(page);
    await page.reload();
    await showsStudy(page);
    expect(await page.locator('[data-testid="guest-banner"]').isVisible()).toBe(true);
    expect(answersTo(recorded, metadataPath).map((a) => a.status)).toEqual([200]);
    expect(answersTo(recorded, seriesPath).map((a) => a.status)).toEqual([200]);
    expect(recorded.pageErrors).toEqual([]);
    await context.close();
  });

  it('asks for the study data again when the viewer opens it a second time in the same page', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);
    const recorded = record(page);
    await page.goto(viewerUrl());
    await showsStudy(page);
    // Away to the worklist and back through the app's own links: the data taken at start is not reused.
    await page.click('[data-testid="nav-worklist"]');
    await page.waitForSelector('#app-root[data-page="/"][data-ready="true"]');
    await page.goBack();
    await showsStudy(page);
    expect(answersTo(recorded, metadataPath).map((a) => a.status)).toEqual([200, 200]);
    await context.close();
  });
});
