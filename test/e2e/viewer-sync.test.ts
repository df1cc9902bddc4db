import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUid } from '../../fixtures/generate-ct-series';
import { launchBrowser, signIn, type BrowserCanvas, type BrowserGlobals } from '../helpers/browser';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { syntheticSeries } from '../helpers/synthetic-series';

/**
 * One frame of reference, three series of 16×16 images with 25 mm pixels (400 mm field of view):
 * A, 20 axial slices at z = −11.875 … 11.875 mm (1.25 mm apart); B, 8 axial slices at
 * z = −4.375 … 4.375 mm; C, one sagittal localizer (5 mm pixels, y −37.5 … 37.5, z 37.5 … −37.5).
 */
const frameOfReference = newUid();
const a = syntheticSeries(20, { FrameOfReferenceUID: frameOfReference, SeriesNumber: 1, SeriesDescription: 'Axial 1.25' });
const b = syntheticSeries(8, {
  StudyInstanceUID: a.studyUid,
  FrameOfReferenceUID: frameOfReference,
  SeriesNumber: 2,
  SeriesDescription: 'Axial offset',
});
const c = syntheticSeries(1, {
  StudyInstanceUID: a.studyUid,
  FrameOfReferenceUID: frameOfReference,
  SeriesNumber: 3,
  SeriesDescription: 'Sagittal localizer',
  ImageOrientationPatient: [0, 1, 0, 0, 0, -1],
  ImagePositionPatient: [0, -37.5, 37.5],
  PixelSpacing: [5, 5],
});
const zOfA = (i: number) => -11.875 + 1.25 * i;
const zOfB = (j: number) => -4.375 + 1.25 * j;

const viewport = (index: number) => `[data-testid="viewport"][data-index="${index}"]`;

describe('viewer: synchronized scrolling, reference lines, orientation markers, Cobb angle and Delete', () => {
  let archive: TestArchive;
  let browser: Browser;

  beforeAll(async () => {
    archive = await startTestArchive();
    browser = await launchBrowser();
    for (const series of [a, b, c]) await expectStored(archive, series.files);
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  const openViewer = async (): Promise<{ page: Page; errors: string[] }> => {
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    await signIn(page, archive);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${a.studyUid}`);
    await page.waitForSelector(`${viewport(0)}[data-slice-index="0"][data-rendered-image-id]`, { timeout: 20_000 });
    return { page, errors };
  };

  it('labels the edges of an axial CT and turns the labels with the image', async () => {
    const { page, errors } = await openViewer();
    const labels = async () =>
      Object.fromEntries(
        await Promise.all(
          ['left', 'top', 'right', 'bottom'].map(async (edge) => [
            edge,
            await page.textContent(`${viewport(0)} [data-testid="orientation-${edge}"]`),
          ]),
        ),
      );
    expect(await labels()).toEqual({ left: 'R', top: 'A', right: 'L', bottom: 'P' });
    await page.keyboard.press('r');
    await page.waitForSelector(`${viewport(0)}[data-rotation="90"]`);
    expect(await labels()).toEqual({ left: 'P', top: 'R', right: 'A', bottom: 'L' });
    await page.keyboard.press('h');
    await page.waitForSelector(`${viewport(0)}[data-hflip="true"]`);
    // Cornerstone flips in image space before rotating: on the turned image the flip swaps top and bottom.
    expect(await labels()).toEqual({ left: 'P', top: 'L', right: 'A', bottom: 'R' });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('with Sync on, scrolling one viewport moves the others of the frame of reference to the nearest slice, and the slice shows as a line on the localizer', async () => {
    const { page, errors } = await openViewer();
    await page.click('[data-testid="layout-menu"]');
    await page.click('[data-testid="layout-2x2"]');
    for (const i of [1, 2, 3]) await page.waitForSelector(`${viewport(i)}[data-rendered-image-id]`, { timeout: 20_000 });
    expect(await page.getAttribute(viewport(2), 'data-series-uid')).toBe(c.seriesUid);
    // The active viewport (A, slice 0) crosses the localizer: its line is there before any scrolling.
    await page.waitForSelector(`${viewport(2)}[data-reference-line^="-0.50,"]`);

    await page.click('[data-testid="sync"]');
    expect(await page.getAttribute('[data-testid="sync"]', 'aria-pressed')).toBe('true');
    const box = (await page.locator(`${viewport(0)} [data-testid="viewport-image"]`).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let k = 0; k < 10; k++) await page.mouse.wheel(0, 100);
    await page.waitForSelector(`${viewport(0)}[data-slice-index="10"]`);
    // z = 0.625 mm: B's nearest slice is j = 4 (z 0.625), the other A viewport follows to 10.
    const nearestB = (z: number) =>
      [...Array(8).keys()].reduce((best, j) => (Math.abs(zOfB(j) - z) < Math.abs(zOfB(best) - z) ? j : best), 0);
    expect(nearestB(zOfA(10))).toBe(4);
    await page.waitForSelector(`${viewport(1)}[data-slice-index="4"]`);
    await page.waitForSelector(`${viewport(3)}[data-slice-index="10"]`);
    expect(await page.getAttribute(viewport(2), 'data-slice-index')).toBe('0'); // the localizer is not a parallel stack

    // Past the end of B: it stays at its last slice (z 4.375), the nearest to z 11.875.
    for (let k = 0; k < 9; k++) await page.keyboard.press('ArrowDown');
    await page.waitForSelector(`${viewport(0)}[data-slice-index="19"]`);
    await page.waitForSelector(`${viewport(1)}[data-slice-index="${nearestB(zOfA(19))}"]`);
    expect(nearestB(zOfA(19))).toBe(7);

    // The reference line of A's slice 19 (z = 11.875) on the sagittal localizer: row (37.5 − 11.875) / 5 = 5.125, across the image.
    const row = (37.5 - zOfA(19)) / 5;
    await page.waitForSelector(`${viewport(2)}[data-reference-line-drawn="-0.50,${row.toFixed(2)},15.50,${row.toFixed(2)}"]`);
    const scale = Number(await page.getAttribute(viewport(2), 'data-scale'));
    const line = await page.evaluate(
      ({ selector, row, scale }) => {
        const canvas = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(`${selector} canvas`)!;
        const context = canvas.getContext('2d');
        // Image pixel centre (8, 8) is at the canvas centre when fitted; row r's centre is r + 0.5 in cornerstone pixels.
        // The 2 px line covers the whole canvas row its centre falls in (rounding could pick a half-covered one).
        const y = Math.floor(canvas.height / 2 + (row + 0.5 - 8) * scale);
        const x0 = Math.round(canvas.width / 2 - 7 * scale);
        const width = Math.round(14 * scale);
        const yellow = (data: Uint8ClampedArray) => {
          let n = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 1]! > 160 && data[i + 2]! < 90) n++;
          return n / (data.length / 4);
        };
        return {
          on: yellow(context.getImageData(x0, y, width, 1).data),
          off: yellow(context.getImageData(x0, y + Math.round(scale), width, 1).data),
        };
      },
      { selector: viewport(2), row, scale },
    );
    expect(line.on).toBeGreaterThan(0.95);
    expect(line.off).toBeLessThan(0.05);

    // Sync off: scrolling A leaves B where it is.
    await page.keyboard.press('s');
    expect(await page.getAttribute('[data-testid="sync"]', 'aria-pressed')).toBe('false');
    await page.keyboard.press('ArrowUp');
    await page.waitForSelector(`${viewport(0)}[data-slice-index="18"]`);
    // The reference line follows the active slice (z 10.625) whether or not sync is on.
    const row18 = (37.5 - zOfA(18)) / 5;
    await page.waitForSelector(`${viewport(2)}[data-reference-line="-0.50,${row18.toFixed(2)},15.50,${row18.toFixed(2)}"]`);
    expect(await page.getAttribute(viewport(1), 'data-slice-index')).toBe('7');
    // No line on the parallel axial viewports.
    expect(await page.getAttribute(viewport(1), 'data-reference-line')).toBeFalsy();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('measures a Cobb angle between two drawn lines, selects a measurement by clicking it and deletes it with the Delete key', async () => {
    const { page, errors } = await openViewer();
    const scale = Number(await page.getAttribute(viewport(0), 'data-scale'));
    const box = (await page.locator(`${viewport(0)} [data-testid="viewport-image"]`).boundingBox())!;
    // Image pixel (x, y) on the page: the fitted image is centred, pixel coordinate 8 at the centre.
    const at = (x: number, y: number) => [box.x + box.width / 2 + (x - 8) * scale, box.y + box.height / 2 + (y - 8) * scale] as const;
    const drag = async (from: readonly [number, number], to: readonly [number, number]) => {
      await page.mouse.move(...at(...from));
      await page.mouse.down();
      await page.mouse.move(...at(...to), { steps: 6 });
      await page.mouse.up();
    };
    await page.click('[data-testid="tool-CobbAngle"]');
    // Half-pixel points: cornerstone-tools rounds handles up (Math.ceil) to (3, 5)–(14, 5) and (3, 13)–(14, 7).
    await drag([2.5, 4.5], [13.5, 4.5]);
    await drag([2.5, 12.5], [13.5, 6.5]);
    await page.waitForSelector('[data-testid="measurement"][data-tool="CobbAngle"]');
    const expected = (Math.atan2(6, 11) * 180) / Math.PI;
    const value = Number(await page.getAttribute('[data-testid="measurement"][data-tool="CobbAngle"]', 'data-value'));
    expect(value).toBeCloseTo(expected, 1);
    expect(await page.textContent('[data-testid="measurement"][data-tool="CobbAngle"]')).toContain(`${value.toFixed(1)}°`);

    // An arrow with its text typed into the page (no window.prompt).
    await page.click('[data-testid="tool-ArrowAnnotate"]');
    await drag([4.5, 10.5], [9.5, 14.5]);
    await page.waitForSelector('[data-testid="annotation-text"]');
    await page.fill('[data-testid="annotation-text"]', 'Khối u <b>gan</b>');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="measurement"][data-tool="ArrowAnnotate"]');
    expect(await page.textContent('[data-testid="measurement"][data-tool="ArrowAnnotate"]')).toContain('Khối u <b>gan</b>');
    // A new measurement is selected once the viewport has drawn it (wait for that render, not a fixed moment).
    await page.waitForSelector(`${viewport(0)}[data-selected-measurement="ArrowAnnotate"]`);
    expect(await page.getAttribute(viewport(0), 'data-selected-measurement')).toBe('ArrowAnnotate');

    // Click on the Cobb angle's first line to select it, then Delete: only the Cobb angle goes.
    await page.click('[data-testid="tool-windowLevel"]');
    await page.mouse.click(...at(8.5, 4.5));
    await page.waitForSelector(`${viewport(0)}[data-selected-measurement="CobbAngle"]`);
    expect(await page.getAttribute(viewport(0), 'data-window-width')).toBe('400'); // selecting is not a window drag
    await page.keyboard.press('Delete');
    await page.waitForSelector('[data-testid="measurement"][data-tool="CobbAngle"]', { state: 'detached' });
    expect(await page.locator('[data-testid="measurement"]').count()).toBe(1);
    await page.waitForSelector(`${viewport(0)}[data-selected-measurement=""]`);
    // Nothing selected now: Delete removes nothing.
    await page.keyboard.press('Delete');
    expect(await page.locator('[data-testid="measurement"][data-tool="ArrowAnnotate"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
