import path from 'node:path';
import dicomParser from 'dicom-parser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import { launchBrowser, signIn, waitForAttributeAtLeast, type BrowserCanvas, type BrowserGlobals } from '../helpers/browser';
import { CORPUS_DIR, corpusEntry, corpusFile } from '../helpers/corpus';
import { gdcmRaw } from '../helpers/reference-decoders';
import { stowFiles, expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { syntheticSeries } from '../helpers/synthetic-series';

/** Stored values of a 16-bit signed native Part 10 file, with its rescale. */
function storedPixels(file: Buffer): { pixels: Int16Array; rows: number; columns: number; slope: number; intercept: number } {
  const ds = dicomParser.parseDicom(new Uint8Array(file));
  const element = ds.elements.x7fe00010!;
  const copy = file.subarray(element.dataOffset, element.dataOffset + element.length);
  const aligned = new Uint8Array(copy); // own buffer, offset 0
  return {
    pixels: new Int16Array(aligned.buffer, 0, aligned.length / 2),
    rows: ds.uint16('x00280010')!,
    columns: ds.uint16('x00280011')!,
    slope: Number(ds.string('x00281053') ?? 1),
    intercept: Number(ds.string('x00281052') ?? 0),
  };
}

interface CanvasStats {
  /** red channel (grey for a monochrome image) */
  mean: number;
  rgb: [number, number, number];
  grey: number[];
}

/**
 * The mean grey of the image as drawn on the viewport canvas: only the inner part of the image
 * rectangle (fit to window, centred), away from the interpolated border.
 */
async function canvasStats(page: Page, rows: number, columns: number): Promise<CanvasStats> {
  return page.evaluate(
    ({ rows, columns }) => {
      const canvas = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(
        '[data-testid="viewport"][data-active="true"] canvas',
      )!;
      const viewport = canvas.closest('[data-testid="viewport"]')!;
      const scale = Number(viewport.dataset.scale);
      const w = columns * scale;
      const h = rows * scale;
      const x0 = Math.ceil((canvas.width - w) / 2 + 2 * scale);
      const y0 = Math.ceil((canvas.height - h) / 2 + 2 * scale);
      const x1 = Math.floor((canvas.width + w) / 2 - 2 * scale);
      const y1 = Math.floor((canvas.height + h) / 2 - 2 * scale);
      const data = canvas.getContext('2d')!.getImageData(x0, y0, x1 - x0, y1 - y0).data;
      const sum: [number, number, number] = [0, 0, 0];
      const grey: number[] = [];
      for (let i = 0; i < data.length; i += 4) {
        sum[0] += data[i]!;
        sum[1] += data[i + 1]!;
        sum[2] += data[i + 2]!;
        if (i % 64 === 0) grey.push(data[i]!);
      }
      const n = data.length / 4;
      return { mean: sum[0] / n, rgb: [sum[0] / n, sum[1] / n, sum[2] / n] as [number, number, number], grey };
    },
    { rows, columns },
  );
}

/**
 * The mean grey cornerstone's linear VOI LUT gives the DICOM pixels, without a border band (the
 * canvas side leaves out the interpolated edge the same way).
 */
function innerMean(image: ReturnType<typeof storedPixels>, width: number, center: number, border = 2): number {
  let sum = 0;
  let n = 0;
  for (let r = border; r < image.rows - border; r++) {
    for (let c = border; c < image.columns - border; c++) {
      const value = image.pixels[r * image.columns + c]! * image.slope + image.intercept;
      sum += Math.round(Math.min(255, Math.max(0, ((value - center) / width + 0.5) * 255)));
      n++;
    }
  }
  return sum / n;
}

async function waitForRender(page: Page, attributes: string): Promise<void> {
  await page.waitForSelector(`[data-testid="viewport"][data-active="true"]${attributes}[data-rendered-image-id]`, { timeout: 20_000 });
}

describe('image viewer in Chromium', () => {
  let archive: TestArchive;
  let browser: Browser;
  const ct = generateCtSeries({ slices: 20, rows: 64, columns: 64, seed: 'viewer-e2e', patientName: 'Nguyễn^Thị Lan' });
  const jpegLs = corpusEntry('transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm');
  const sr = corpusEntry('non-image/sr-basic-text.dcm');
  const seg = corpusEntry('non-image/seg-labelmap-palette.dcm');
  const ybrJpeg = corpusEntry('color/ybr-full-jpeg-baseline.dcm');
  const second = syntheticSeries(8, { StudyInstanceUID: ct.studyUid, SeriesNumber: 3, SeriesDescription: 'Coronal MPR' });

  beforeAll(async () => {
    archive = await startTestArchive();
    browser = await launchBrowser();
    const stored = await stowFiles(
      archive,
      ct.instances.map((i) => i.bytes),
    );
    expect(stored.status).toBe(200);
    await expectStored(archive, second.files);
    await expectStored(archive, [corpusFile(jpegLs.path)]);
    await expectStored(archive, [corpusFile(sr.path)]);
    await expectStored(archive, [corpusFile(seg.path)]);
    await expectStored(archive, [corpusFile(ybrJpeg.path)]);
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  const openViewer = async (studyUid: string, locale = 'en-US'): Promise<Page> => {
    const page = await browser.newPage({ locale, viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    await signIn(page, archive);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector('[data-testid="viewer-page"]');
    expect(errors).toEqual([]);
    return page;
  };

  it('shows the first CT slice with its window, scrolls with the wheel and applies a W/L preset', async () => {
    const page = await openViewer(ct.studyUid);
    await waitForRender(page, '[data-slice-index="0"]');
    const slice1 = storedPixels(ct.instances[0]!.bytes);
    const slice2 = storedPixels(ct.instances[1]!.bytes);

    // The series browser: one series, its description, 20 images, a real thumbnail.
    const items = page.locator('[data-testid="series-item"]');
    expect(await items.count()).toBe(2);
    expect(await items.first().textContent()).toContain('Axial 1.25 mm');
    expect(await items.first().textContent()).toContain('20 images');
    const thumbWidth = await items
      .first()
      .locator('img')
      .evaluate((img) => {
        const image = img as unknown as { decode(): Promise<void>; naturalWidth: number };
        return image.decode().then(() => image.naturalWidth);
      });
    expect(thumbWidth).toBeGreaterThan(0);

    // The header's first window (W 400 / L 40), and the pixels it gives.
    const viewport = page.locator('[data-testid="viewport"][data-active="true"]');
    expect(await viewport.getAttribute('data-window-width')).toBe('400');
    expect(await viewport.getAttribute('data-window-center')).toBe('40');
    const first = await canvasStats(page, 64, 64);
    const expected1 = innerMean(slice1, 400, 40);
    expect(Math.abs(first.mean - expected1)).toBeLessThan(3);
    expect(await page.textContent('[data-testid="overlay-top-left"]')).toContain('Nguyễn Thị Lan');
    expect(await page.textContent('[data-testid="overlay-bottom-left"]')).toContain('Im: 1/20');
    expect(await page.textContent('[data-testid="overlay-bottom-right"]')).toContain('W: 400 L: 40');

    // Wheel down: slice 2, its overlay and its pixels.
    const box = (await page.locator('[data-testid="viewport-image"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 100);
    await waitForRender(page, '[data-slice-index="1"]');
    await page.waitForSelector('[data-testid="overlay-bottom-left"]:has-text("Im: 2/20")');
    const second = await canvasStats(page, 64, 64);
    expect(Math.abs(second.mean - innerMean(slice2, 400, 40))).toBeLessThan(3);
    const changed = second.grey.filter((g, i) => g !== first.grey[i]).length;
    expect(changed / second.grey.length).toBeGreaterThan(0.3);

    // Preset 4, lung (W 1500 / L -600): the lungs come out of black, soft tissue goes white.
    await page.keyboard.press('4');
    await waitForRender(page, '[data-window-width="1500"][data-window-center="-600"]');
    const lung = await canvasStats(page, 64, 64);
    const expectedLung = innerMean(slice2, 1500, -600);
    expect(Math.abs(expectedLung - innerMean(slice2, 400, 40))).toBeGreaterThan(20);
    expect(Math.abs(lung.mean - expectedLung)).toBeLessThan(3);
    expect(await page.textContent('[data-testid="overlay-bottom-right"]')).toContain('W: 1500 L: -600');

    // Arrow key back to slice 1; the window stays.
    await page.keyboard.press('ArrowUp');
    await waitForRender(page, '[data-slice-index="0"][data-window-width="1500"]');
    expect(Math.abs((await canvasStats(page, 64, 64)).mean - innerMean(slice1, 1500, -600))).toBeLessThan(3);
    await page.close();
  });

  it('prefetches the series, lays out 2×2, moves a series into the active viewport, plays cine and shows the help, in Vietnamese', async () => {
    const page = await openViewer(ct.studyUid, 'vi-VN');
    await waitForRender(page, '[data-slice-index="0"]');
    // The rest of the series is fetched in the background; the indicator counts it.
    await page.waitForSelector(`[data-testid="series-item"][data-series-uid="${ct.seriesUid}"][data-loaded="20"][data-total="20"]`);
    expect(await page.textContent(`[data-testid="series-item"][data-series-uid="${ct.seriesUid}"]`)).toContain('20 ảnh');
    expect(await page.textContent('[data-testid="overlay-bottom-left"]')).toContain('Ảnh: 1/20');

    await page.click('[data-testid="layout-menu"]');
    await page.click('[data-testid="layout-2x2"]');
    const viewports = page.locator('[data-testid="viewport"]');
    await page.waitForSelector('[data-testid="viewport"][data-index="3"][data-rendered-image-id]');
    expect(await viewports.count()).toBe(4);
    expect(await viewports.nth(1).getAttribute('data-series-uid')).toBe(second.seriesUid);
    await viewports.nth(1).locator('[data-testid="viewport-image"]').click();
    expect(await page.locator('[data-testid="viewport"][data-active="true"]').count()).toBe(1);
    expect(await viewports.nth(1).getAttribute('data-active')).toBe('true');
    expect(await viewports.nth(1).evaluate((el) => (el as unknown as { className: string }).className)).toContain('active');

    await page.click(`[data-testid="series-item"][data-series-uid="${ct.seriesUid}"]`);
    await page.waitForSelector(`[data-testid="viewport"][data-index="1"][data-series-uid="${ct.seriesUid}"][data-slice-count="20"]`);

    // Cine: Space plays the active stack, Space again stops it.
    await page.keyboard.press('Space');
    await page.waitForSelector('[data-testid="viewport"][data-index="1"][data-cine="playing"]');
    await waitForAttributeAtLeast(page, '[data-testid="viewport"][data-index="1"]', 'data-slice-index', 3);
    await page.keyboard.press('Space');
    await page.waitForSelector('[data-testid="viewport"][data-index="1"][data-cine="stopped"]');

    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid="help-panel"]:visible');
    expect(await page.textContent('[data-testid="help-panel"]')).toContain('I: đảo màu');
    expect(await page.textContent('[data-testid="help-panel"]')).toContain('K: đánh dấu / bỏ đánh dấu ảnh');
    expect(await page.textContent('[data-testid="help-panel"]')).toContain('T: trình xem thẻ DICOM');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="help-panel"]', { state: 'hidden' });
    await page.close();
  });

  it('measures a length in millimetres from PixelSpacing and lists it', async () => {
    const page = await openViewer(ct.studyUid);
    await waitForRender(page, '[data-slice-index="0"]');
    await page.click('[data-testid="tool-Length"]');
    const scale = Number(await page.locator('[data-testid="viewport"][data-active="true"]').getAttribute('data-scale'));
    const box = (await page.locator('[data-testid="viewport-image"]').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx - 120, cy - 50);
    await page.mouse.down();
    await page.mouse.move(cx, cy, { steps: 5 });
    await page.mouse.move(cx + 120, cy + 40, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid="measurement"][data-tool="Length"]');
    const expectedMm = (Math.hypot(240, 90) / scale) * 6.25; // 400 mm field of view over 64 columns
    const value = Number(await page.getAttribute('[data-testid="measurement"]', 'data-value'));
    expect(Math.abs(value - expectedMm) / expectedMm).toBeLessThan(0.01);
    expect(await page.textContent('[data-testid="measurement"]')).toContain(`${value.toFixed(2)} mm`);
    // The window did not move while drawing.
    expect(await page.getAttribute('[data-testid="viewport"][data-active="true"]', 'data-window-width')).toBe('400');
    await page.close();
  });

  it('displays a JPEG-LS compressed CT the same as its native copy', async () => {
    const page = await openViewer(String(jpegLs.studyInstanceUID));
    await waitForRender(page, '[data-slice-index="0"]');
    const native = storedPixels(corpusFile('transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm'));
    const viewport = page.locator('[data-testid="viewport"][data-active="true"]');
    expect(await viewport.getAttribute('data-window-width')).toBe('400');
    expect(await viewport.getAttribute('data-window-center')).toBe('40');
    const stats = await canvasStats(page, 512, 512);
    const expected = innerMean(native, 400, 40);
    expect(expected).toBeGreaterThan(20);
    expect(Math.abs(stats.mean - expected)).toBeLessThan(2);
    await page.close();
  });

  it('shows a YBR_FULL JPEG in its true colours (regression: YCbCr converted twice came out green)', async () => {
    const page = await openViewer(String(ybrJpeg.studyInstanceUID));
    await waitForRender(page, '[data-slice-index="0"]');
    const rows = Number(ybrJpeg.rows);
    const columns = Number(ybrJpeg.columns);
    // GDCM's decoding (still YCbCr), turned into RGB with the JFIF equations, without the 2-pixel border.
    const reference = gdcmRaw(path.join(CORPUS_DIR, ybrJpeg.path));
    expect(reference.photometricInterpretation).toBe('YBR_FULL');
    const clamp = (v: number) => Math.round(Math.min(255, Math.max(0, v)));
    const sum = [0, 0, 0];
    let n = 0;
    for (let r = 2; r < rows - 2; r++) {
      for (let c = 2; c < columns - 2; c++) {
        const at = (r * columns + c) * 3;
        const [y, cb, cr] = [reference.pixels[at]!, reference.pixels[at + 1]! - 128, reference.pixels[at + 2]! - 128];
        sum[0]! += clamp(y + 1.402 * cr);
        sum[1]! += clamp(y - 0.344136 * cb - 0.714136 * cr);
        sum[2]! += clamp(y + 1.772 * cb);
        n++;
      }
    }
    const stats = await canvasStats(page, rows, columns);
    for (let channel = 0; channel < 3; channel++)
      expect(Math.abs(stats.rgb[channel]! - sum[channel]! / n), `channel ${channel}`).toBeLessThan(2);
    await page.close();
  });

  it('lists a structured report as a report to read, and a segmentation as not displayable, without a crash', async () => {
    const report = await openViewer(String(sr.studyInstanceUID));
    await report.waitForSelector('[data-testid="series-item"][data-displayable="false"]');
    expect(await report.textContent('[data-testid="open-report"]')).toBe('report: click to read');
    await report.close();
    const segmentation = await openViewer(String(seg.studyInstanceUID));
    await segmentation.waitForSelector('[data-testid="series-item"][data-displayable="false"]');
    expect(await segmentation.textContent('[data-testid="not-displayable"]')).toBe('not displayable yet');
    await segmentation.close();
  });
});
