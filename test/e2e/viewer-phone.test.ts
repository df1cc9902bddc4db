import type { Browser, BrowserContext, CDPSession } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinLan, signIn, type BrowserGlobals } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { type TestArchive } from '../helpers/start-app';
import { ACTIVE_VIEWPORT, activeAttribute, activeCanvasSum } from '../helpers/active-viewport';
import { saveScreenshot } from '../helpers/screenshots';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';

/**
 * The viewer on a phone (issue 12 item 1), in Chromium emulating a 390×844 touch screen: a guest
 * opens a consultation's share link, the image takes the screen, one finger swipes through the
 * slices, two fingers pinch to zoom and drag to pan, a long press measures a length, the series
 * drawer opens and the guest answers the consultation; the worklist shows cards; a tablet gets
 * the drawer too. Touches are real touch input through CDP Input.dispatchTouchEvent.
 */
const SLICES = ['1-036.dcm', '1-037.dcm', '1-038.dcm', '1-039.dcm', '1-040.dcm', '1-041.dcm'].map(
  (name) => `series/ct-abdomen-philips-tcia/${name}`,
);
const ACTIVE = ACTIVE_VIEWPORT;
/** The browser objects these callbacks touch beyond BrowserGlobals. */
interface Globals {
  document: {
    documentElement: { scrollWidth: number };
    querySelector(selector: string): { getBoundingClientRect(): { left: number } } | null;
  };
  getComputedStyle(element: unknown): { display: string; borderRadius: string };
}
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };

interface Point {
  x: number;
  y: number;
}

/** Touch points through the browser's input pipeline (pointer and touch events, as a finger makes them). */
class Fingers {
  constructor(private readonly cdp: CDPSession) {}
  private send(type: 'touchStart' | 'touchMove' | 'touchEnd', points: Point[]) {
    return this.cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map((p, id) => ({ x: p.x, y: p.y, id })) });
  }
  /** Puts the fingers down, moves them in `steps` from `from` to `to`, lifts them. */
  async drag(from: Point[], to: Point[], steps = 10, holdMs = 0): Promise<void> {
    await this.send('touchStart', from);
    if (holdMs) await new Promise((resolve) => setTimeout(resolve, holdMs));
    for (let s = 1; s <= steps; s++) {
      const at = from.map((p, i) => ({ x: p.x + ((to[i]!.x - p.x) * s) / steps, y: p.y + ((to[i]!.y - p.y) * s) / steps }));
      await this.send('touchMove', at);
    }
    await this.send('touchEnd', []);
  }
}

describe('the viewer on a phone: share link, swipe, pinch, long-press length, drawer, consultation answer; worklist cards', () => {
  let archive: TestArchive;
  let browser: Browser;
  const studyUid = String(corpusEntry(SLICES[0]!).studyInstanceUID);

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(SLICES.map((p) => corpusFile(p))));
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  const askConsultation = async (): Promise<string> => {
    const res = await archive.fetch('/api/consultations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        studyInstanceUID: studyUid,
        specialist: { name: 'GS. Trần Văn Minh' },
        question: 'Khối giảm tỷ trọng ở gan?',
        urgency: 'routine',
        expiresInHours: 24,
        anonymize: false,
      }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { share: { url: string } }).share.url;
  };

  // Both guests measure on the same slice: the second a little lower, clear of the first's shared length.
  for (const { locale, answered, opinion, below } of [
    { locale: 'vi-VN', answered: 'đã trả lời', opinion: 'Nghĩ nhiều u máu gan.', below: 0 },
    { locale: 'en-US', answered: 'answered', opinion: 'Most likely a haemangioma.', below: 80 },
  ]) {
    it(`a guest on a phone swipes, pinches, pans, measures and answers the consultation (${locale})`, async () => {
      const link = await askConsultation();
      const context: BrowserContext = await browser.newContext({ ...PHONE, locale });
      await context.addInitScript(pinLan);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(link);
      await page.waitForSelector(`${ACTIVE}[data-rendered-image-id]`, { timeout: 20_000 });

      // The image gets the screen: no side panel beside it, the toolbar is one row.
      const image = (await page.locator(`${ACTIVE} [data-testid="viewport-image"]`).boundingBox())!;
      expect(image.width).toBeGreaterThan(370);
      expect(image.height).toBeGreaterThan(600);
      expect(await page.locator('.viewer-side').isVisible()).toBe(false);
      expect(await page.locator('[data-testid="toolbar-groups"]').isVisible()).toBe(false);
      const toggle = page.locator('[data-testid="toolbar-toggle"]');
      expect(await toggle.isVisible()).toBe(true);
      // On a touch screen one finger scrolls by default.
      expect(await toggle.getAttribute('data-tool')).toBe('scroll');
      expect(await page.evaluate(() => (globalThis as unknown as Globals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      const fingers = new Fingers(await context.newCDPSession(page));
      const centre = { x: image.x + image.width / 2, y: image.y + image.height / 2 };

      // One finger up the screen: the next slices, other pixels.
      const firstPixels = await activeCanvasSum(page);
      expect(await activeAttribute(page, 'data-slice-index')).toBe('0');
      await fingers.drag([{ x: centre.x, y: centre.y + 60 }], [{ x: centre.x, y: centre.y - 10 }]);
      await page.waitForSelector(`${ACTIVE}[data-slice-index="5"]`);
      expect(await activeCanvasSum(page)).not.toBe(firstPixels);
      // And back down two slices (24 px).
      await fingers.drag([{ x: centre.x, y: centre.y }], [{ x: centre.x, y: centre.y + 30 }], 6);
      await page.waitForSelector(`${ACTIVE}[data-slice-index="3"]`);

      // Two fingers apart: zoom by the ratio of their distances (80 → 200 px: 2.5×).
      const scale = Number(await activeAttribute(page, 'data-scale'));
      await fingers.drag(
        [
          { x: centre.x - 40, y: centre.y },
          { x: centre.x + 40, y: centre.y },
        ],
        [
          { x: centre.x - 100, y: centre.y },
          { x: centre.x + 100, y: centre.y },
        ],
      );
      await page.waitForFunction(
        ({ selector, scale }) =>
          Number((globalThis as unknown as BrowserGlobals).document.querySelector(selector)?.getAttribute('data-scale')) > scale * 2.4,
        { selector: ACTIVE, scale },
      );
      expect(Number(await activeAttribute(page, 'data-scale'))).toBeCloseTo(scale * 2.5, 4);
      expect(await activeAttribute(page, 'data-slice-index')).toBe('3');

      // Two fingers together down by 50 px: the image moves 50 screen pixels (in image pixels at this scale).
      const zoomed = Number(await activeAttribute(page, 'data-scale'));
      await fingers.drag(
        [
          { x: centre.x - 50, y: centre.y - 100 },
          { x: centre.x + 50, y: centre.y - 100 },
        ],
        [
          { x: centre.x - 50, y: centre.y - 50 },
          { x: centre.x + 50, y: centre.y - 50 },
        ],
      );
      await page.waitForFunction(
        (selector) =>
          (globalThis as unknown as BrowserGlobals).document.querySelector(selector)?.getAttribute('data-translation') !== '0,0',
        ACTIVE,
      );
      const [tx, ty] = (await activeAttribute(page, 'data-translation')).split(',').map(Number) as [number, number];
      expect(tx).toBeCloseTo(0, 1);
      expect(ty).toBeCloseTo(50 / zoomed, 1);
      expect(Number(await activeAttribute(page, 'data-scale'))).toBeCloseTo(zoomed, 4);

      // A long press, then a drag: a length measurement, shared with the archive.
      await page.waitForSelector('[data-testid="viewer-page"][data-annotations="loaded"]');
      await fingers.drag([{ x: centre.x - 60, y: centre.y + below }], [{ x: centre.x + 60, y: centre.y + below }], 8, 800);
      // The first guest's length is listed too on the second run.
      const lengths = page.locator('[data-testid="measurement"][data-tool="Length"]');
      const expected = below ? 2 : 1;
      await lengths.nth(expected - 1).waitFor({ state: 'attached' });
      expect(await lengths.count()).toBe(expected);
      // 120 screen pixels on the zoomed CT: some centimetres, in mm from its Pixel Spacing.
      const mm = await lengths.evaluateAll((list) => list.map((m) => Number(m.getAttribute('data-value'))));
      expect(mm[expected - 1]).toBeGreaterThan(10);
      await page.waitForSelector('[data-testid="viewer-page"][data-annotations-saved="1"][data-annotations-pending="0"]');
      // Listed in the page's language: 85,31 mm in Vietnamese, 85.31 mm in English.
      const drawn = lengths.nth(expected - 1);
      const listed = (await drawn.locator('[data-testid="measurement-text"]').textContent())!;
      const value = Number(await drawn.getAttribute('data-value')).toFixed(2);
      expect(listed).toContain(`${locale === 'vi-VN' ? value.replace('.', ',') : value} mm`);
      await saveScreenshot(page, `phone-viewer-${locale.slice(0, 2)}.png`);
      const annotations = (await (await archive.fetch(`/api/studies/${studyUid}/annotations`)).json()) as { kind: string }[];
      expect(annotations.map((a) => a.kind)).toEqual(Array(expected).fill('length'));
      // The long press did not scroll.
      expect(await activeAttribute(page, 'data-slice-index')).toBe('3');

      // The toolbar menu: choose window/level, and one finger then changes the window.
      await toggle.tap();
      await page.locator('[data-testid="toolbar-groups"]').waitFor({ state: 'visible' });
      await page.locator('[data-testid="tool-windowLevel"]').tap();
      await page.locator('[data-testid="toolbar-groups"]').waitFor({ state: 'hidden' });
      expect(await toggle.getAttribute('data-tool')).toBe('windowLevel');
      const width = Number(await activeAttribute(page, 'data-window-width'));
      await fingers.drag([{ x: centre.x - 80, y: centre.y + 150 }], [{ x: centre.x + 40, y: centre.y + 150 }]);
      await page.waitForFunction(
        ({ selector, width }) =>
          Number((globalThis as unknown as BrowserGlobals).document.querySelector(selector)?.getAttribute('data-window-width')) > width,
        { selector: ACTIVE, width },
      );
      expect(await activeAttribute(page, 'data-slice-index')).toBe('3');

      // The drawer: series and the consultation; the guest answers there.
      await page.locator('[data-testid="series-drawer"]').tap();
      const panel = page.locator('[data-testid="consultation-panel"][data-state="ready"]');
      await panel.waitFor({ state: 'visible' });
      // Slid in (a 0.15 s transition).
      await page.waitForFunction(
        () => (globalThis as unknown as Globals).document.querySelector('.viewer-side')!.getBoundingClientRect().left >= 0,
      );
      const drawer = (await page.locator('.viewer-side').boundingBox())!;
      await saveScreenshot(page, `phone-drawer-${locale.slice(0, 2)}.png`);
      expect(drawer.x).toBeGreaterThanOrEqual(0);
      expect(drawer.x + drawer.width).toBeLessThanOrEqual(390);
      await panel.locator('[data-testid="consultation-opinion-input"]').fill(opinion);
      await panel.locator('[data-testid="consultation-opinion-submit"]').tap();
      await page.waitForSelector('[data-testid="consultation-panel"][data-status="answered"]');
      expect(await panel.locator('[data-testid="consultation-status"]').textContent()).toBe(answered);
      // A series chosen in the drawer closes it, giving the image back.
      await page.locator('[data-testid="series-item"]').first().tap();
      await page.locator('.viewer-side').waitFor({ state: 'hidden' });
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('shows the worklist as cards on a phone, with the header unclipped, and a tap opens the study', async () => {
    const context = await browser.newContext({ ...PHONE, locale: 'vi-VN' });
    const page = await context.newPage();
    await signIn(page, archive);
    await page.goto(`${archive.url}/`);
    const card = page.locator('[data-testid="study-row"]').first();
    await card.waitFor();
    const style = await card.evaluate((row) => {
      const s = (globalThis as unknown as Globals).getComputedStyle(row);
      return { display: s.display, borderRadius: s.borderRadius };
    });
    expect(style).toEqual({ display: 'grid', borderRadius: '6px' });
    const box = (await card.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    // Name, ID, date, modality, description and the number of images show; accession and series do not.
    const visible = await card
      .locator('td')
      .evaluateAll((cells) =>
        cells.filter((c) => (c as unknown as { offsetWidth: number }).offsetWidth > 0).map((c) => c.getAttribute('data-column')),
      );
    expect(visible).toEqual(['patientName', 'patientId', 'studyDate', 'modalities', 'studyDescription', 'numberOfInstances']);
    expect(await card.locator('td[data-column="numberOfInstances"]').getAttribute('data-label')).toBe('Số ảnh');
    // The study's instances as the archive counts them (the CT slices and the answered consultations' reports).
    const [study] = (await (await archive.fetch(`/dicom-web/studies?StudyInstanceUID=${studyUid}&includefield=00201208`)).json()) as {
      '00201208': { Value: [number] };
    }[];
    expect(await card.locator('td[data-column="numberOfInstances"]').textContent()).toBe(String(study!['00201208'].Value[0]));
    expect(await card.locator('td[data-column="modalities"]').textContent()).toMatch(/^CT\b/);
    await saveScreenshot(page, 'phone-worklist-vi.png');
    // Nothing of the header is cut off or wider than the screen.
    const header = await page.locator('.app-header').evaluate((el) => {
      const parts = [...el.querySelectorAll('a, button, span')].map((c) => c.getBoundingClientRect());
      return {
        scrollWidth: el.scrollWidth,
        right: Math.max(...parts.map((r) => r.right)),
        bottom: Math.max(...parts.map((r) => r.bottom)),
        height: el.getBoundingClientRect().bottom,
      };
    });
    expect(header.scrollWidth).toBeLessThanOrEqual(390);
    expect(header.right).toBeLessThanOrEqual(390);
    expect(header.bottom).toBeLessThanOrEqual(header.height);
    await card.tap();
    await page.waitForSelector(`${ACTIVE}[data-rendered-image-id]`, { timeout: 20_000 });
    await context.close();
  });

  it('gives the image the screen on a tablet too (820×1180), with the series drawer', async () => {
    const context = await browser.newContext({ viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true, locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector(`${ACTIVE}[data-rendered-image-id]`, { timeout: 20_000 });
    const image = (await page.locator(`${ACTIVE} [data-testid="viewport-image"]`).boundingBox())!;
    expect(image.width).toBeGreaterThan(800);
    expect(await page.locator('.viewer-side').isVisible()).toBe(false);
    await page.locator('[data-testid="series-drawer"]').tap();
    await page.locator('[data-testid="series-item"]').first().waitFor({ state: 'visible' });
    expect(await page.getAttribute('[data-testid="series-drawer"]', 'aria-expanded')).toBe('true');
    await context.close();
  });
});
