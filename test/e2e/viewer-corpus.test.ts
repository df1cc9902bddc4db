/**
 * Issue 4, "handles what ../shared/dicom/ holds": a selection of the corpus chosen from its
 * MANIFEST by rule is stored through STOW and opened in the viewer in real Chromium. Every image
 * must render (not blank, no page error), multi-frame objects must scroll and play cine, and
 * MONOCHROME1 must be inverted; every non-image object must be listed as a report to read (SR)
 * or as not displayable yet.
 *
 * Several corpus files share one SOP Instance UID on purpose (the CT1 image in every transfer
 * syntax), and the archive keeps the first copy of a UID. So each image is stored, viewed and
 * deleted before the next one goes in; the study then holds just that instance.
 */
import path from 'node:path';
import zlib from 'node:zlib';
import dicomParser from 'dicom-parser';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn, waitForAttributeAtLeast, type BrowserCanvas, type BrowserGlobals } from '../helpers/browser';
import { gdcmRaw } from '../helpers/reference-decoders';
import { CORPUS_DIR, corpusFile, corpusInstanceUrl, corpusManifest, type CorpusEntry } from '../helpers/corpus';
import { stowFiles } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/** SOP classes that are not images to look at (PS3.4 B.5): SR, PDF/CDA, segmentation, RT except RT Image, presentation states, waveforms. */
const NON_IMAGE_SOP_CLASS = /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.(88\.|104\.|66\.|481\.(?!1$)|11\.|9\.)/;
const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';
/** Grey levels: a drawn image varies more than this; an empty or black canvas does not. */
const MIN_STD = 2;

const isImage = (e: CorpusEntry) => Number(e.rows) > 0 && Number(e.columns) > 0 && !NON_IMAGE_SOP_CLASS.test(e.sopClassUID ?? '');
const frames = (e: CorpusEntry) => Math.max(1, Number(e.numberOfFrames ?? 1));
const comboOf = (e: CorpusEntry) =>
  `${e.transferSyntaxUID ?? '-'} ${e.photometricInterpretation ?? '-'} ${frames(e) > 1 ? 'multi-frame' : 'single-frame'}`;

/** Pixel Data of length 0: the corpus has an MR image like that (the manifest does not say so). */
function hasEmptyPixelData(file: Buffer): boolean {
  const inflater = (bytes: Uint8Array, position: number) => {
    const inflated = zlib.inflateRawSync(bytes.subarray(position));
    const out = new Uint8Array(position + inflated.length);
    out.set(bytes.subarray(0, position));
    out.set(inflated, position);
    return out;
  };
  return dicomParser.parseDicom(new Uint8Array(file), { inflater }).elements.x7fe00010?.length === 0;
}

/**
 * The images to check, in manifest order: a file is wanted while its (transfer syntax,
 * photometric interpretation, multi-frame) combination or its modality has not been drawn yet
 * (a file STOW refuses does not count), and every MONOCHROME1 file is.
 */
function wanted(entry: CorpusEntry, drawn: { combos: Set<string>; modalities: Set<string> }): boolean {
  return (
    !drawn.combos.has(comboOf(entry)) || !drawn.modalities.has(entry.modality ?? '') || entry.photometricInterpretation === 'MONOCHROME1'
  );
}

/** Mean and standard deviation of the grey ((R+G+B)/3) of the image as drawn in the first viewport, inside a 2-pixel border. */
async function displayedStats(page: Page, rows: number, columns: number): Promise<{ mean: number; std: number }> {
  return page.evaluate(
    ({ rows, columns }) => {
      const doc = (globalThis as unknown as BrowserGlobals).document;
      const viewport = doc.querySelector('[data-testid="viewport"][data-index="0"]')!;
      const canvas = viewport.querySelector<BrowserCanvas>('canvas')!;
      const scale = Number(viewport.getAttribute('data-scale'));
      const w = columns * scale;
      const h = rows * scale;
      // Away from the interpolated edge: 2 image pixels, less for a tiny image (the corpus has a 3×3 one).
      const border = Math.min(2, rows / 4, columns / 4) * scale;
      const x0 = Math.max(0, Math.ceil((canvas.width - w) / 2 + border));
      const y0 = Math.max(0, Math.ceil((canvas.height - h) / 2 + border));
      const x1 = Math.min(canvas.width, Math.floor((canvas.width + w) / 2 - border));
      const y1 = Math.min(canvas.height, Math.floor((canvas.height + h) / 2 - border));
      const data = canvas.getContext('2d').getImageData(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)).data;
      let sum = 0;
      let squares = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const grey = (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
        sum += grey;
        squares += grey * grey;
      }
      const mean = sum / n;
      return { mean, std: Math.sqrt(Math.max(0, squares / n - mean * mean)) };
    },
    { rows, columns },
  );
}

/**
 * A flat display is right only when the first frame is flat in GDCM's decoding too (a whole-slide
 * tile of empty glass is); colour is drawn without a window, so its grey must be GDCM's grey.
 */
function expectLegitimatelyFlat(entry: CorpusEntry, displayedMean: number): void {
  const rows = Number(entry.rows);
  const columns = Number(entry.columns);
  const reference = gdcmRaw(path.join(CORPUS_DIR, entry.path));
  expect(reference.photometricInterpretation, `${entry.path}: flat display of a grey image`).toBe('RGB');
  expect(Number(entry.bitsAllocated)).toBe(8);
  const count = rows * columns;
  const greys: number[] = [];
  for (let p = 0; p < count; p++) {
    const at = (channel: number) => reference.pixels[reference.planarConfiguration === 1 ? channel * count + p : p * 3 + channel]!;
    greys.push((at(0) + at(1) + at(2)) / 3);
  }
  const mean = greys.reduce((a, b) => a + b, 0) / count;
  const std = Math.sqrt(greys.reduce((a, g) => a + (g - mean) ** 2, 0) / count);
  expect(std, `${entry.path}: first frame flat in GDCM's decoding`).toBeLessThanOrEqual(MIN_STD);
  expect(
    Math.abs(displayedMean - mean),
    `${entry.path}: displayed grey ${displayedMean.toFixed(1)} against GDCM's ${mean.toFixed(1)}`,
  ).toBeLessThan(3);
  flat.add(entry.path);
}
const flat = new Set<string>();

describe('the viewer on the corpus', () => {
  let archive: TestArchive;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  const checked = { images: 0, emptyPixelData: 0, multiFrame: 0, monochrome1: 0, refused: 0, reports: 0, notDisplayable: 0 };
  const syntaxes = new Set<string>();
  const photometrics = new Set<string>();
  const drawn = { combos: new Set<string>(), modalities: new Set<string>() };

  beforeAll(async () => {
    archive = await startTestArchive();
    browser = await launchBrowser();
    page = await browser.newPage({ locale: 'en-US', viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    await signIn(page, archive);
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    page.on('console', (message: ConsoleMessage) => {
      // The browser's own request for /favicon.ico is no error of the viewer.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico'))
        errors.push(`console: ${message.text()} (${message.location().url})`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
    console.log(
      `corpus in the viewer: ${checked.images} images (${syntaxes.size} transfer syntaxes, ${photometrics.size} photometric interpretations, ` +
        `${drawn.modalities.size} modalities, ${checked.multiFrame} multi-frame with cine, ${checked.monochrome1} MONOCHROME1, ${flat.size} legitimately flat), ` +
        `${checked.emptyPixelData} with empty Pixel Data listed as not displayable, ${checked.reports} SR reports, ${checked.notDisplayable} other non-image objects not displayable, ${checked.refused} refused by STOW`,
    );
  });

  const openStudy = async (studyUid: string) => {
    errors = [];
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector('[data-testid="viewer-page"]');
  };

  /** Waits for the first viewport to draw an image of this instance; a failure names the viewport's message. */
  const waitForInstance = async (entry: CorpusEntry) => {
    const prefix = `dicomweb:${entry.studyInstanceUID}/${entry.seriesInstanceUID}/${entry.sopInstanceUID}/`;
    try {
      await page.waitForSelector(`[data-testid="viewport"][data-index="0"][data-rendered-image-id^="${prefix}"]`, { timeout: 20_000 });
    } catch (error) {
      const message = await page.textContent('[data-testid="viewport"][data-index="0"] [data-testid="viewport-message"]').catch(() => null);
      throw new Error(`${entry.path} was not drawn (viewport says: ${message}; page errors: ${errors.join(' | ') || 'none'})`, {
        cause: error,
      });
    }
  };

  /** The image is drawn, not blank, inverted when MONOCHROME1, one image per frame with cine, no page error. */
  const checkImage = async (entry: CorpusEntry) => {
    await openStudy(String(entry.studyInstanceUID));
    await waitForInstance(entry);
    const viewport = page.locator('[data-testid="viewport"][data-index="0"]');

    const stats = await displayedStats(page, Number(entry.rows), Number(entry.columns));
    if (stats.std <= MIN_STD) expectLegitimatelyFlat(entry, stats.mean);
    else flat.delete(entry.path);

    if (entry.photometricInterpretation === 'MONOCHROME1') {
      expect(await viewport.getAttribute('data-invert'), `${entry.path}: MONOCHROME1 shown inverted`).toBe('true');
      checked.monochrome1++;
    }

    const count = frames(entry);
    expect(Number(await viewport.getAttribute('data-slice-count')), `${entry.path}: one image per frame`).toBe(count);
    if (count > 1) {
      await page.keyboard.press('Space');
      await page.waitForSelector('[data-testid="viewport"][data-index="0"][data-cine="playing"]');
      await waitForAttributeAtLeast(page, '[data-testid="viewport"][data-index="0"]', 'data-slice-index', 1, { timeout: 10_000 });
      await page.keyboard.press('Space');
      await page.waitForSelector('[data-testid="viewport"][data-index="0"][data-cine="stopped"]');
      checked.multiFrame++;
    }

    if (errors.length > 0) throw new Error(`${entry.path}: page errors: ${errors.join(' | ')}`);
  };

  /** The next file may be another encoding of this very instance. */
  const removeInstance = async (entry: CorpusEntry) => {
    // Leave the page first, so its background prefetch does not ask for frames of a deleted instance.
    await page.goto('about:blank');
    const removed = await archive.fetch(corpusInstanceUrl(archive.dicomWeb, entry), { method: 'DELETE' });
    expect(removed.status).toBe(204);
  };

  it('draws every image combination of transfer syntax, photometric interpretation and frames, every modality and MONOCHROME1', async () => {
    const failures: string[] = [];
    for (const entry of corpusManifest().filter(isImage)) {
      if (!wanted(entry, drawn)) continue;
      const file = corpusFile(entry.path);
      const stored = await stowFiles(archive, [file]);
      if (stored.status !== 200) {
        expect(entry.category, `${entry.path} refused by STOW (${stored.status})`).toBe('malformed');
        checked.refused++;
        continue;
      }
      if (hasEmptyPixelData(file)) {
        // Nothing to draw: listed like a non-image object, and counts for no combination or modality.
        await openStudy(String(entry.studyInstanceUID));
        const item = page.locator(`[data-testid="series-item"][data-series-uid="${entry.seriesInstanceUID}"]`);
        expect(await item.locator('[data-testid="not-displayable"]').textContent(), entry.path).toBe('not displayable yet');
        expect(errors, `${entry.path}: page errors`).toEqual([]);
        checked.emptyPixelData++;
        await removeInstance(entry);
        continue;
      }
      try {
        await checkImage(entry);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
      drawn.combos.add(comboOf(entry));
      drawn.modalities.add(entry.modality ?? '');
      checked.images++;
      syntaxes.add(String(entry.transferSyntaxUID));
      photometrics.add(String(entry.photometricInterpretation));

      await removeInstance(entry);
    }

    expect(failures).toEqual([]);
    // Every transfer syntax of a well-formed image in the corpus was drawn.
    const wellFormed = corpusManifest().filter((e) => isImage(e) && e.category !== 'malformed');
    expect([...new Set(wellFormed.map((e) => String(e.transferSyntaxUID)))].filter((ts) => !syntaxes.has(ts))).toEqual([]);
    expect([...new Set(wellFormed.map(comboOf))].filter((c) => !drawn.combos.has(c))).toEqual([]);
    expect([...new Set(wellFormed.map((e) => e.modality ?? ''))].filter((m) => !drawn.modalities.has(m))).toEqual([]);
  }, 150_000);

  it('lists every non-image object as a report to read (SR) or as not displayable yet', async () => {
    const nonImages = corpusManifest().filter(
      (e) => e.category === 'non-image' || (Number(e.rows) > 0 && NON_IMAGE_SOP_CLASS.test(e.sopClassUID ?? '')),
    );
    const byStudy = new Map<string, CorpusEntry[]>();
    for (const entry of nonImages) {
      const stored = await stowFiles(archive, [corpusFile(entry.path)]);
      if (entry.sopClassUID === MEDIA_STORAGE_DIRECTORY) {
        // A DICOMDIR indexes a medium; it is no object of a study, so the archive refuses it.
        expect(stored.status, entry.path).toBe(409);
        checked.refused++;
        continue;
      }
      expect(stored.status, `${entry.path} stored`).toBe(200);
      const study = String(entry.studyInstanceUID);
      byStudy.set(study, [...(byStudy.get(study) ?? []), entry]);
    }

    for (const [studyUid, entries] of byStudy) {
      await openStudy(studyUid);
      for (const entry of entries) {
        const item = page.locator(`[data-testid="series-item"][data-series-uid="${entry.seriesInstanceUID}"]`);
        await item.waitFor();
        expect(await item.getAttribute('data-displayable'), entry.path).toBe('false');
        if (entry.modality === 'SR') {
          expect(await item.locator('[data-testid="open-report"]').textContent(), entry.path).toBe('report: click to read');
          // The report reads as text, never a blank panel.
          await item.click();
          await page.waitForSelector(`[data-testid="sr-view"][data-state="ready"][data-series-uid="${entry.seriesInstanceUID}"]`);
          expect(
            await page.locator('[data-testid="sr-view"] [data-testid="sr-item"]').count(),
            `${entry.path}: report content`,
          ).toBeGreaterThan(0);
          await page.keyboard.press('Escape');
          checked.reports++;
        } else {
          expect(await item.locator('[data-testid="not-displayable"]').textContent(), entry.path).toBe('not displayable yet');
          checked.notDisplayable++;
        }
      }
      expect(errors, `study ${studyUid}: page errors`).toEqual([]);
    }
  }, 60_000);
});
