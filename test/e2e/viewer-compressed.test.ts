import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, pinLan, signIn, type BrowserCanvas, type BrowserGlobals } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive } from '../helpers/start-app';

/**
 * Compressed frames travel as stored and are decoded in the browser (viewer/src/codecs): the
 * frames answers carry the compressed media type and fewer bytes than native pixels, and the
 * canvas is identical, pixel for pixel, to the one drawn from the native copy of the same CT.
 */

interface FramesAnswer {
  contentType: string;
  bytes: number;
}

interface Drawn {
  hash: number;
  mean: number;
  frames: FramesAnswer[];
  errors: string[];
}

const NATIVE = 'transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm';
const NATIVE_FRAME_BYTES = 512 * 512 * 2;

describe('compressed frames decoded in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The canvas of the first image of `file`'s study, stored alone in a fresh archive, and the frames answers. */
  async function draw(file: string): Promise<Drawn> {
    const archive = await startTestArchive();
    try {
      await expectStored(archive, [corpusFile(file)]);
      const page: Page = await browser.newPage({ viewport: { width: 900, height: 700 }, deviceScaleFactor: 1 });
      await page.addInitScript(pinLan);
      await signIn(page, archive);
      const errors: string[] = [];
      const frames: FramesAnswer[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('response', (response) => {
        if (!/\/frames\/\d/.test(response.url()) || response.url().includes('/rendered')) return;
        void response.body().then((body) => frames.push({ contentType: response.headers()['content-type'] ?? '', bytes: body.length }));
      });
      await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${String(corpusEntry(file).studyInstanceUID)}`);
      await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-slice-index="0"][data-rendered-image-id]', {
        timeout: 20_000,
      });
      const canvas = await page.evaluate(() => {
        const element = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(
          '[data-testid="viewport"][data-active="true"] canvas',
        )!;
        const data = element.getContext('2d').getImageData(0, 0, element.width, element.height).data;
        // FNV-1a over every byte: equal canvases, equal hashes.
        let hash = 0x811c9dc5;
        let sum = 0;
        for (let i = 0; i < data.length; i++) {
          hash = Math.imul(hash ^ data[i]!, 0x01000193) >>> 0;
          if (i % 4 === 0) sum += data[i]!;
        }
        return { hash, mean: sum / (data.length / 4) };
      });
      await page.close();
      return { ...canvas, frames, errors };
    } finally {
      await archive.stop();
    }
  }

  let native: Drawn;
  beforeAll(async () => {
    native = await draw(NATIVE);
  });

  it('draws the native copy from native frames', () => {
    expect(native.errors).toEqual([]);
    expect(native.mean).toBeGreaterThan(10);
    expect(native.frames.length).toBeGreaterThan(0);
    expect(native.frames[0]!.contentType).toContain('application/octet-stream');
  });

  it.each([
    ['transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm', 'image/jls'],
    ['transfer-syntaxes/ct1-1.2.4.90_jpeg2000-lossless.dcm', 'image/jp2'],
    ['transfer-syntaxes/ct1-1.2.4.70_jpeg-lossless-sv1.dcm', 'image/jpeg'],
    ['transfer-syntaxes/ct1-1.2.5_rle-lossless.dcm', 'image/dicom-rle'],
  ])('%s travels as %s, fewer bytes than native, and draws the same canvas', async (file, mediaType) => {
    const drawn = await draw(file);
    expect(drawn.errors).toEqual([]);
    expect(drawn.frames.length).toBeGreaterThan(0);
    for (const answer of drawn.frames) {
      expect(answer.contentType).toContain(`type="${mediaType}"`);
      expect(answer.bytes).toBeLessThan(NATIVE_FRAME_BYTES);
    }
    expect(drawn.hash).toBe(native.hash);
    expect(drawn.mean).toBeCloseTo(native.mean, 6);
  });

  it.each([
    ['transfer-syntaxes/ct1-1.2.4.202_htj2k-lossless-rpcl.dcm', 'image/jphc'],
    ['transfer-syntaxes/ct1-1.2.4.50_jpeg-baseline.dcm', 'image/jpeg'],
  ])('%s travels as %s and is drawn', async (file, mediaType) => {
    const drawn = await draw(file);
    expect(drawn.errors).toEqual([]);
    expect(drawn.frames.length).toBeGreaterThan(0);
    for (const answer of drawn.frames) expect(answer.contentType).toContain(`type="${mediaType}"`);
    expect(drawn.mean).toBeGreaterThan(10);
  });
});
