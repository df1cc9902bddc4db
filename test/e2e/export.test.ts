import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { launchBrowser, signIn, type BrowserCanvas, type BrowserGlobals } from '../helpers/browser';
import { corpusFile } from '../helpers/corpus';
import { expectStored, firstValue, getJson } from '../helpers/dicomweb-http';
import { requireTool } from '../helpers/debian-tools';
import { A, A_STUDY } from '../helpers/share-studies';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * The viewer's Download menu (issue 12 item 6): study and series ZIPs that unpack to files DCMTK
 * reads, offered to a user whose role downloads and to the guest of a download share but not of a
 * read-only one; the active image as PNG and JPEG of the viewport's size, with and without the
 * measurement drawn on it. Study A of the share tests: two series of two real GE MR instances.
 */

const VIEWPORT = { width: 1280, height: 860 };
const active = '[data-testid="viewport"][data-active="true"]';

describe('export from the viewer in Chromium: ZIP where permitted, the image as PNG or JPEG', () => {
  let archive: TestArchive;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    requireTool('unzip');
    requireTool('dcmdump');
    archive = await startTestArchive();
    browser = await launchBrowser();
    dir = await makeTempDir('export-e2e');
    await expectStored(
      archive,
      A.map((e) => corpusFile(e.path)),
    );
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
    if (dir) await removeTempDir(dir);
  });

  const openViewer = async (page: Page, url = `${archive.url}/viewer?StudyInstanceUIDs=${A_STUDY}`) => {
    await page.goto(url);
    await page.waitForURL(`${archive.url}/viewer?StudyInstanceUIDs=${A_STUDY}`);
    await page.waitForSelector(`${active}[data-rendered-image-id]`, { timeout: 20_000 });
  };
  const openMenu = async (page: Page) => {
    await page.click('[data-testid="download-button"]');
    await page.locator('[data-testid="download-menu"]').waitFor({ state: 'visible' });
    expect(await page.getAttribute('[data-testid="download-button"]', 'aria-expanded')).toBe('true');
  };
  /** Clicks a menu item and saves what the browser downloads; its suggested name and path. */
  const download = async (page: Page, item: string): Promise<{ name: string; file: string }> => {
    await openMenu(page);
    const [started] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${item}"]`)]);
    const file = path.join(dir, `${item}-${Date.now()}-${(started as Download).suggestedFilename()}`);
    await (started as Download).saveAs(file);
    return { name: (started as Download).suggestedFilename(), file };
  };
  /** Unpacks a ZIP with Info-ZIP and dumps every entry with DCMTK: the SOP Instance UIDs read. */
  const sopUidsInZip = (zip: string): string[] => {
    const out = path.join(dir, `unzipped-${path.basename(zip)}`);
    execFileSync('unzip', ['-qq', zip, '-d', out]);
    const names = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n');
    return names.map((name) => {
      const dump = execFileSync('dcmdump', ['+P', 'SOPInstanceUID', path.join(out, name)], { encoding: 'utf8' });
      return /\[([\d.]+)\]/.exec(dump)![1]!;
    });
  };
  const newShare = async (permissions: string[]): Promise<string> => {
    const res = await archive.fetch('/api/shares', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ studyInstanceUID: A_STUDY, permissions }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { url: string }).url;
  };
  const guestPage = async (locale = 'en-US') => (await browser.newContext({ locale, viewport: VIEWPORT, acceptDownloads: true })).newPage();

  it('a signed-in user downloads the study and the series on screen as ZIPs that dcmdump reads', async () => {
    const page = await (await browser.newContext({ locale: 'en-US', viewport: VIEWPORT, acceptDownloads: true })).newPage();
    await signIn(page, archive);
    await openViewer(page);

    const study = await download(page, 'download-study-zip');
    expect(study.name).toBe(`${A_STUDY}.zip`);
    expect(sopUidsInZip(study.file).sort()).toEqual(A.map((e) => e.sopInstanceUID).sort());
    // The menu closed behind the click.
    expect(await page.locator('[data-testid="download-menu"]').isHidden()).toBe(true);

    const seriesUid = (await page.getAttribute(active, 'data-series-uid'))!;
    const series = await download(page, 'download-series-zip');
    expect(series.name).toBe(`${seriesUid}.zip`);
    const inSeries = A.filter((e) => e.seriesInstanceUID === seriesUid).map((e) => e.sopInstanceUID);
    expect(inSeries).toHaveLength(2);
    expect(sopUidsInZip(series.file).sort()).toEqual(inSeries.sort());

    // For a CD or a USB stick: a DICOMDIR and the files it names.
    const fileSet = await download(page, 'download-study-dicomdir');
    const entries = execFileSync('unzip', ['-Z1', fileSet.file], { encoding: 'utf8' }).trim().split('\n');
    expect(entries[0]).toBe('DICOMDIR');
    expect(entries.slice(1)).toHaveLength(A.length);
    for (const entry of entries.slice(1)) expect(entry).toMatch(/^DICOM(\/[A-Z0-9_]{1,8}){4}$/);
    const out = path.join(dir, 'file-set');
    execFileSync('unzip', ['-qq', fileSet.file, '-d', out]);
    const directory = execFileSync('dcmdump', ['+P', 'ReferencedSOPInstanceUIDInFile', path.join(out, 'DICOMDIR')], { encoding: 'utf8' });
    expect([...directory.matchAll(/\[([\d.]+)\]/g)].map((m) => m[1]).sort()).toEqual(A.map((e) => e.sopInstanceUID).sort());
    await page.context().close();
  });

  it('saves the active image as PNG and JPEG of the viewport canvas size, with or without the measurement drawn', async () => {
    const page = await (await browser.newContext({ locale: 'en-US', viewport: VIEWPORT, acceptDownloads: true })).newPage();
    await signIn(page, archive);
    await openViewer(page);
    const box = (await page.locator(`${active} [data-testid="viewport-image"]`).boundingBox())!;
    await page.click('[data-testid="tool-Length"]');
    await page.mouse.move(box.x + box.width / 2 - 150, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid="measurement"][data-tool="Length"]');
    const canvas = await page.evaluate((selector) => {
      const c = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(`${selector} canvas`)!;
      return { width: c.width, height: c.height };
    }, `${active} [data-testid="viewport-image"]`);
    expect(canvas.width).toBeGreaterThan(100);

    const seriesUid = (await page.getAttribute(active, 'data-series-uid'))!;
    const series = (await getJson(archive, `/dicom-web/studies/${A_STUDY}/series?SeriesInstanceUID=${seriesUid}&includefield=PatientID`))
      .json as DicomJson[];
    const expectedBase = `${String(firstValue(series[0], Tag.PatientID))}-S${String(firstValue(series[0], Tag.SeriesNumber))}-1`.replace(
      /[^\p{L}\p{N}._-]+/gu,
      '_',
    );

    const decoded = async (file: string) => {
      const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    };
    const png = await download(page, 'download-png');
    expect(png.name).toBe(`${expectedBase}.png`);
    expect((await sharp(png.file).metadata()).format).toBe('png');
    const plainPng = await download(page, 'download-png-plain');
    expect(plainPng.name).toBe(`${expectedBase}.png`);
    const drawn = await decoded(png.file);
    const plain = await decoded(plainPng.file);
    for (const image of [drawn, plain]) expect({ width: image.width, height: image.height }).toEqual(canvas);
    // The image itself is in both (not a blank canvas); the measurement only in the first.
    const distinct = new Set<number>();
    for (let i = 0; i < plain.data.length; i += 3) distinct.add(plain.data[i]!);
    expect(distinct.size).toBeGreaterThan(16);
    let coloured = 0;
    let differing = 0;
    let colouredPlain = 0;
    for (let i = 0; i < drawn.data.length; i += 3) {
      const [r, g, b] = [drawn.data[i]!, drawn.data[i + 1]!, drawn.data[i + 2]!];
      if (r !== g || g !== b) coloured++;
      if (r !== plain.data[i] || g !== plain.data[i + 1] || b !== plain.data[i + 2]) differing++;
      if (plain.data[i] !== plain.data[i + 1] || plain.data[i + 1] !== plain.data[i + 2]) colouredPlain++;
    }
    // A grey MR rendered alone is grey everywhere.
    expect(colouredPlain).toBe(0);
    expect(coloured).toBeGreaterThan(100);
    expect(differing).toBeGreaterThan(100);

    for (const item of ['download-jpeg', 'download-jpeg-plain']) {
      const jpeg = await download(page, item);
      expect(jpeg.name).toBe(`${expectedBase}.jpg`);
      const meta = await sharp(jpeg.file).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'jpeg', ...canvas });
    }
    await page.context().close();
  });

  it('a guest of a read-only share has no Download menu (and the archive refuses the ZIP), a guest of a download share gets it', async () => {
    const readOnly = await guestPage();
    await openViewer(readOnly, await newShare(['read']));
    expect(await readOnly.locator('[data-testid="viewport"]').count()).toBeGreaterThan(0);
    expect(await readOnly.locator('[data-testid="download-button"]').count()).toBe(0);
    expect(await readOnly.locator('[data-testid="download-menu"] [role="menuitem"]').count()).toBe(0);
    const refused = await readOnly.request.get(`${archive.url}/dicom-web/studies/${A_STUDY}?accept=application/zip`);
    expect(refused.status()).toBe(403);
    await readOnly.context().close();

    // In Vietnamese; the keyboard walks the menu and Esc closes it.
    const downloader = await guestPage('vi-VN');
    await openViewer(downloader, await newShare(['read', 'download']));
    expect(await downloader.getAttribute('[data-testid="download-button"]', 'aria-label')).toBe('Tải xuống');
    await openMenu(downloader);
    expect(await downloader.textContent('[data-testid="download-study-zip"]')).toBe('Ca chụp dạng ZIP (tệp DICOM)');
    expect(await downloader.textContent('[data-testid="download-png-plain"]')).toBe('Ảnh PNG, chỉ có ảnh');
    const slice = await downloader.getAttribute(active, 'data-slice-index');
    await downloader.keyboard.press('ArrowDown');
    expect(
      await downloader.evaluate(() => (globalThis as unknown as BrowserGlobals).document.querySelector(':focus')?.dataset.testid),
    ).toBe('download-series-zip');
    await downloader.keyboard.press('Escape');
    await downloader.locator('[data-testid="download-menu"]').waitFor({ state: 'hidden' });
    expect(await downloader.getAttribute(active, 'data-slice-index')).toBe(slice);
    expect(
      await downloader.evaluate(() => (globalThis as unknown as BrowserGlobals).document.querySelector(':focus')?.dataset.testid),
    ).toBe('download-button');
    const study = await download(downloader, 'download-study-zip');
    expect(sopUidsInZip(study.file).sort()).toEqual(A.map((e) => e.sopInstanceUID).sort());
    await downloader.context().close();
  });
});
