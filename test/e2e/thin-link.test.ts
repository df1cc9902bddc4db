import dicomParser from 'dicom-parser';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realCtSeries } from '../../fixtures/real-ct-series';
import { createShare } from '../helpers/access-client';
import { signIn, waitForAttributeAtLeast, type BrowserGlobals } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored, getMultipart } from '../helpers/dicomweb-http';
import { type TestArchive } from '../helpers/start-app';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';

/**
 * The viewer over a thin link (issue 11 item 4), in Chromium with its network throttled through
 * the DevTools protocol: 12 slices of the real CT at 2 Mbit/s with 100 ms round trips. The first
 * image comes lossless, a far slice jumped to shows as a preview before the background reaches
 * it and then turns lossless, a probe placed on the preview is marked and then measures the
 * stored value, and in the end every image cornerstone holds equals the stored pixels, with each
 * slice's codestream sent exactly once.
 */

const SLICES = 12;
const series = realCtSeries({ slices: SLICES });
const viewport = '[data-testid="viewport"][data-active="true"]';
const seriesItem = '[data-testid="series-item"]';
const HTJ2K_RPCL = 'image/jphc; transfer-syntax=1.2.840.10008.1.2.4.202';
const JPEG_LS = 'multipart/related; type="image/jls"; transfer-syntax=1.2.840.10008.1.2.4.80';
const LOSSY_CT = corpusEntry('transfer-syntaxes/ct1-1.2.4.50_jpeg-baseline.dcm');

function link(cdp: CDPSession, bitsPerSecond: number, latencyMs: number): Promise<unknown> {
  return cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: latencyMs,
    downloadThroughput: bitsPerSecond / 8,
    uploadThroughput: bitsPerSecond / 8,
  });
}

/** Stored values and rescale of one slice, from the file as stowed. */
function stored(index: number): { pixels: Buffer; signed: boolean; slope: number; intercept: number; columns: number } {
  const bytes = series.instances[index]!.bytes;
  const ds = dicomParser.parseDicom(new Uint8Array(bytes));
  const pixel = ds.elements.x7fe00010!;
  return {
    pixels: bytes.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length),
    signed: ds.uint16('x00280103') === 1,
    slope: Number(ds.string('x00281053') ?? 1),
    intercept: Number(ds.string('x00281052') ?? 0),
    columns: ds.uint16('x00280011')!,
  };
}

async function cachedPixels(page: Page, imageId: string): Promise<{ quality: string; pixels: Buffer }> {
  const found = await page.evaluate(
    (id) =>
      (
        globalThis as unknown as { pacsCachedPixels(id: string): Promise<{ quality: string; base64: string } | undefined> }
      ).pacsCachedPixels(id),
    imageId,
  );
  if (!found) throw new Error(`${imageId} is not loaded`);
  return { quality: found.quality, pixels: Buffer.from(found.base64, 'base64') };
}

describe('the viewer over a 2 Mbit/s, 100 ms link', () => {
  let archive: TestArchive;

  /**
   * The frame bytes a staged load receives when nothing is sent twice: the first slice once as
   * JPEG-LS, each other slice's .202 codestream once (its prefix and its remainder).
   */
  async function frameBytesOnce(): Promise<number> {
    const frameUrl = (sopUid: string) =>
      `${archive.dicomWeb}/studies/${series.studyUid}/series/${series.seriesUid}/instances/${sopUid}/frames/1`;
    const first = await getMultipart(archive, frameUrl(series.instances[0]!.sopUid), JPEG_LS);
    expect(first.status).toBe(200);
    let total = first.parts[0]!.body.length;
    for (const instance of series.instances.slice(1)) {
      const res = await archive.fetch(frameUrl(instance.sopUid), { headers: { accept: HTJ2K_RPCL } });
      expect(res.status).toBe(200);
      total += (await res.arrayBuffer()).byteLength;
    }
    return total;
  }

  let browser: Browser;
  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(series.instances.map((i) => i.bytes)));
    await expectStored(archive, [corpusFile(LOSSY_CT.path)]);
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  it('shows the first image, previews then lossless slices, marks measurements on previews, and ends with the stored pixels', async () => {
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, archive);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    let wireBytes = 0;
    cdp.on('Network.loadingFinished', (event) => (wireBytes += event.encodedDataLength));
    await link(cdp, 2e6, 100);
    // The lossless remainder of the last slice is held back until a probe has been placed on its preview.
    const last = series.instances[SLICES - 1]!.sopUid;
    let held: string | undefined;
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `*/instances/${last}/frames/1`, requestStage: 'Request' }] });
    cdp.on('Fetch.requestPaused', (event) => {
      const range = event.request.headers['Range'] ?? event.request.headers['range'];
      if (range && !range.startsWith('bytes=0-')) held = event.requestId;
      else void cdp.send('Fetch.continueRequest', { requestId: event.requestId });
    });

    // cornerstone-tools is its own chunk, loaded after the first image.
    const toolsLoaded = page.waitForResponse((r) => r.url().includes('/measurement-tools-')).then((r) => r.finished());
    const started = Date.now();
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${series.studyUid}`);
    await page.waitForSelector(`${viewport}[data-slice-index="0"][data-rendered-image-id]`, { timeout: 20_000 });
    const firstImageMs = Date.now() - started;
    // The slice opened comes whole: lossless from the start.
    expect(await page.getAttribute(viewport, 'data-quality')).toBe('lossless');
    expect(await page.textContent(`${viewport} [data-testid="quality-badge"]`)).toBe('Lossless');

    // Jump to the far end: its preview comes before the background (outward from slice 0) reaches it.
    const jumped = Date.now();
    await page.evaluate(() => {
      const slider = (globalThis as unknown as BrowserGlobals).document.querySelector('[data-testid="slice-slider"]') as unknown as {
        value: string;
        dispatchEvent(event: unknown): boolean;
      };
      slider.value = '11';
      slider.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event('input'));
    });
    await page.waitForSelector(`${viewport}[data-slice-index="11"][data-quality="preview"]`, { timeout: 10_000 });
    const jumpMs = Date.now() - jumped;
    expect(Number(await page.getAttribute(seriesItem, 'data-loaded'))).toBeLessThan(SLICES);
    expect(await page.textContent(`${viewport} [data-testid="quality-badge"]`)).toBe('Preview');

    // A probe placed on the preview is marked as such.
    await toolsLoaded;
    await page.click('[data-testid="tool-Probe"]');
    const box = (await page.locator(`${viewport} [data-testid="viewport-image"]`).boundingBox())!;
    await page.mouse.click(box.x + box.width / 2 + 23, box.y + box.height / 2 - 41);
    const probe = '[data-testid="measurement"][data-tool="Probe"]';
    await page.waitForSelector(`${probe}[data-on-preview="true"]`);
    expect(await page.getAttribute(viewport, 'data-quality')).toBe('preview');
    const previewText = (await page.textContent(`${probe} [data-testid="measurement-text"]`))!;
    expect(previewText).toMatch(/^Probe: ≈ .* \(preview\)$/);

    // The rest arrives: the slice on screen turns lossless and the probe measures the stored value.
    await expect.poll(() => held, { timeout: 20_000 }).toBeDefined();
    await cdp.send('Fetch.continueRequest', { requestId: held! });
    await page.waitForSelector(`${viewport}[data-slice-index="11"][data-quality="lossless"]`, { timeout: 20_000 });
    await page.waitForSelector(`${probe}[data-on-preview="false"]`);
    expect(await page.textContent(`${viewport} [data-testid="quality-badge"]`)).toBe('Lossless');
    const losslessText = (await page.textContent(`${probe} [data-testid="measurement-text"]`))!;
    expect(losslessText).not.toContain('≈');
    const at = /\((\d+), (\d+)\)/.exec(losslessText)!;
    const [x, y] = [Number(at[1]), Number(at[2])];
    const slice11 = stored(11);
    const raw = slice11.signed
      ? slice11.pixels.readInt16LE((y * slice11.columns + x) * 2)
      : slice11.pixels.readUInt16LE((y * slice11.columns + x) * 2);
    expect(Number(await page.getAttribute(probe, 'data-value'))).toBeCloseTo(raw * slice11.slope + slice11.intercept, 6);

    // Every slice lossless; what cornerstone holds is the stored pixels, bit for bit.
    await waitForAttributeAtLeast(page, seriesItem, 'data-lossless', SLICES, { timeout: 60_000 });
    const allLosslessMs = Date.now() - started;
    expect(await page.getAttribute(seriesItem, 'data-loaded')).toBe(String(SLICES));
    const imageIds = series.instances.map((i) => `dicomweb:${series.studyUid}/${series.seriesUid}/${i.sopUid}/1`);
    for (let i = 0; i < SLICES; i++) {
      const cached = await cachedPixels(page, imageIds[i]!);
      expect(cached.quality).toBe('lossless');
      expect(cached.pixels.equals(stored(i).pixels), `slice ${i}`).toBe(true);
    }
    // … and what the archive sends as native Retrieve Frames.
    const native = await getMultipart(
      archive,
      `${archive.dicomWeb}/studies/${series.studyUid}/series/${series.seriesUid}/instances/${series.instances[11]!.sopUid}/frames/1`,
      'multipart/related; type="application/octet-stream"',
    );
    expect((await cachedPixels(page, imageIds[11]!)).pixels.equals(native.parts[0]!.body)).toBe(true);

    // No byte twice.
    const codestreams = await frameBytesOnce();
    expect(Number(await page.getAttribute(seriesItem, 'data-bytes'))).toBe(codestreams);
    console.log(
      `thin-link 2 Mbit/s 100 ms, ${SLICES} slices: first image ${firstImageMs} ms, jump to slice 11 ${jumpMs} ms, ` +
        `all lossless ${allLosslessMs} ms; codestreams ${codestreams} B, on the wire ${wireBytes} B`,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a stored lossy image as stored, labelled Lossy, without asking for HTJ2K', async () => {
    const page = await browser.newPage({ locale: 'vi-VN', viewport: { width: 900, height: 700 }, deviceScaleFactor: 1 });
    await signIn(page, archive);
    const cdp = await page.context().newCDPSession(page);
    await link(cdp, 2e6, 100);
    const frameTypes: string[] = [];
    page.on('response', (response) => {
      if (/\/frames\/\d+$/.test(response.url())) frameTypes.push(response.headers()['content-type'] ?? '');
    });
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${String(LOSSY_CT.studyInstanceUID)}`);
    await page.waitForSelector(`${viewport}[data-slice-index="0"][data-quality="lossy"]`, { timeout: 20_000 });
    expect(await page.textContent(`${viewport} [data-testid="quality-badge"]`)).toBe('Nén mất mát');
    expect(frameTypes).toHaveLength(1);
    expect(frameTypes[0]).toContain('image/jpeg');
    await page.close();
  });

  it('stages a share-link guest the same way, on answers the browser does not keep', async () => {
    const share = await createShare(archive, { studyInstanceUID: series.studyUid });
    const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await link(cdp, 2e6, 100);
    const ranged: string[] = [];
    page.on('response', (response) => {
      if (/\/frames\/1$/.test(response.url()) && response.status() === 206) ranged.push(response.headers()['cache-control'] ?? '');
    });
    await page.goto(share.url);
    await waitForAttributeAtLeast(page, seriesItem, 'data-lossless', SLICES, { timeout: 60_000 });
    // A prefix and a remainder for every slice but the first (and the first bytes of one slice,
    // which size the previews), each private to the guest.
    expect(ranged).toHaveLength(2 * (SLICES - 1) + 1);
    expect(ranged.every((cacheControl) => cacheControl.includes('no-store'))).toBe(true);
    expect(Number(await page.getAttribute(seriesItem, 'data-bytes'))).toBe(await frameBytesOnce());
    await context.close();
  });
});
