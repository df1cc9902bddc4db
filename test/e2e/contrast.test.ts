import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedShare } from '../../shared/api/shares';
import { signIn } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';
import { createAccount } from '../helpers/accounts';
import { withEachToolbarMenuOpen } from '../helpers/toolbar-menus';

/**
 * WCAG 2.1 AA (issue 12 item 2): every visible control's text, and every other text (muted, badges,
 * headings, cells), against what it is drawn on,
 * SC 1.4.3 (4.5:1, 3:1 for large text), including placeholders; the edge of every field at 3:1
 * against what is around it, SC 1.4.11; and a keyboard focus ring of at least 3:1, SC 1.4.11 / 2.4.7.
 * Measured on the computed styles Chromium renders, so a CSS custom property changed anywhere counts.
 */
const SLICES = ['1-036.dcm', '1-037.dcm', '1-038.dcm'].map((name) => `series/ct-abdomen-philips-tcia/${name}`);
/** Stored by the upload page's test (the others are stored before the tests). */
const UPLOADED = 'series/ct-abdomen-philips-tcia/1-039.dcm';
const SHARE_PIN = '4821';
const VIEWPORT = { width: 1440, height: 900 };
const CONTROLS = 'button, a[href], input:not([type="hidden"]), select, textarea, label, [role="menuitem"], [data-testid="series-item"]';
/** Fields one types in or picks from, whose edge must show where they are. */
const FIELDS = 'input:not([type="hidden"], [type="checkbox"], [type="radio"], [type="file"], [type="range"]), select, textarea';
/** Muted text, badges, headings, table cells: every element holding text of its own. */
const TEXT = 'body *';

interface Finding {
  element: string;
  text: string;
  color: string;
  background: string;
  ratio: number;
  needed: number;
}

interface FocusRing {
  element: string;
  width: number;
  style: string;
  color: string;
  background: string;
  ratio: number;
}

/**
 * In the page: the contrast of each visible, enabled control matching `selector`. The effective
 * background is found by walking up the ancestors and compositing their background colours until
 * one is opaque; the text colour's alpha and the ancestors' opacity are composited over it.
 * With `edge`, instead of its text: how well the field's edge (its border, else its own fill)
 * stands out from what is around it, which SC 1.4.11 wants at 3:1 to tell that a field is there.
 */
function measureContrast({ selector, ownText, edge = false }: { selector: string; ownText: boolean; edge?: boolean }): Finding[] {
  type Rgba = [number, number, number, number];
  interface Style {
    color: string;
    backgroundColor: string;
    borderTopColor: string;
    borderTopStyle: string;
    borderTopWidth: string;
    opacity: string;
    fontSize: string;
    fontWeight: string;
  }
  interface El {
    tagName: string;
    id: string;
    className: string;
    textContent: string | null;
    placeholder?: string;
    value?: string;
    parentElement: El | null;
    getAttribute(name: string): string | null;
    getClientRects(): { length: number };
    checkVisibility?(options: object): boolean;
    matches(selector: string): boolean;
    childNodes: Iterable<{ nodeType: number; textContent: string | null }>;
  }
  const g = globalThis as unknown as {
    document: { querySelectorAll(selector: string): Iterable<El> };
    getComputedStyle(el: El, pseudo?: string): Style;
  };
  const parse = (css: string): Rgba => {
    const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(css);
    if (!m) throw new Error(`Unparsed computed colour ${css}`);
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const over = (top: Rgba, below: Rgba): Rgba => [
    top[0] * top[3] + below[0] * (1 - top[3]),
    top[1] * top[3] + below[1] * (1 - top[3]),
    top[2] * top[3] + below[2] * (1 - top[3]),
    1,
  ];
  const luminance = (c: Rgba) => {
    const channel = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  };
  const ratio = (a: Rgba, b: Rgba) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
    return (hi + 0.05) / (lo + 0.05);
  };
  const backgroundOf = (el: El): { colour: Rgba; opacity: number } => {
    const layers: Rgba[] = [];
    let opacity = 1;
    for (let node: El | null = el; node; node = node.parentElement) {
      const style = g.getComputedStyle(node);
      opacity *= Number(style.opacity);
      const bg = parse(style.backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let colour: Rgba = [255, 255, 255, 1]; // the canvas behind an unpainted page
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return { colour, opacity };
  };
  const visible = (el: El) =>
    el.getClientRects().length > 0 && (el.checkVisibility?.({ visibilityProperty: true, opacityProperty: true }) ?? true);
  const out: Finding[] = [];
  for (const el of g.document.querySelectorAll(selector)) {
    // Disabled controls are exempt (SC 1.4.3 "part of an inactive user interface component").
    if (!visible(el) || el.matches(':disabled, [aria-disabled="true"]')) continue;
    if (ownText && ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim())) continue;
    const style = g.getComputedStyle(el);
    const { colour: background, opacity } = backgroundOf(el);
    const name = `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[data-testid=${el.getAttribute('data-testid')}]` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`;
    if (edge) {
      const around = el.parentElement ? backgroundOf(el.parentElement).colour : ([255, 255, 255, 1] as Rgba);
      const bordered = parseFloat(style.borderTopWidth) > 0 && style.borderTopStyle !== 'none';
      const border = bordered ? over(parse(style.borderTopColor), background) : background;
      out.push({
        element: name,
        text: '(edge)',
        color: style.borderTopColor,
        background: `rgb(${around.slice(0, 3).map(Math.round).join(', ')})`,
        ratio: Math.round(Math.max(ratio(border, around), ratio(background, around)) * 100) / 100,
        needed: 3,
      });
      // The hint shown in an empty field is text too.
      if (el.placeholder && !el.value) {
        const hint = g.getComputedStyle(el, '::placeholder').color;
        out.push({
          element: `${name}::placeholder`,
          text: el.placeholder.slice(0, 30),
          color: hint,
          background: `rgb(${background.slice(0, 3).map(Math.round).join(', ')})`,
          ratio: Math.round(ratio(over(parse(hint), background), background) * 100) / 100,
          needed: 4.5,
        });
      }
      continue;
    }
    const text = parse(style.color);
    const drawn = over([text[0], text[1], text[2], text[3] * opacity], background);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    out.push({
      element: name,
      text: (el.textContent ?? '').trim().slice(0, 30),
      color: style.color,
      background: `rgb(${background.slice(0, 3).map(Math.round).join(', ')})`,
      ratio: Math.round(ratio(drawn, background) * 100) / 100,
      needed: large ? 3 : 4.5,
    });
  }
  return out;
}

/** In the page: the focused element's outline, and its contrast against the background around it. */
function measureFocusRing(): FocusRing {
  type Rgba = [number, number, number, number];
  interface Style {
    outlineWidth: string;
    outlineStyle: string;
    outlineColor: string;
    outlineOffset: string;
    backgroundColor: string;
  }
  interface El {
    tagName: string;
    getAttribute(name: string): string | null;
    parentElement: El | null;
  }
  const g = globalThis as unknown as { document: { activeElement: El | null }; getComputedStyle(el: El): Style };
  const parse = (css: string): Rgba => {
    const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(css);
    if (!m) throw new Error(`Unparsed computed colour ${css}`);
    return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const luminance = (c: Rgba) => {
    const channel = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  };
  const el = g.document.activeElement!;
  const style = g.getComputedStyle(el);
  // An outline drawn outside the element (offset ≥ 0) sits on the parent's background.
  let background: Rgba = [255, 255, 255, 1];
  const start = parseFloat(style.outlineOffset) < 0 ? el : el.parentElement;
  for (let node = start; node; node = node.parentElement) {
    const bg = parse(g.getComputedStyle(node).backgroundColor);
    if (bg[3] >= 1) {
      background = bg;
      break;
    }
  }
  const ring = parse(style.outlineColor);
  const [hi, lo] = [luminance(ring), luminance(background)].sort((x, y) => y - x) as [number, number];
  return {
    element: `${el.tagName.toLowerCase()}[data-testid=${el.getAttribute('data-testid')}]`,
    width: parseFloat(style.outlineWidth),
    style: style.outlineStyle,
    color: style.outlineColor,
    background: `rgb(${background.slice(0, 3).join(', ')})`,
    ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
  };
}

async function failingContrast(page: Page): Promise<Finding[]> {
  const findings = [
    ...(await page.evaluate(measureContrast, { selector: CONTROLS, ownText: false })),
    ...(await page.evaluate(measureContrast, { selector: TEXT, ownText: true })),
    ...(await page.evaluate(measureContrast, { selector: FIELDS, ownText: false, edge: true })),
  ];
  expect(findings.length).toBeGreaterThan(5);
  return findings.filter((f) => f.ratio < f.needed);
}

/** Presses Tab until the focus is on an element matching `selector`, and measures its ring. */
async function focusRingOnTab(page: Page, selector: string): Promise<FocusRing> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const there = await page.evaluate(
      (selector) =>
        (globalThis as unknown as { document: { activeElement: { matches(s: string): boolean } | null } }).document.activeElement?.matches(
          selector,
        ) === true,
      selector,
    );
    if (there) return page.evaluate(measureFocusRing);
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Submits the password form with a new password too short, and waits for the page to say so. */
async function refuseShortPassword(page: Page, current: string): Promise<void> {
  await page.fill('[data-testid="password-current"]', current);
  await page.fill('[data-testid="password-new"]', 'short');
  await page.fill('[data-testid="password-repeat"]', 'short');
  await page.click('[data-testid="password-submit"]');
  await page.waitForSelector('[data-testid="password-error"]:visible');
}

function expectVisibleRing(ring: FocusRing): void {
  expect(ring.width, ring.element).toBeGreaterThan(0);
  expect(ring.style, ring.element).not.toBe('none');
  expect(ring.ratio, JSON.stringify(ring)).toBeGreaterThanOrEqual(3);
}

describe('WCAG AA contrast and focus in Chromium', () => {
  let archive: TestArchive;
  let browser: Browser;
  const studyUid = String(corpusEntry(SLICES[0]!).studyInstanceUID);

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(SLICES.map(corpusFile)));
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  const openPage = async (url: string, ready: string): Promise<Page> => {
    const page = await browser.newPage({ locale: 'en-US', viewport: VIEWPORT, deviceScaleFactor: 1 });
    await signIn(page, archive);
    await page.goto(`${archive.url}${url}`);
    await page.waitForSelector(ready);
    return page;
  };

  const openViewer = () =>
    openPage(`/viewer?StudyInstanceUIDs=${studyUid}`, '[data-testid="viewport"][data-active="true"][data-rendered-image-id]');

  it('gives every control and text on the worklist at least 4.5:1 (3:1 large)', async () => {
    const page = await openPage('/', '[data-testid="worklist"][data-state="done"]');
    expect(await failingContrast(page)).toEqual([]);
    await page.close();
  });

  it('gives every control and text of the viewer with a CT, and of its Download, window preset and layout menus, at least 4.5:1 (3:1 large)', async () => {
    const page = await openViewer();
    expect(await failingContrast(page)).toEqual([]);
    await page.click('[data-testid="download-button"]');
    await page.waitForSelector('[data-testid="download-menu"] [role="menuitem"]');
    expect(await failingContrast(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await withEachToolbarMenuOpen(page, async () => expect(await failingContrast(page)).toEqual([]));
    await page.close();
  });

  it('gives the phone layout (worklist cards, the opened toolbar, the series drawer) at least 4.5:1 (3:1 large)', async () => {
    const phone = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, locale: 'en-US' };
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await signIn(page, archive);
    await page.goto(`${archive.url}/`);
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    expect(await failingContrast(page)).toEqual([]);
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]');
    await page.click('[data-testid="toolbar-toggle"]');
    await page.waitForSelector('[data-testid="toolbar-groups"]:visible');
    expect(await failingContrast(page)).toEqual([]);
    await page.click('[data-testid="toolbar-toggle"]');
    await page.click('[data-testid="series-drawer"]');
    await page.waitForSelector('[data-testid="series-item"]:visible');
    expect(await failingContrast(page)).toEqual([]);
    await context.close();
  });

  it('gives every control and text of the admin page at least 4.5:1 (3:1 large)', async () => {
    const page = await openPage('/admin', '[data-testid="admin-users"][data-state="done"]');
    expect(await failingContrast(page)).toEqual([]);
    await page.close();
  });

  it('gives the sign-in page, its refusal and the one-time password form at least 4.5:1 (3:1 large), with a focus ring on its button', async () => {
    await createAccount(archive, { username: 'first.day', password: 'one-time-pass-123', role: 'clinician', mustChangePassword: true });
    const page = await browser.newPage({ locale: 'en-US', viewport: VIEWPORT, deviceScaleFactor: 1 });
    await page.goto(`${archive.url}/login`);
    await page.waitForSelector('[data-testid="login-form"]');
    expect(await failingContrast(page)).toEqual([]);
    await page.fill('[data-testid="login-username"]', 'first.day');
    await page.fill('[data-testid="login-password"]', 'not-the-password');
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="login-error"]:visible');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="login-submit"]'));
    await page.fill('[data-testid="login-password"]', 'one-time-pass-123');
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="password-form"]');
    await refuseShortPassword(page, 'one-time-pass-123');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="password-submit"]'));
    await page.close();
  });

  it('gives the upload page with stored, duplicate, refused and skipped rows at least 4.5:1 (3:1 large), with a focus ring on its buttons', async () => {
    const page = await openPage('/upload', '#app-root[data-ready="true"] [data-testid="upload-page"]');
    expect(await failingContrast(page)).toEqual([]);
    await page.setInputFiles('[data-testid="upload-files-input"]', [
      { name: 'new.dcm', mimeType: 'application/dicom', buffer: corpusFile(UPLOADED) },
      { name: 'again.dcm', mimeType: 'application/dicom', buffer: corpusFile(SLICES[0]!) },
      { name: 'truncated.dcm', mimeType: 'application/dicom', buffer: corpusFile('malformed/truncated-native-ct-derived.dcm') },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') },
    ]);
    await page.waitForSelector('[data-testid="upload-page"][data-state="done"]', { timeout: 30_000 });
    const statuses = await page.$$eval('[data-testid="upload-result"]', (rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(statuses.sort()).toEqual(['duplicate', 'not-dicom', 'refused', 'stored']);
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '.upload-pick'));
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="upload-study-link"]'));
    await page.close();
  });

  it('gives the account page with a new token, its list and a password error at least 4.5:1 (3:1 large), with a focus ring on its buttons', async () => {
    const page = await openPage('/account', '[data-testid="account"][data-loads="1"]');
    expect(await failingContrast(page)).toEqual([]);
    await page.fill('[data-testid="token-name"]', 'reporting script');
    await page.click('[data-testid="token-create"]');
    await page.waitForSelector('[data-testid="token-row"]');
    await refuseShortPassword(page, TEST_ADMIN.password);
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="token-revoke"]'));
    await page.close();
  });

  it('gives the share, consultation request and confirm dialogs, the help overlay and the tag browser at least 4.5:1 (3:1 large), with focus rings in them', async () => {
    const page = await openViewer();
    await page.click('[data-testid="share-button"]');
    const share = page.locator('[data-testid="share-dialog"]');
    await share.waitFor();
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="share-create"]'));
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="share-pin-input"]'));
    await share.locator('[data-testid="share-pin-input"]').fill('12');
    await share.locator('[data-testid="share-create"]').click();
    await share.locator('[data-testid="share-error"]:visible').waitFor();
    expect(await failingContrast(page)).toEqual([]);
    await share.locator('[data-testid="share-pin-input"]').fill(SHARE_PIN);
    await share.locator('[data-testid="share-create"]').click();
    await share.locator('[data-testid="share-url"]').waitFor();
    await share.locator('[data-testid="share-row"]').first().waitFor();
    expect(await failingContrast(page)).toEqual([]);
    await share.locator('[data-testid="share-revoke"]').first().click();
    await page.waitForSelector('[data-testid="confirm-dialog"]');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="confirm-ok"]'));
    await page.click('[data-testid="confirm-cancel"]');
    await share.locator('[data-testid="share-close"]').click();

    await page.click('[data-testid="consultation-button"]');
    const consultation = page.locator('[data-testid="consultation-dialog"]');
    await consultation.locator('[data-testid="consultation-submit"]').click();
    await consultation.locator('[data-testid="consultation-error"]:visible').waitFor();
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="consultation-submit"]'));
    await consultation.locator('[data-testid="consultation-specialist-name"]').fill('BS. Trần Minh');
    await consultation.locator('[data-testid="consultation-question"]').fill('Nodule in the liver?');
    await consultation.locator('[data-testid="consultation-submit"]').click();
    await consultation.locator('[data-testid="consultation-url"]').waitFor();
    expect(await failingContrast(page)).toEqual([]);
    await consultation.locator('[data-testid="consultation-dialog-close"]').click();

    await page.click('[data-testid="help"]');
    await page.waitForSelector('[data-testid="help-panel"]:visible');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '.viewer-help-close'));
    await page.click('.viewer-help-close');

    await page.keyboard.press('t');
    await page.waitForSelector('[data-testid="tag-panel"][data-state="ready"]');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="tag-filter"]'));
    await page.close();
  });

  it('gives the report drawer, a signed report, its SR view and the print pages at least 4.5:1 (3:1 large), with focus rings on their controls', async () => {
    const page = await openViewer();
    await page.click('[data-testid="report-button"]');
    const panel = page.locator('[data-testid="report-panel"]');
    await panel.locator('[data-testid="report-editor"]').waitFor();
    expect(await failingContrast(page)).toEqual([]);
    await panel.locator('[data-testid="report-section-impression"]').fill('No focal liver lesion.');
    await panel.locator('[data-testid="report-organization"]').fill('');
    await panel.locator('[data-testid="report-sign"]').click();
    await panel.locator('[data-testid="report-error"]:visible').waitFor();
    expect(await failingContrast(page)).toEqual([]);
    await panel.locator('[data-testid="report-organization"]').fill('Bệnh viện Đa khoa Tỉnh');
    await panel.locator('[data-testid="report-save"]').click();
    await expect.poll(async () => (await panel.locator('[data-testid="report-saved"]').textContent()) ?? '').not.toBe('');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="report-sign"]'));
    await panel.locator('[data-testid="report-sign"]').click();
    await page.click('[data-testid="confirm-ok"]');
    await panel.locator('[data-testid="report-final"]').waitFor({ timeout: 20_000 });
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="report-print-link"]'));

    // The signed report is an SR series of the study, shown as text.
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.locator('[data-testid="series-item"][data-series-number="9903"]').click();
    await page.waitForSelector('[data-testid="sr-view"][data-state="ready"]');
    expect(await failingContrast(page)).toEqual([]);

    // A key image, so the film sheet has its controls.
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]');
    await page.keyboard.press('k');
    await page.waitForSelector('[data-testid="key-image-count"][data-count="1"]');
    await page.goto(`${archive.url}/print?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector('[data-testid="print-sheet"][data-state="done"]');
    await page.waitForSelector('[data-testid="print-report"][data-state="done"]');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="print-layout"]'));
    // The QR form sits on the white sheet: its ring must show on white.
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="share-qr-days"]'));
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="share-qr-create"]'));
    await page.goto(`${archive.url}/report-print?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector('[data-testid="report-print-view"][data-state="done"]');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="share-qr-create"]'));
    await page.close();
  });

  it('gives the share page’s PIN form, its refusal, the guest’s viewer and the "no longer valid" page at least 4.5:1 (3:1 large), with a focus ring on its button', async () => {
    const made = await archive.fetch('/api/shares', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ studyInstanceUID: studyUid, expiresInHours: 24, permissions: ['read'], anonymize: false, pin: SHARE_PIN }),
    });
    expect(made.status).toBe(201);
    const { url } = (await made.json()) as CreatedShare;
    const context = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('[data-testid="share-pin"]');
    expect(await failingContrast(page)).toEqual([]);
    await page.fill('[data-testid="share-pin-value"]', '0000');
    await page.click('[data-testid="share-pin-submit"]');
    await page.waitForSelector('[data-testid="share-pin-error"]:visible');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="share-pin-submit"]'));
    await page.fill('[data-testid="share-pin-value"]', SHARE_PIN);
    await page.click('[data-testid="share-pin-submit"]');
    await page.waitForSelector('[data-testid="guest-banner"]:visible');
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]');
    expect(await failingContrast(page)).toEqual([]);
    // Back on /share without a link, as a guest whose link ended is after a reload.
    await page.goto(`${archive.url}/share`);
    await page.waitForSelector('[data-testid="share-open-error"]');
    expect(await page.textContent('[data-testid="share-open-error"] h1')).toBe('This link is no longer valid.');
    expect(await failingContrast(page)).toEqual([]);
    await context.close();
  });

  it('gives the error banner at least 4.5:1, with a focus ring on its close button', async () => {
    const page = await openPage('/viewer', '[data-testid="error-banner"]:visible');
    expect(await failingContrast(page)).toEqual([]);
    expectVisibleRing(await focusRingOnTab(page, '.error-banner-close'));
    await page.close();
  });

  it('shows a keyboard focus ring of at least 3:1 on a toolbar button, a menu item and a series item of the viewer', async () => {
    const page = await openViewer();
    expectVisibleRing(await focusRingOnTab(page, '[data-testid="series-item"]'));
    expectVisibleRing(await focusRingOnTab(page, '.viewer-toolbar button'));
    // A menu opened from the keyboard puts the focus, with its ring, on its first item.
    await focusRingOnTab(page, '[data-testid="window-presets"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="window-preset-menu"]:visible');
    expectVisibleRing(await page.evaluate(measureFocusRing));
    await page.close();
  });

  it('shows a keyboard focus ring of at least 3:1 on a worklist row', async () => {
    const page = await openPage('/', '[data-testid="worklist"][data-state="done"]');
    expectVisibleRing(await focusRingOnTab(page, '.worklist-table tbody tr'));
    await page.close();
  });
});
