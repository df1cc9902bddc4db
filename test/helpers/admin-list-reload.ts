import type { Page } from 'playwright-core';

/**
 * Runs `change` on an admin page built on viewer/src/admin/admin-list.ts (accounts, peers,
 * routing rules, DICOM devices) and waits until its list, the section `sectionTestid`, is drawn
 * again (its `data-loads` counter one higher, `data-state` done).
 */
export async function afterListReload(page: Page, sectionTestid: string, change: () => Promise<void>): Promise<void> {
  const before = Number(await page.getAttribute(`[data-testid="${sectionTestid}"]`, 'data-loads'));
  await change();
  await page.waitForSelector(`[data-testid="${sectionTestid}"][data-loads="${before + 1}"][data-state="done"]`);
}
