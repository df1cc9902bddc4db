import type { Page } from 'playwright-core';

/** The viewer toolbar's drop-down menus: the button and the menu it opens (viewer/src/viewer/toolbar-menu.ts). */
const TOOLBAR_MENUS = [
  ['window-presets', 'window-preset-menu'],
  ['layout-menu', 'layout-menu-list'],
] as const;

/** Opens each toolbar menu in turn, runs `check` while it is open, and closes it with Escape. */
export async function withEachToolbarMenuOpen(page: Page, check: (button: string) => Promise<void>): Promise<void> {
  for (const [button, menu] of TOOLBAR_MENUS) {
    await page.click(`[data-testid="${button}"]`);
    await page.waitForSelector(`[data-testid="${menu}"]:visible`);
    await check(button);
    await page.keyboard.press('Escape');
  }
}
