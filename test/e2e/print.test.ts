import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import type { KeyImages } from '../../shared/api/key-images';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { signIn, type BrowserCanvas, type BrowserGlobals } from '../helpers/browser';
import { expectStored } from '../helpers/dicomweb-http';
import { type TestArchive } from '../helpers/start-app';
import { saveScreenshot, saveScreenshotFile, screenshotDir } from '../helpers/screenshots';
import { createAccount } from '../helpers/accounts';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';

interface CellPixels {
  width: number;
  height: number;
  /** mean and standard deviation of the red channel */
  mean: number;
  sd: number;
  /** pixels in the measurement colour (yellow: red and green high, blue low) */
  yellow: number;
  /** whether a yellow pixel lies within 3 px of each probe point */
  near: boolean[];
}

async function cellPixels(page: Page, selector: string, probes: { x: number; y: number }[] = []): Promise<CellPixels> {
  return page.evaluate(
    ({ selector, probes }) => {
      const canvas = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(selector)!;
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const isYellow = (i: number) => data[i]! > 200 && data[i + 1]! > 160 && data[i + 2]! < 90;
      let sum = 0;
      let sum2 = 0;
      let yellow = 0;
      for (let i = 0; i < data.length; i += 4) {
        sum += data[i]!;
        sum2 += data[i]! * data[i]!;
        if (isYellow(i)) yellow++;
      }
      const n = data.length / 4;
      const near = probes.map(({ x, y }) => {
        for (let dy = -3; dy <= 3; dy++)
          for (let dx = -3; dx <= 3; dx++) {
            const [px, py] = [Math.round(x) + dx, Math.round(y) + dy];
            if (px >= 0 && py >= 0 && px < canvas.width && py < canvas.height && isYellow((py * canvas.width + px) * 4)) return true;
          }
        return false;
      });
      return { width: canvas.width, height: canvas.height, mean: sum / n, sd: Math.sqrt(sum2 / n - (sum / n) ** 2), yellow, near };
    },
    { selector, probes },
  );
}

async function waitForRender(page: Page, attributes: string): Promise<void> {
  await page.waitForSelector(`[data-testid="viewport"][data-active="true"]${attributes}[data-rendered-image-id]`, { timeout: 20_000 });
}

const RADIOLOGIST = { username: 'bs.lan', password: 'radiologist-password' };
const CLINICIAN = { username: 'bs.minh', password: 'clinician-password' };

/** Every Numeric Value (0040,A30A) in a DICOM JSON tree: the NUMs of an SR. */
function numericValues(json: unknown): number[] {
  if (Array.isArray(json)) return json.flatMap(numericValues);
  if (json === null || typeof json !== 'object') return [];
  return Object.entries(json as Record<string, unknown>).flatMap(([key, value]) =>
    key === '0040A30A' ? ((value as { Value?: unknown[] }).Value ?? []).map(Number) : numericValues(value),
  );
}

const pdfPageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;

describe('key images and the film sheet in Chromium', () => {
  let archive: TestArchive;
  /** The study's key images as the archive answers any signed-in user. */
  const keyImagesOf = async (studyUid: string) =>
    ((await (await archive.fetch(`/api/studies/${studyUid}/key-images`)).json()) as KeyImages).images;
  let browser: Browser;
  const ct = generateCtSeries({
    slices: 10,
    rows: 64,
    columns: 64,
    seed: 'print-e2e',
    patientName: 'Trần^Văn Bình',
    patientId: 'VN-PRINT-01',
  });

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(ct.instances.map((i) => i.bytes)));
    await createAccount(archive, { ...RADIOLOGIST, role: 'radiologist', displayName: 'BS. Lan' });
    await createAccount(archive, { ...CLINICIAN, role: 'clinician', displayName: 'BS. Minh' });
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  it('a radiologist marks two key images with K, measures one, saves the measurements as an SR, prints them as a film sheet with header, measurement, pages and a PDF', async () => {
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    await signIn(page, archive, RADIOLOGIST);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${ct.studyUid}`);
    await waitForRender(page, '[data-slice-index="0"]');
    expect(await page.getAttribute('[data-testid="key-image-count"]', 'data-count')).toBe('0');

    // K marks slice 1; the marker shows and the toolbar counts it.
    await page.keyboard.press('k');
    await page.waitForSelector('[data-testid="key-image-count"][data-count="1"]');
    await page.waitForSelector('[data-testid="viewport"][data-active="true"] [data-testid="key-image-marker"]:visible');
    expect(await page.textContent('[data-testid="key-image-marker"]')).toContain('Key image');

    // Scroll to slice 4: no marker there; K marks it too.
    const box = (await page.locator('[data-testid="viewport-image"]').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 100);
    await waitForRender(page, '[data-slice-index="3"]');
    await page.waitForSelector('[data-testid="key-image-marker"]', { state: 'hidden' });
    await page.keyboard.press('K');
    await page.waitForSelector('[data-testid="key-image-count"][data-count="2"]');

    // A length on slice 4, drawn after marking: the key image takes it.
    await page.click('[data-testid="tool-Length"]');
    await page.mouse.move(cx - 150, cy - 60);
    await page.mouse.down();
    await page.mouse.move(cx, cy, { steps: 5 });
    await page.mouse.move(cx + 150, cy + 60, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid="measurement"][data-tool="Length"]');
    const lengthMm = Number(await page.getAttribute('[data-testid="measurement"]', 'data-value'));
    expect(lengthMm).toBeGreaterThan(50);

    // Save measurements as DICOM SR: a TID 1500 report in the study whose NUM is this length.
    await page.click('[data-testid="measurement-report-button"]');
    await page.waitForSelector('[data-testid="viewer-page"][data-measurement-report="saved"][data-measurement-report-count="1"]');
    await page.waitForSelector('[data-testid="measurement-report-status"]');
    const srSeries = (await (
      await archive.fetch(`/dicom-web/studies/${ct.studyUid}/series?Modality=SR`, { headers: { accept: 'application/dicom+json' } })
    ).json()) as DicomJson[];
    expect(srSeries.map((s) => s['0008103E']?.Value?.[0])).toEqual(['Measurement report']);
    const srSeriesUid = srSeries[0]!['0020000E']!.Value![0] as string;
    const srMetadata = await (
      await archive.fetch(`/dicom-web/studies/${ct.studyUid}/series/${srSeriesUid}/metadata`, {
        headers: { accept: 'application/dicom+json' },
      })
    ).json();
    const numbers = numericValues(srMetadata);
    expect(numbers.length).toBe(1);
    expect(numbers[0]).toBeCloseTo(lengthMm, 2);
    // Listed in the series browser without a reload, the image pane left where it was; its text
    // view heads the measurement by its name, not by the tracking identifier dcmjs writes.
    const srItem = page.locator('[data-testid="series-item"][data-series-number="9904"]');
    await srItem.waitFor({ timeout: 10_000 });
    expect(await page.getAttribute('[data-testid="viewport"][data-active="true"]', 'data-slice-index')).toBe('3');
    await srItem.click();
    await page.waitForSelector(`[data-testid="sr-view"][data-state="ready"][data-series-uid="${srSeriesUid}"]`);
    expect(await page.textContent('[data-testid="sr-view"]')).not.toContain('cornerstoneTools');
    expect(await page.locator('[data-testid="sr-heading"]').allTextContents()).toContain('Length');
    await page.click('[data-testid="sr-close"]');
    // The key images are the study's, in the archive: its KOS names both slices, and the marked
    // slice's view took the length once the drawing settled.
    await expect
      .poll(async () => (await keyImagesOf(ct.studyUid)).map((k) => k.view?.measurements.length), { timeout: 10_000 })
      .toEqual([0, 1]);
    const keys = await keyImagesOf(ct.studyUid);
    expect(keys.map((k) => k.sopInstanceUID)).toEqual([ct.instances[0]!.sopUid, ct.instances[3]!.sopUid]);
    expect(keys[0]!.view!.measurements).toEqual([]);
    expect(keys[1]!.view!.measurements.map((m) => m.tool)).toEqual(['Length']);
    const ko = await archive.fetch(`/dicom-web/studies/${ct.studyUid}/series?Modality=KO`, {
      headers: { accept: 'application/dicom+json' },
    });
    expect(((await ko.json()) as unknown[]).length).toBe(1);
    const { start, end } = keys[1]!.view!.measurements[0]!.handles as { start: { x: number; y: number }; end: { x: number; y: number } };

    // Print…: the sheet, 2×2 by default: one page, two cells with real images.
    await page.click('[data-testid="print"]');
    await page.waitForSelector('[data-testid="print-sheet"][data-state="done"]', { timeout: 20_000 });
    expect(await page.getAttribute('[data-testid="print-sheet"]', 'data-layout')).toBe('2x2');
    expect(await page.locator('[data-testid="print-page"]').count()).toBe(1);
    expect(await page.locator('[data-testid="print-cell"]').count()).toBe(2);
    expect(await page.textContent('[data-testid="print-patientName"]')).toContain('Trần Văn Bình');
    expect(await page.textContent('[data-testid="print-patientId"]')).toContain('VN-PRINT-01');
    expect(await page.textContent('[data-testid="print-institution"]')).toContain('Bệnh viện Đa khoa Tỉnh');
    expect(await page.textContent('[data-testid="print-description"]')).toContain('CT ngực bụng có cản quang');
    expect(await page.textContent('[data-testid="print-footer"]')).toBe('Page 1 of 1');

    const plain = await cellPixels(page, '[data-testid="print-cell"]:nth-child(1) canvas');
    expect(plain.width).toBeGreaterThan(200);
    expect(plain.mean).toBeGreaterThan(10);
    expect(plain.sd).toBeGreaterThan(10);
    expect(plain.yellow).toBe(0);

    // The measured cell: its label as text, and yellow pixels along the line from start to end.
    const measured = '[data-testid="print-cell"][data-measurements="1"]';
    expect(await page.textContent(`${measured} [data-testid="print-measurement"]`)).toBe(`${lengthMm.toFixed(2)} mm`);
    const size = await cellPixels(page, `${measured} canvas`);
    const scale = Math.min(size.width / 64, size.height / 64);
    const toCanvas = (p: { x: number; y: number }) => ({ x: size.width / 2 + (p.x - 32) * scale, y: size.height / 2 + (p.y - 32) * scale });
    const along = [0.2, 0.4, 0.6, 0.8].map((f) => toCanvas({ x: start.x + (end.x - start.x) * f, y: start.y + (end.y - start.y) * f }));
    const off = [toCanvas({ x: start.x, y: end.y }), toCanvas({ x: end.x, y: start.y })];
    const withLine = await cellPixels(page, `${measured} canvas`, [...along, ...off]);
    expect(withLine.near).toEqual([true, true, true, true, false, false]);
    expect(withLine.yellow).toBeGreaterThan(200);
    expect(withLine.sd).toBeGreaterThan(10);

    // 1×1: one image per page, two pages.
    await page.selectOption('[data-testid="print-layout"]', '1x1');
    await page.waitForSelector('[data-testid="print-sheet"][data-layout="1x1"][data-state="done"]');
    expect(await page.locator('[data-testid="print-page"]').count()).toBe(2);
    expect(await page.locator('[data-testid="print-footer"]').allTextContents()).toEqual(['Page 1 of 2', 'Page 2 of 2']);
    const big = await cellPixels(page, '[data-testid="print-page"]:nth-child(2) [data-testid="print-cell"] canvas');
    expect(big.yellow).toBeGreaterThan(withLine.yellow);

    // "For the referring provider": a new version of the study's KOS with that Document Title.
    await page.selectOption('[data-testid="print-document-title"]', 'for-referring-provider');
    await page.waitForSelector('[data-testid="print-document-title"][data-saved="for-referring-provider"]');
    const titled = (await (await archive.fetch(`/api/studies/${ct.studyUid}/key-images`)).json()) as KeyImages;
    expect(titled.document).toMatchObject({ title: 'for-referring-provider', author: 'BS. Lan' });

    // The print stylesheet: a PDF of two A4 pages with the images in it.
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    if (screenshotDir()) {
      // For the closing note: the sheet on screen and as printed.
      await page.selectOption('[data-testid="print-layout"]', '2x2');
      await page.waitForSelector('[data-testid="print-sheet"][data-layout="2x2"][data-state="done"]');
      await saveScreenshot(page, 'print-sheet.png', { fullPage: true });
      await saveScreenshotFile('print-sheet-1x1.pdf', pdf);
    }
    expect(pdf.length).toBeGreaterThan(30_000);
    expect(pdfPageCount(pdf)).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the key images to a clinician in another browser, who may not change them but prints them; sign-out leaves no patient data in localStorage', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, archive, CLINICIAN);
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${ct.studyUid}`);
    await waitForRender(page, '[data-slice-index="0"]');
    await page.waitForSelector('[data-testid="key-image-count"][data-count="2"]');
    await page.waitForSelector('[data-testid="viewport"][data-active="true"] [data-testid="key-image-marker"]:visible');
    // Theirs to see, not to change: K says so, and the study keeps its two.
    await page.keyboard.press('k');
    await page.waitForSelector('[data-testid="error-banner"]:visible');
    expect(await page.textContent('[data-testid="error-banner"]')).toContain('Key images are marked by those who may annotate this study.');
    expect(await page.getAttribute('[data-testid="key-image-count"]', 'data-count')).toBe('2');

    // Their print sheet: both images, the length the first user drew, from the study.
    const [, measured] = await keyImagesOf(ct.studyUid);
    await page.click('[data-testid="print"]');
    await page.waitForSelector('[data-testid="print-sheet"][data-state="done"]', { timeout: 20_000 });
    expect(await page.locator('[data-testid="print-cell"]').count()).toBe(2);
    expect(await page.textContent('[data-testid="print-cell"][data-measurements="1"] [data-testid="print-measurement"]')).toBe(
      measured!.view!.measurements[0]!.text[0],
    );
    expect((await cellPixels(page, '[data-testid="print-cell"][data-measurements="1"] canvas')).yellow).toBeGreaterThan(200);

    // The title the radiologist chose, as text: a clinician does not choose it.
    expect(await page.textContent('[data-testid="print-document-title"]')).toBe('For the referring provider');

    // A worklist search by patient name is remembered in this browser until sign-out.
    await page.goto(`${archive.url}/`);
    await page.fill('[data-testid="search-patientName"]', 'Trần');
    await page.click('[data-testid="worklist-search"]');
    await page.waitForSelector('[data-testid="study-row"]');
    const storage = () =>
      page.evaluate(() => Object.entries((globalThis as unknown as { localStorage: Record<string, string> }).localStorage));
    expect(JSON.stringify(await storage())).toContain('Trần');
    // …and what an older version kept of key images.
    await page.evaluate(
      (key) =>
        (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem(
          key,
          '[{"sopUid":"1.2"}]',
        ),
      `pacs.keyImages.${ct.studyUid}`,
    );

    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="login-page"]');
    const left = await storage();
    expect(left.map(([key]) => key).filter((key) => !['pacs.language', 'pacs.print.layout', 'pacs.link'].includes(key))).toEqual([]);
    for (const patientData of ['Trần', 'VN-PRINT-01', ct.studyUid]) expect(JSON.stringify(left)).not.toContain(patientData);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says how to mark key images when there are none, in Vietnamese', async () => {
    const page = await browser.newPage({ locale: 'vi-VN' });
    // Key images are the study's now: another study, which has none.
    const other = generateCtSeries({ slices: 1, rows: 16, columns: 16, seed: 'print-e2e-empty' });
    await expectStored(
      archive,
      other.instances.map((i) => i.bytes),
    );
    await signIn(page, archive);
    await page.goto(`${archive.url}/print?StudyInstanceUIDs=${other.studyUid}`);
    await page.waitForSelector('[data-testid="print-empty"]');
    expect(await page.textContent('[data-testid="print-empty"]')).toBe(
      'Chưa có ảnh đánh dấu: hãy đánh dấu ảnh bằng phím K trong trình xem.',
    );
    expect(await page.locator('[data-testid="print-sheet"]').count()).toBe(0);
    await page.close();
  });
});
