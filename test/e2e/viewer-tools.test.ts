import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn, type BrowserCanvas, type BrowserGlobals } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { syntheticSeries } from '../helpers/synthetic-series';

type RequestFrame = (callback: () => void) => void;

/** Two CT series of one study; the second is numbered 3 (no series 2), as after a deleted reconstruction. */
const first = syntheticSeries(4, { SeriesNumber: 1, SeriesDescription: 'Axial' });
const third = syntheticSeries(3, { StudyInstanceUID: first.studyUid, SeriesNumber: 3, SeriesDescription: 'Third' });
/** Pixels twice as tall as wide (row spacing 1 mm, column spacing 0.5 mm): cornerstone scales rows by 2. */
const tallPixels = syntheticSeries(1, { PixelSpacing: [1, 0.5], SeriesNumber: 1 });
const rgbUs = corpusEntry('color/rgb-us-nema-us1.dcm');
const paletteUs = corpusEntry('color/palette-us-rle.dcm');

const active = '[data-testid="viewport"][data-active="true"]';

/** The bounding box on the canvas of the pixels brighter than `threshold` (the image once inverted: air is white), and the canvas size. */
async function brightBox(
  page: Page,
  threshold = 60,
): Promise<{ left: number; top: number; right: number; bottom: number; width: number; height: number }> {
  return page.evaluate(
    ({ selector, threshold }) => {
      const canvas = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(`${selector} canvas`)!;
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let left = Infinity;
      let top = Infinity;
      let right = -Infinity;
      let bottom = -Infinity;
      for (let y = 0; y < canvas.height; y++) {
        for (let x = 0; x < canvas.width; x++) {
          if (data[(y * canvas.width + x) * 4]! <= threshold) continue;
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
      return { left, top, right, bottom, width: canvas.width, height: canvas.height };
    },
    { selector: active, threshold },
  );
}

/** Every 7th pixel's RGB in the middle half of the canvas (inside the image). */
async function middlePixels(page: Page): Promise<number[]> {
  return page.evaluate((selector) => {
    const canvas = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(`${selector} canvas`)!;
    const w = Math.floor(canvas.width / 4);
    const h = Math.floor(canvas.height / 4);
    const data = canvas.getContext('2d').getImageData(w + Math.floor(w / 2), h + Math.floor(h / 2), w, h).data;
    const values: number[] = [];
    for (let i = 0; i < data.length; i += 28) values.push(data[i]!, data[i + 1]!, data[i + 2]!);
    return values;
  }, active);
}

/** Waits until the viewport has rendered since `before` and then stops rendering (a drag renders once per move). */
async function settled(page: Page, before: string | null): Promise<void> {
  await page.waitForSelector(`${active}:not([data-render-count="${before}"])`);
  for (let last = ''; ;) {
    const now = await page.getAttribute(active, 'data-render-count');
    if (now === last) return;
    last = now ?? '';
    await page.evaluate(() => {
      const frame = (globalThis as unknown as { requestAnimationFrame: RequestFrame }).requestAnimationFrame;
      return new Promise<void>((resolve) => frame(() => frame(resolve)));
    });
  }
}

const voiOf = async (page: Page) => ({
  width: Number(await page.getAttribute(active, 'data-window-width')),
  center: Number(await page.getAttribute(active, 'data-window-center')),
});

/** cornerstone's linear VOI LUT on an 8-bit channel value. */
const lut = (value: number, width: number, center: number) =>
  Math.round(Math.min(255, Math.max(0, ((value - center) / width + 0.5) * 255)));

describe('viewer tools: pan after rotate/flip, colour window/level, measurement list selection, series numbers', () => {
  let archive: TestArchive;
  let browser: Browser;

  beforeAll(async () => {
    archive = await startTestArchive();
    browser = await launchBrowser();
    for (const files of [first.files, third.files, tallPixels.files, [corpusFile(rgbUs.path)], [corpusFile(paletteUs.path)]])
      await expectStored(archive, files);
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  const openViewer = async (studyUid: string): Promise<{ page: Page; errors: string[] }> => {
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    await signIn(page, archive);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector(`${active}[data-slice-index="0"][data-rendered-image-id]`, { timeout: 20_000 });
    return { page, errors };
  };

  it('shows the number of a series numbered 3 in the series browser', async () => {
    const { page, errors } = await openViewer(first.studyUid);
    const number = (uid: string) => page.textContent(`[data-testid="series-item"][data-series-uid="${uid}"] [data-testid="series-number"]`);
    expect(await number(first.seriesUid)).toBe('1');
    expect(await number(third.seriesUid)).toBe('3');
    expect(await page.getAttribute(`[data-testid="series-item"][data-series-uid="${third.seriesUid}"]`, 'data-series-number')).toBe('3');
    const order = await page.$$eval('[data-testid="series-item"]', (items) =>
      items.map((item) => (item as unknown as { dataset: { seriesNumber?: string } }).dataset.seriesNumber),
    );
    expect(order).toEqual(['1', '3']);
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const [label, studyUid] of [
    ['square pixels', first.studyUid],
    ['pixels twice as tall as wide (regression: rotated 90°, the image moved twice as far as the mouse)', tallPixels.studyUid],
  ] as const) {
    it(`pans the image with the mouse on screen whatever the rotation and flips, ${label}`, async () => {
      const { page, errors } = await openViewer(studyUid);
      await page.keyboard.press('i'); // inverted, the air around the phantom is white and the canvas background stays black
      await page.waitForSelector(`${active}[data-invert="true"]`);
      const box = (await page.locator(`${active} [data-testid="viewport-image"]`).boundingBox())!;
      const drag = async (dx: number, dy: number, button: 'middle' | 'right' = 'middle', zoomDy = 0) => {
        const x = box.x + box.width / 2;
        const y = box.y + box.height / 2;
        const before = await page.getAttribute(active, 'data-render-count');
        await page.mouse.move(x, y);
        await page.mouse.down({ button });
        await page.mouse.move(x + dx, y + dy + zoomDy, { steps: 5 });
        await page.mouse.up({ button });
        await settled(page, before);
      };
      const expectMoved = async (dx: number, dy: number) => {
        const start = await brightBox(page);
        expect(Number.isFinite(start.left)).toBe(true);
        await drag(dx, dy);
        const end = await brightBox(page);
        // The image's four edges, inside the canvas before and after, move with the mouse.
        const shifts = (low: 'left' | 'top', high: 'right' | 'bottom', size: number) =>
          [
            start[low] > 0 && end[low] > 0 ? end[low] - start[low] : undefined,
            start[high] < size - 1 && end[high] < size - 1 ? end[high] - start[high] : undefined,
          ].filter((v): v is number => v !== undefined);
        const horizontal = shifts('left', 'right', start.width);
        const vertical = shifts('top', 'bottom', start.height);
        expect(horizontal.length).toBe(2);
        expect(vertical.length).toBe(2);
        for (const shift of horizontal) expect(Math.abs(shift - dx)).toBeLessThanOrEqual(2);
        for (const shift of vertical) expect(Math.abs(shift - dy)).toBeLessThanOrEqual(2);
      };

      // Zoomed out to half (right drag down), so every edge of the image is inside the canvas.
      const scale = Number(await page.getAttribute(active, 'data-scale'));
      await drag(0, 0, 'right', 200 * Math.log(2));
      expect(Number(await page.getAttribute(active, 'data-scale'))).toBeCloseTo(scale / 2, 1);
      await page.keyboard.press('r');
      await page.waitForSelector(`${active}[data-rotation="90"]`);
      await expectMoved(60, 0);
      await expectMoved(0, 40);
      await page.keyboard.press('h');
      await page.waitForSelector(`${active}[data-hflip="true"]`);
      await expectMoved(50, 0);
      await expectMoved(0, 30);
      await page.keyboard.press('r');
      await page.waitForSelector(`${active}[data-rotation="180"]`);
      await page.keyboard.press('v');
      await page.waitForSelector(`${active}[data-vflip="true"]`);
      await expectMoved(0, -50);
      await expectMoved(-40, 0);
      await page.keyboard.press('r');
      await page.waitForSelector(`${active}[data-rotation="270"]`);
      await expectMoved(70, 0);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  for (const [label, entry] of [
    ['an RGB ultrasound (raw frames)', rgbUs],
    ['a PALETTE COLOR ultrasound (rendered by the archive)', paletteUs],
  ] as const) {
    it(`applies window/level to ${label} as brightness and contrast on each channel`, async () => {
      const { page, errors } = await openViewer(entry.studyInstanceUID!);
      const before = await voiOf(page);
      expect(before).toEqual({ width: 256, center: 128 });
      const pixelsBefore = await middlePixels(page);
      const count = await page.getAttribute(active, 'data-render-count');
      const box = (await page.locator(`${active} [data-testid="viewport-image"]`).boundingBox())!;
      // Left drag = window/level: to the left narrows the window (more contrast), up lowers the centre (brighter).
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 - 100, box.y + box.height / 2 - 200, { steps: 4 });
      await page.mouse.up();
      await settled(page, count);
      const after = await voiOf(page);
      expect(after.width).toBeLessThan(before.width - 30);
      expect(after.center).toBeLessThan(before.center - 50);
      const pixelsAfter = await middlePixels(page);
      expect(pixelsAfter.length).toBe(pixelsBefore.length);
      // Each channel value v (drawn as lut(v, 256, 128) ≈ v) now goes through the new window.
      let error = 0;
      let changed = 0;
      pixelsBefore.forEach((shown, i) => {
        const v = (shown / 255 - 0.5) * before.width + before.center;
        const expected = lut(v, after.width, after.center);
        error += Math.abs(expected - pixelsAfter[i]!);
        if (Math.abs(pixelsAfter[i]! - shown) > 8) changed++;
      });
      expect(error / pixelsBefore.length).toBeLessThan(4);
      expect(changed / pixelsBefore.length).toBeGreaterThan(0.2);
      // The overlay says which window is applied.
      expect(await page.textContent(`${active} [data-testid="overlay-bottom-right"]`)).toContain(String(Math.round(after.width)));
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('selects a measurement by clicking its row in the list, highlights the row, and Delete removes it', async () => {
    const { page, errors } = await openViewer(first.studyUid);
    const box = (await page.locator(`${active} [data-testid="viewport-image"]`).boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.click('[data-testid="tool-Length"]');
    await page.mouse.move(cx - 150, cy - 100);
    await page.mouse.down();
    await page.mouse.move(cx - 20, cy - 100, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid="measurement"][data-tool="Length"]');
    await page.click('[data-testid="tool-Probe"]');
    await page.mouse.click(cx + 100, cy + 100);
    await page.waitForSelector('[data-testid="measurement"][data-tool="Probe"]');
    // The one just drawn is selected, and its row is highlighted.
    await page.waitForSelector(`${active}[data-selected-measurement="Probe"]`);
    await page.waitForSelector('[data-testid="measurement"][data-tool="Probe"][data-selected="true"]');
    expect(await page.getAttribute('[data-testid="measurement"][data-tool="Length"]', 'data-selected')).toBe('false');

    await page.click('[data-testid="measurement"][data-tool="Length"] [data-testid="measurement-text"]');
    await page.waitForSelector(`${active}[data-selected-measurement="Length"]`);
    await page.waitForSelector('[data-testid="measurement"][data-tool="Length"][data-selected="true"]');
    expect(await page.getAttribute('[data-testid="measurement"][data-tool="Probe"]', 'data-selected')).toBe('false');
    // The selection rings are drawn on the Length's handles (cyan), not on the probe.
    const ringPixels = await page.evaluate(
      ({ selector, points }) => {
        const canvas = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(`${selector} canvas`)!;
        return points.map(([x, y]) => {
          const data = canvas.getContext('2d').getImageData(x - 10, y - 10, 21, 21).data;
          let n = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i]! < 80 && data[i + 1]! > 150 && data[i + 2]! > 200) n++;
          return n;
        });
      },
      {
        selector: active,
        points: [
          [cx - 150 - box.x, cy - 100 - box.y],
          [cx - 20 - box.x, cy - 100 - box.y],
          [cx + 100 - box.x, cy + 100 - box.y],
        ] as [number, number][],
      },
    );
    expect(ringPixels[0]).toBeGreaterThan(5);
    expect(ringPixels[1]).toBeGreaterThan(5);
    expect(ringPixels[2]).toBe(0);

    await page.keyboard.press('Delete');
    await page.waitForSelector('[data-testid="measurement"][data-tool="Length"]', { state: 'detached' });
    expect(await page.locator('[data-testid="measurement"]').count()).toBe(1);
    expect(await page.getAttribute('[data-testid="measurement"]', 'data-tool')).toBe('Probe');
    expect(await page.getAttribute(active, 'data-selected-measurement')).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });
});
