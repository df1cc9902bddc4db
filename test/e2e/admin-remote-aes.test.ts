import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteAe } from '../../shared/api/dimse';
import { call } from '../helpers/access-client';
import { startBrowserArchive, stopBrowserArchive, type BrowserArchive } from '../helpers/browser-archive';
import { signIn } from '../helpers/browser';
import { afterListReload } from '../helpers/admin-list-reload';

const afterReload = (page: Page, change: () => Promise<void>) => afterListReload(page, 'admin-dimse', change);

describe('admin DICOM devices page in Chromium', () => {
  let started: Partial<BrowserArchive> = {};

  beforeAll(async () => {
    started = await startBrowserArchive([], { PACS_DIMSE_AE_TITLE: 'BV_HUYEN_A', PACS_DIMSE_PORT: 'off' });
  }, 90_000);
  afterAll(async () => {
    await stopBrowserArchive(started);
  });

  it('shows our AE title and port, adds a device, refuses a bad host in place, edits its port and rights, deletes it; in Vietnamese too', async () => {
    const { archive, browser } = started as BrowserArchive;
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);
    await page.goto(`${archive.url}/admin/dimse`);
    await page.waitForSelector('[data-testid="admin-dimse"][data-state="done"]');
    expect(await page.title()).toMatch(/^DICOM devices · /);
    expect(await page.getAttribute('[data-testid="admin-tab-dimse"]', 'aria-current')).toBe('page');
    const status = async () =>
      Promise.all(['ae-title', 'host', 'port', 'tls', 'callers'].map((cell) => page.textContent(`[data-testid="dimse-${cell}"]`)));
    expect(await status()).toEqual(['BV_HUYEN_A', '127.0.0.1', 'DIMSE off', 'off', 'listed devices only']);
    expect(await page.textContent('[data-testid="remote-aes-empty"]')).toBe(
      'No device yet: add the modalities and workstations that send images to this archive or query it.',
    );
    // A new device may send images and nothing more unless ticked.
    expect(await page.isChecked('[data-testid="remote-ae-may-store"]')).toBe(true);
    expect(await page.isChecked('[data-testid="remote-ae-may-query"]')).toBe(false);
    expect(await page.isChecked('[data-testid="remote-ae-may-retrieve"]')).toBe(false);

    await page.fill('[data-testid="remote-ae-title"]', 'CT01');
    await page.fill('[data-testid="remote-ae-host"]', 'ct_01.benhvien.lan');
    await page.fill('[data-testid="remote-ae-description"]', 'CT 64 dãy, tầng 2');
    await afterReload(page, () => page.click('[data-testid="remote-ae-save"]'));
    expect(await page.textContent('[data-testid="admin-error"]')).toBe(
      'host "ct_01.benhvien.lan" is neither an IPv4 or IPv6 address nor a host name (letters, digits, hyphens, dots).',
    );
    expect(await page.inputValue('[data-testid="remote-ae-title"]')).toBe('CT01');
    await page.fill('[data-testid="remote-ae-host"]', 'CT-01.BenhVien.lan');
    await afterReload(page, () => page.click('[data-testid="remote-ae-save"]'));
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Device CT01 added.');
    const row = page.locator('[data-testid="remote-ae-row"]');
    expect(await row.count()).toBe(1);
    const cells = async () =>
      Promise.all(
        ['title', 'host', 'port', 'description', 'rights'].map((cell) =>
          row.locator(`[data-testid="remote-ae-cell-${cell}"]`).textContent(),
        ),
      );
    expect(await cells()).toEqual(['CT01', 'ct-01.benhvien.lan', 'not set', 'CT 64 dãy, tầng 2', 'send images']);
    expect(await page.inputValue('[data-testid="remote-ae-title"]')).toBe('');

    // Edit: the form holds the device; a port (it receives images now) and query and retrieve rights.
    await page.click('[data-testid="remote-ae-edit"]');
    expect(await page.inputValue('[data-testid="remote-ae-host"]')).toBe('ct-01.benhvien.lan');
    await page.fill('[data-testid="remote-ae-port"]', '104');
    await page.check('[data-testid="remote-ae-may-query"]');
    await page.check('[data-testid="remote-ae-may-retrieve"]');
    await afterReload(page, () => page.click('[data-testid="remote-ae-save"]'));
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Device CT01 saved.');
    expect(await cells()).toEqual(['CT01', 'ct-01.benhvien.lan', '104', 'CT 64 dãy, tầng 2', 'send images, query, retrieve']);
    const [saved] = (await call(archive, 'GET', '/api/dimse/remote-aes', { authorization: archive.adminAuthorization })).json as RemoteAe[];
    expect(saved).toMatchObject({
      aeTitle: 'CT01',
      host: 'ct-01.benhvien.lan',
      port: 104,
      mayStore: true,
      mayQuery: true,
      mayRetrieve: true,
    });

    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"] [data-testid="admin-dimse"][data-state="done"]');
    expect(await page.textContent('[data-testid="admin-tab-dimse"]')).toBe('Thiết bị DICOM');
    expect(await page.title()).toMatch(/^Thiết bị DICOM · /);
    expect(await status()).toEqual(['BV_HUYEN_A', '127.0.0.1', 'DIMSE đang tắt', 'tắt', 'chỉ thiết bị trong danh sách']);
    expect(await row.locator('[data-testid="remote-ae-cell-rights"]').textContent()).toBe('gửi ảnh, truy vấn, lấy ảnh');
    await page.click('[data-testid="language-en"]');
    await page.waitForSelector('html[lang="en"] [data-testid="admin-dimse"][data-state="done"]');

    await page.click('[data-testid="remote-ae-remove"]');
    expect(await page.textContent('[data-testid="confirm-question"]')).toBe(
      'Delete the device CT01? It can no longer connect to this archive.',
    );
    await afterReload(page, () => page.click('[data-testid="confirm-ok"]'));
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Device CT01 deleted.');
    expect(await page.isVisible('[data-testid="remote-aes-empty"]')).toBe(true);
    await context.close();
  }, 90_000);
});
