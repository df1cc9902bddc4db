import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realCtSeries, type RealCtOptions } from '../../fixtures/real-ct-series';
import { Tag } from '../../shared/dicom/tags';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { launchBrowser, signIn, waitForAttributeAtLeast, type BrowserCanvas, type BrowserGlobals } from '../helpers/browser';
import { expectStored, firstValue, getJson } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { saveScreenshot } from '../helpers/screenshots';

/**
 * A radiologist compares a current CT with the patient's prior (issue 12 item 3). Both are the
 * corpus's real 40-slice abdominal CT with new UIDs: the current of 5 January 2024; the prior of
 * 5 March 2019 in its own frame of reference, starting 100 mm higher (another table origin),
 * with a 3-slice series of another description before the one that matches. Two more studies must
 * not be offered: another patient's, and one with the same Patient ID from another issuer.
 */
/** The real CT (fixtures/real-ct-series.ts) as a series of its own: files and SOP Instance UIDs in slice order. */
function ctSeries(options: Omit<RealCtOptions, 'slices'> & { slices?: number }) {
  const series = realCtSeries({ slices: 40, ...options });
  return { ...series, files: series.instances.map((i) => i.bytes), sopUids: series.instances.map((i) => i.sopUid) };
}

const PATIENT = { PatientID: 'BN-2024-0042', IssuerOfPatientID: 'BV-CHORAY', PatientName: [{ Alphabetic: 'NGUYEN^VAN AN' }] };
const current = ctSeries({ attributes: { ...PATIENT, StudyDate: '20240105', StudyDescription: 'CT BUNG' } });
const priorDecoy = ctSeries({
  slices: 3,
  attributes: {
    ...PATIENT,
    StudyDate: '20190305',
    StudyDescription: 'CT BUNG',
    SeriesNumber: 1,
    SeriesDescription: 'Thin 1 mm',
    SliceThickness: 1,
  },
});
const prior = ctSeries({
  studyUid: priorDecoy.studyUid,
  zStart: 100,
  attributes: { ...PATIENT, StudyDate: '20190305', StudyDescription: 'CT BUNG', SeriesNumber: 2 },
});
const otherPatient = ctSeries({
  slices: 2,
  attributes: { ...PATIENT, PatientID: 'BN-2024-0043', PatientName: [{ Alphabetic: 'TRAN^THI BINH' }], StudyDate: '20230101' },
});
const otherIssuer = ctSeries({ slices: 2, attributes: { ...PATIENT, IssuerOfPatientID: 'BV-BACHMAI', StudyDate: '20220101' } });

const viewport = (index: number) => `[data-testid="viewport"][data-index="${index}"]`;
const TEXT = {
  'en-US': { heading: "Patient's studies", current: 'Current', opened: 'Shown', prior: 'Prior' },
  'vi-VN': { heading: 'Các ca chụp của bệnh nhân', current: 'Hiện tại', opened: 'Đang mở', prior: 'Ca trước' },
} as const;
const dateIn = (locale: string, da: string) =>
  new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(
    new Date(Date.UTC(Number(da.slice(0, 4)), Number(da.slice(4, 6)) - 1, Number(da.slice(6, 8)))),
  );

/** A checksum of the pixels drawn in a viewport's canvas. */
async function canvasHash(page: Page, selector: string): Promise<number> {
  return page.evaluate((selector) => {
    const canvas = (globalThis as unknown as BrowserGlobals).document.querySelector<BrowserCanvas>(`${selector} canvas`)!;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) hash = (hash * 31 + data[i]!) >>> 0;
    return hash;
  }, selector);
}

/** The size of a viewport's image element, which its canvas takes. */
async function imageSize(page: Page, pane: number): Promise<{ width: number; height: number }> {
  return page.locator(`${viewport(pane)} [data-testid="viewport-image"]`).evaluate((el) => ({
    width: (el as unknown as { clientWidth: number }).clientWidth,
    height: (el as unknown as { clientHeight: number }).clientHeight,
  }));
}

const scaleOf = async (page: Page, pane: number) => Number(await page.getAttribute(viewport(pane), 'data-scale'));

async function wheel(page: Page, pane: number, steps: number): Promise<void> {
  const box = (await page.locator(`${viewport(pane)} [data-testid="viewport-image"]`).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let k = 0; k < steps; k++) await page.mouse.wheel(0, 100);
}

describe('priors: the patient panel, a current and a prior side by side, scrolling together', () => {
  let archive: TestArchive;
  let browser: Browser;

  beforeAll(async () => {
    archive = await startTestArchive();
    browser = await launchBrowser();
    for (const s of [current, priorDecoy, prior, otherPatient, otherIssuer]) await expectStored(archive, s.files);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  it("QIDO by the patient's ID and issuer finds only this patient's studies", async () => {
    const { status, json } = await getJson(
      archive,
      `${archive.dicomWeb}/studies?PatientID=${PATIENT.PatientID}&includefield=${Tag.IssuerOfPatientID}`,
    );
    expect(status).toBe(200);
    const found = json as DicomJson[];
    const byUid = new Map(found.map((s) => [firstValue(s, Tag.StudyInstanceUID), firstValue(s, Tag.IssuerOfPatientID)]));
    expect(new Set(byUid.keys())).toEqual(new Set([current.studyUid, prior.studyUid, otherIssuer.studyUid]));
    expect(byUid.get(otherIssuer.studyUid)).toBe('BV-BACHMAI');
    expect(byUid.get(prior.studyUid)).toBe('BV-CHORAY');
    // Matched by the archive: one ID within one issuer, literally or with a wildcard.
    const uids = async (query: string) => {
      const answer = await getJson(archive, `${archive.dicomWeb}/studies?${query}`);
      expect(answer.status).toBe(200);
      return new Set((answer.json as DicomJson[]).map((s) => firstValue(s, Tag.StudyInstanceUID)));
    };
    expect(await uids(`PatientID=${PATIENT.PatientID}&IssuerOfPatientID=BV-CHORAY`)).toEqual(new Set([current.studyUid, prior.studyUid]));
    expect(await uids(`PatientID=${PATIENT.PatientID}&IssuerOfPatientID=BV-BACH*`)).toEqual(new Set([otherIssuer.studyUid]));
    expect(await uids('IssuerOfPatientID=BV-CHORAY&PatientID=BN-2024-0043')).toEqual(new Set([otherPatient.studyUid]));
  });

  for (const locale of ['en-US', 'vi-VN'] as const) {
    it(`${locale}: the panel lists the prior, which opens beside the current study; scrolling the current moves the prior`, async () => {
      const text = TEXT[locale];
      const page = await browser.newPage({ locale, viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
      await signIn(page, archive);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${current.studyUid}`);
      await page.waitForSelector(`${viewport(0)}[data-slice-index="0"][data-rendered-image-id]`, { timeout: 30_000 });

      // The patient panel: this patient's two studies, newest first, the current one marked.
      await page.waitForSelector('[data-testid="patient-panel"][data-state="loaded"]', { timeout: 20_000 });
      expect(await page.textContent('[data-testid="patient-panel"] h2')).toBe(text.heading);
      const items = page.locator('[data-testid="patient-study"]');
      expect(await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-study-uid')))).toEqual([
        current.studyUid,
        prior.studyUid,
      ]);
      expect(await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-state')))).toEqual(['current', 'other']);
      expect(await items.nth(0).locator('[data-testid="patient-study-badge"]').textContent()).toBe(text.current);
      expect(await items.nth(1).locator('[data-testid="patient-study-date"]').textContent()).toBe(dateIn(locale, '20190305'));
      expect(await items.nth(1).textContent()).toContain('43'); // 3 + 40 images
      expect(await page.isHidden('[data-testid="patient-panel-note"]')).toBe(true); // not "no other study"

      // The radiologist is on slice 4 of the current study, in the lung window, zoomed in twice, when opening the prior.
      await wheel(page, 0, 4);
      await page.waitForSelector(`${viewport(0)}[data-slice-index="4"][data-rendered-image-id*="${current.sopUids[4]}"]`);
      const fitted = await scaleOf(page, 0);
      const alone = await imageSize(page, 0);
      for (const key of ['4', '+', '+']) await page.keyboard.press(key);
      await page.waitForSelector(`${viewport(0)}[data-window-width="1500"][data-window-center="-600"]`);
      await expect.poll(() => scaleOf(page, 0)).toBeCloseTo(fitted * 1.44, 4);
      await items.nth(1).click();
      await page.waitForURL((url) => url.searchParams.get('StudyInstanceUIDs') === `${current.studyUid},${prior.studyUid}`);
      await page.waitForSelector('[data-testid="viewport-grid"][data-layout="1x2"]');
      for (const i of [0, 1]) await page.waitForSelector(`${viewport(i)}[data-rendered-image-id]`, { timeout: 30_000 });
      expect(await page.locator('[data-testid="viewport"]').count()).toBe(2);
      // Current on the left; on the right the prior's series that matches it, not its first series.
      expect(await page.getAttribute(viewport(0), 'data-series-uid')).toBe(current.seriesUid);
      expect(await page.getAttribute(viewport(1), 'data-series-uid')).toBe(prior.seriesUid);
      expect(await page.getAttribute('[data-testid="sync"]', 'aria-pressed')).toBe('true');
      // The series browser: one group per study, with its role and date; the tab title stays the patient.
      const groups = page.locator('[data-testid="series-study"]');
      expect(await groups.evaluateAll((els) => els.map((el) => el.getAttribute('data-study-uid')))).toEqual([
        current.studyUid,
        prior.studyUid,
      ]);
      expect(await groups.nth(1).textContent()).toContain(text.prior);
      expect(await groups.nth(1).textContent()).toContain(dateIn(locale, '20190305'));
      expect(await page.title()).toContain('NGUYEN VAN AN');
      await page.waitForSelector('[data-testid="patient-panel"][data-state="loaded"]');
      expect(
        await page.locator('[data-testid="patient-study"][data-state="opened"] [data-testid="patient-study-badge"]').textContent(),
      ).toBe(text.opened);

      // The current stays on slice 4; the prior, linked at the first slice of each stack, follows to the same distance.
      await page.waitForSelector(`${viewport(0)}[data-slice-index="4"][data-rendered-image-id*="${current.sopUids[4]}"]`);
      // The current keeps its window, and its zoom relative to the narrower pane (a 512×512 image fits its shorter side).
      expect(await page.getAttribute(viewport(0), 'data-window-width')).toBe('1500');
      expect(await page.getAttribute(viewport(0), 'data-window-center')).toBe('-600');
      const beside = await imageSize(page, 0);
      const fitRatio = Math.min(beside.width, beside.height) / Math.min(alone.width, alone.height);
      expect(fitRatio).toBeLessThan(0.9);
      await expect.poll(async () => (await scaleOf(page, 0)) / (fitted * 1.44 * fitRatio)).toBeCloseTo(1, 2);
      await page.waitForSelector(`${viewport(1)}[data-slice-index="4"][data-rendered-image-id*="${prior.sopUids[4]}"]`, {
        timeout: 20_000,
      });

      // Scrolling the current 5 slices moves the prior 5 slices; its pixels change.
      const before = await canvasHash(page, viewport(1));
      await wheel(page, 0, 5);
      await page.waitForSelector(`${viewport(0)}[data-slice-index="9"]`);
      await page.waitForSelector(`${viewport(1)}[data-slice-index="9"][data-rendered-image-id*="${prior.sopUids[9]}"]`, {
        timeout: 20_000,
      });
      expect(await canvasHash(page, viewport(1))).not.toBe(before);

      // Aligned again by the user: Sync off, the prior 3 slices further, Sync on; then 4 down on the current is 4 down on the prior.
      await page.keyboard.press('s');
      expect(await page.getAttribute('[data-testid="sync"]', 'aria-pressed')).toBe('false');
      await wheel(page, 1, 3);
      await page.waitForSelector(`${viewport(1)}[data-slice-index="12"]`);
      expect(await page.getAttribute(viewport(0), 'data-slice-index')).toBe('9');
      await page.keyboard.press('s');
      await wheel(page, 0, 4);
      await page.waitForSelector(`${viewport(0)}[data-slice-index="13"]`);
      await page.waitForSelector(`${viewport(1)}[data-slice-index="16"][data-rendered-image-id*="${prior.sopUids[16]}"]`, {
        timeout: 20_000,
      });
      // And the prior drives the current the same way.
      await wheel(page, 1, 2);
      await page.waitForSelector(`${viewport(1)}[data-slice-index="18"]`);
      await page.waitForSelector(`${viewport(0)}[data-slice-index="15"]`);
      await saveScreenshot(page, `current-and-prior-${locale.slice(0, 2)}.png`);
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  }

  it("a length drawn on the prior is saved under the prior study, and shown on the prior's image after a reload", async () => {
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    await signIn(page, archive);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const open = async () => {
      for (const i of [0, 1]) await page.waitForSelector(`${viewport(i)}[data-rendered-image-id]`, { timeout: 30_000 });
      await page.waitForSelector('[data-testid="viewer-page"][data-annotations="loaded"]');
    };
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${current.studyUid},${prior.studyUid}`);
    await open();
    const priorImage = (await page.getAttribute(viewport(1), 'data-rendered-image-id'))!;
    const sopUid = prior.sopUids.find((uid) => priorImage.includes(`/${uid}/`));
    expect(sopUid).toBeDefined();

    await page.click('[data-testid="tool-Length"]');
    const box = (await page.locator(`${viewport(1)} [data-testid="viewport-image"]`).boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx - 100, cy - 40);
    await page.mouse.down();
    await page.mouse.move(cx, cy, { steps: 5 });
    await page.mouse.move(cx + 100, cy + 40, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('[data-testid="viewer-page"][data-annotations-saved="1"][data-annotations-pending="0"]');
    const drawn = Number(await page.getAttribute('[data-testid="measurement"][data-tool="Length"]', 'data-value'));
    expect(drawn).toBeGreaterThan(20);

    // In the archive: under the prior study, on the prior's image; the current study has none.
    const annotationsOf = async (studyUid: string) =>
      (await (await archive.fetch(`/api/studies/${studyUid}/annotations`)).json()) as {
        kind: string;
        seriesInstanceUID: string;
        sopInstanceUID: string;
      }[];
    const saved = await annotationsOf(prior.studyUid);
    expect(saved.map((a) => [a.kind, a.seriesInstanceUID, a.sopInstanceUID])).toEqual([['length', prior.seriesUid, sopUid]]);
    expect(await annotationsOf(current.studyUid)).toEqual([]);

    // Reloaded: the prior's pane lists the same length again (a click activates it).
    await page.reload();
    await open();
    await page.locator(`${viewport(1)} [data-testid="viewport-image"]`).click();
    await page.waitForSelector(`${viewport(1)}[data-active="true"]`);
    const listed = page.locator('[data-testid="measurement"][data-tool="Length"]');
    await listed.waitFor();
    expect(await listed.count()).toBe(1);
    await expect.poll(async () => Number(await listed.getAttribute('data-value'))).toBeCloseTo(drawn, 2);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('over a thin link (4 Mbit/s, 100 ms) both studies load staged (byte ranges of HTJ2K), end lossless, and scroll together', async () => {
    const SLICES = 8;
    const thinCurrent = ctSeries({ slices: SLICES, attributes: { ...PATIENT, StudyDate: '20240601' } });
    const thinPrior = ctSeries({ slices: SLICES, zStart: -40, attributes: { ...PATIENT, StudyDate: '20200601' } });
    for (const s of [thinCurrent, thinPrior]) await expectStored(archive, s.files);
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    await signIn(page, archive);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Staged loading asks for each slice's HTJ2K codestream in byte ranges (a preview, then the rest).
    const ranged = new Set<string>();
    page.on('request', (request) => {
      const series = /\/series\/([\d.]+)\/instances\/[\d.]+\/frames\//.exec(request.url())?.[1];
      if (series && request.headers()['range']) ranged.add(series);
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 100,
      downloadThroughput: 4e6 / 8,
      uploadThroughput: 4e6 / 8,
    });
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${thinCurrent.studyUid},${thinPrior.studyUid}`);
    for (const i of [0, 1]) await page.waitForSelector(`${viewport(i)}[data-rendered-image-id]`, { timeout: 30_000 });
    expect(await page.getAttribute(viewport(1), 'data-series-uid')).toBe(thinPrior.seriesUid);
    // Each study's series is staged on its own: every slice arrives, and ends lossless.
    for (const s of [thinCurrent, thinPrior]) {
      const item = `[data-testid="series-item"][data-series-uid="${s.seriesUid}"]`;
      await waitForAttributeAtLeast(page, item, 'data-lossless', SLICES, { timeout: 60_000 });
      expect(await page.getAttribute(item, 'data-loaded')).toBe(String(SLICES));
    }
    expect(ranged).toEqual(new Set([thinCurrent.seriesUid, thinPrior.seriesUid]));
    await wheel(page, 0, 3);
    await page.waitForSelector(`${viewport(0)}[data-slice-index="3"][data-quality="lossless"]`);
    await page.waitForSelector(`${viewport(1)}[data-slice-index="3"][data-quality="lossless"]`);
    expect(await page.getAttribute(viewport(1), 'data-rendered-image-id')).toContain(thinPrior.sopUids[3]!);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('on a phone (390×844, touch) the current and the prior are one above the other, the current on top', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, archive);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${current.studyUid},${prior.studyUid}`);
    await page.waitForSelector('[data-testid="viewport-grid"][data-layout="2x1"]');
    for (const i of [0, 1]) await page.waitForSelector(`${viewport(i)}[data-rendered-image-id]`, { timeout: 30_000 });
    expect(await page.getAttribute(viewport(0), 'data-series-uid')).toBe(current.seriesUid);
    expect(await page.getAttribute(viewport(1), 'data-series-uid')).toBe(prior.seriesUid);
    const [top, bottom] = await Promise.all([0, 1].map(async (i) => (await page.locator(viewport(i)).boundingBox())!));
    expect(bottom!.y).toBeGreaterThanOrEqual(top!.y + top!.height - 1);
    await saveScreenshot(page, 'current-and-prior-phone.png');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
