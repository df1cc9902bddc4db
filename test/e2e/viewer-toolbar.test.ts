import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinLan, signIn, type BrowserGlobals } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { type TestArchive } from '../helpers/start-app';
import { ACTIVE_VIEWPORT, activeAttribute, activeCanvasSum } from '../helpers/active-viewport';
import { saveScreenshot } from '../helpers/screenshots';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';

/**
 * The icon toolbar at a desk (issue 12 item 2), in Chromium at 1440×900: six groups with
 * separators, every button an icon with a translated label, the window preset menu setting a
 * CT window (the pixels change), the layout menu, and window/level, zoom and pan from the
 * keyboard alone.
 */
const SLICES = ['1-036.dcm', '1-037.dcm', '1-038.dcm'].map((name) => `series/ct-abdomen-philips-tcia/${name}`);
const ACTIVE = ACTIVE_VIEWPORT;

/** The browser objects these callbacks touch beyond BrowserGlobals. */
interface Globals {
  document: { activeElement: { getAttribute(name: string): string | null } | null };
  getComputedStyle(element: unknown): { borderLeftWidth: string };
}

/** Waits for the next render of the active viewport after `action`. */
async function afterRender(page: Page, action: () => Promise<unknown>): Promise<void> {
  const count = Number(await activeAttribute(page, 'data-render-count'));
  await action();
  await page.waitForFunction(
    ({ selector, count }) =>
      Number((globalThis as unknown as BrowserGlobals).document.querySelector(selector)?.getAttribute('data-render-count')) > count,
    { selector: ACTIVE, count },
  );
}

describe('icon toolbar with window presets, layout menu and keyboard view controls (1440×900)', () => {
  let archive: TestArchive;
  let browser: Browser;
  const studyUid = String(corpusEntry(SLICES[0]!).studyInstanceUID);

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(SLICES.map((p) => corpusFile(p))));
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  const openViewer = async (locale: string): Promise<Page> => {
    const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
    await context.addInitScript(pinLan);
    const page = await context.newPage();
    await signIn(page, archive);
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector(`${ACTIVE}[data-rendered-image-id]`, { timeout: 20_000 });
    return page;
  };

  it('groups icon buttons, sets a CT window from the preset menu and changes layouts from the layout menu', async () => {
    const page = await openViewer('en-US');
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    const groups = page.locator('[data-testid="toolbar-groups"] > [role="group"]');
    expect(await groups.evaluateAll((list) => list.map((g) => g.getAttribute('aria-label')))).toEqual([
      'Navigation',
      'Window',
      'Measure',
      'Annotate',
      'Layout',
      'More',
    ]);
    // A visible separator before every group but the first.
    const borders = await groups.evaluateAll((list) =>
      list.map((g) => (globalThis as unknown as Globals).getComputedStyle(g).borderLeftWidth),
    );
    expect(borders).toEqual(['0px', '1px', '1px', '1px', '1px', '1px']);
    // Every button is an icon with its label as title and accessible name, no text of its own.
    const buttons = await page.locator('[data-testid="toolbar-groups"] button.toolbar-button').evaluateAll((list) =>
      list.map((b) => ({
        label: b.getAttribute('aria-label'),
        title: b.getAttribute('title'),
        svg: b.querySelectorAll('svg').length,
        text: b.textContent!.trim(),
        visible: (b as unknown as { offsetWidth: number }).offsetWidth > 0,
      })),
    );
    expect(buttons.length).toBeGreaterThanOrEqual(24);
    for (const b of buttons) {
      expect(b.label, JSON.stringify(b)).toBeTruthy();
      expect(b.title).toBe(b.label);
      expect(b.svg).toBeGreaterThan(0);
      expect(b.text).toBe('');
      expect(b.visible).toBe(true);
    }
    expect(await page.getAttribute('[data-testid="tool-windowLevel"]', 'aria-pressed')).toBe('true');
    // The phone's buttons are not shown at a desk.
    expect(await page.locator('[data-testid="toolbar-toggle"]').isVisible()).toBe(false);
    expect(await page.locator('[data-testid="series-drawer"]').isVisible()).toBe(false);

    // The preset menu: default, the eight CT presets, invert; arrows move, Esc closes back to the button.
    const before = { width: await activeAttribute(page, 'data-window-width'), pixels: await activeCanvasSum(page) };
    await page.click('[data-testid="window-presets"]');
    const menu = page.locator('[data-testid="window-preset-menu"]');
    await menu.waitFor({ state: 'visible' });
    expect(await page.getAttribute('[data-testid="window-presets"]', 'aria-expanded')).toBe('true');
    expect(await menu.locator('[role="menuitem"]').count()).toBe(10);
    expect(await menu.locator('[data-testid="window-preset-4"]').textContent()).toBe('Lung (W 1500 / L -600)');
    await saveScreenshot(page, 'desktop-toolbar-presets-en.png');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (globalThis as unknown as Globals).document.activeElement?.getAttribute('data-testid'))).toBe(
      'window-preset-1',
    );
    // The menu's keys are its own: the arrow did not scroll the stack.
    expect(await activeAttribute(page, 'data-slice-index')).toBe('0');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => (globalThis as unknown as Globals).document.activeElement?.getAttribute('data-testid'))).toBe(
      'window-presets',
    );
    await page.click('[data-testid="window-presets"]');
    await afterRender(page, () => page.click('[data-testid="window-preset-4"]'));
    await menu.waitFor({ state: 'hidden' });
    expect(await activeAttribute(page, 'data-window-width')).toBe('1500');
    expect(await activeAttribute(page, 'data-window-center')).toBe('-600');
    expect(await activeCanvasSum(page)).not.toBe(before.pixels);
    await page.click('[data-testid="window-presets"]');
    await afterRender(page, () => page.click('[data-testid="window-default"]'));
    expect(await activeAttribute(page, 'data-window-width')).toBe(before.width);
    expect(await activeCanvasSum(page)).toBe(before.pixels);
    await page.click('[data-testid="window-presets"]');
    await afterRender(page, () => page.click('[data-testid="invert"]'));
    expect(await activeAttribute(page, 'data-invert')).toBe('true');

    // The layout menu: its items are radio items, the button shows the chosen layout.
    await page.click('[data-testid="layout-menu"]');
    expect(await page.getAttribute('[data-testid="layout-1x1"]', 'aria-checked')).toBe('true');
    await page.click('[data-testid="layout-1x2"]');
    await page.waitForSelector('[data-testid="viewport-grid"][data-layout="1x2"]');
    expect(await page.locator('[data-testid="viewport"]').count()).toBe(2);
    expect(await page.getAttribute('[data-testid="layout-menu"]', 'data-layout')).toBe('1x2');
    await page.click('[data-testid="layout-menu"]');
    expect(await page.getAttribute('[data-testid="layout-1x2"]', 'aria-checked')).toBe('true');
    await page.click('[data-testid="layout-1x1"]');
    await page.waitForSelector('[data-testid="viewport-grid"][data-layout="1x1"]');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('does window/level, zoom and pan from the keyboard, listed in the help panel (Vietnamese)', async () => {
    const page = await openViewer('vi-VN');
    expect(await page.getAttribute('[data-testid="window-presets"]', 'aria-label')).toBe('Cửa sổ đặt sẵn');
    expect(await page.getAttribute('[data-testid="layout-menu"]', 'aria-label')).toBe('Bố cục khung xem');
    const width = Number(await activeAttribute(page, 'data-window-width'));
    const center = Number(await activeAttribute(page, 'data-window-center'));
    const scale = Number(await activeAttribute(page, 'data-scale'));
    const pixels = await activeCanvasSum(page);

    await afterRender(page, () => page.keyboard.press('Shift+ArrowRight'));
    expect(Number(await activeAttribute(page, 'data-window-width'))).toBeGreaterThan(width);
    await afterRender(page, () => page.keyboard.press('Shift+ArrowDown'));
    expect(Number(await activeAttribute(page, 'data-window-center'))).toBeGreaterThan(center);
    expect(await activeCanvasSum(page)).not.toBe(pixels);
    // Shift+arrows change the window, not the slice.
    expect(await activeAttribute(page, 'data-slice-index')).toBe('0');

    await afterRender(page, () => page.keyboard.press('+'));
    expect(Number(await activeAttribute(page, 'data-scale'))).toBeCloseTo(scale * 1.2, 6);
    await afterRender(page, () => page.keyboard.press('-'));
    await afterRender(page, () => page.keyboard.press('-'));
    expect(Number(await activeAttribute(page, 'data-scale'))).toBeCloseTo(scale / 1.2, 6);

    expect(await activeAttribute(page, 'data-translation')).toBe('0,0');
    await afterRender(page, () => page.keyboard.press('Control+ArrowRight'));
    await afterRender(page, () => page.keyboard.press('Control+ArrowDown'));
    const [x, y] = (await activeAttribute(page, 'data-translation')).split(',').map(Number) as [number, number];
    // 24 screen pixels at the current scale, in image pixels.
    const now = Number(await activeAttribute(page, 'data-scale'));
    expect(x).toBeCloseTo(24 / now, 1);
    expect(y).toBeCloseTo(24 / now, 1);

    // Plain arrows still page through the stack.
    await afterRender(page, () => page.keyboard.press('ArrowDown'));
    expect(await activeAttribute(page, 'data-slice-index')).toBe('1');

    await page.click('[data-testid="help"]');
    const help = (await page.textContent('[data-testid="help-panel"]'))!;
    expect(help).toContain('Shift+← / →: thu hẹp / mở rộng độ rộng cửa sổ');
    expect(help).toContain('+ / −: phóng to / thu nhỏ');
    expect(help).toContain('Ctrl+phím mũi tên: di chuyển ảnh');
    expect(help).toContain('chụm hai ngón tay để phóng to');
    await page.context().close();
  });
});
