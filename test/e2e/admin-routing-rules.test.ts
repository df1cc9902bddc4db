import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingRule } from '../../shared/api/exchange';
import { call } from '../helpers/access-client';
import { startBrowserArchive, stopBrowserArchive, type BrowserArchive } from '../helpers/browser-archive';
import { signIn } from '../helpers/browser';
import { afterListReload } from '../helpers/admin-list-reload';

const afterReload = (page: Page, change: () => Promise<void>) => afterListReload(page, 'admin-rules', change);

describe('admin Routing rules page in Chromium', () => {
  let started: Partial<BrowserArchive> = {};

  beforeAll(async () => {
    started = await startBrowserArchive();
  }, 90_000);
  afterAll(async () => {
    await stopBrowserArchive(started);
  });

  it('adds a rule with a peer from the picker, shows its criteria, refuses a bad modality in place, disables, edits, deletes; in Vietnamese too', async () => {
    const { archive, browser } = started as BrowserArchive;
    const admin = { authorization: archive.adminAuthorization };
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);
    await page.goto(`${archive.url}/admin/routing-rules`);
    await page.waitForSelector('[data-testid="admin-rules"][data-state="done"]');
    expect(await page.textContent('[data-testid="rules-empty"]')).toBe('Add a peer first (Peers tab): a rule sends to a peer.');
    expect(await page.isHidden('[data-testid="rule-form"]')).toBe(true);

    for (const name of ['Bệnh viện Trung ương', 'Bệnh viện Tỉnh']) {
      const peer = await call(archive, 'POST', '/api/peers', admin, {
        name,
        baseUrl: 'https://pacs.example.vn/dicom-web',
        auth: { kind: 'none' },
      });
      expect(peer.status, peer.text).toBe(201);
    }
    await page.reload();
    await page.waitForSelector('[data-testid="admin-rules"][data-state="done"]');
    expect(await page.title()).toMatch(/^Routing rules · /);
    expect(await page.getAttribute('[data-testid="admin-tab-rules"]', 'aria-current')).toBe('page');
    expect(await page.textContent('[data-testid="rules-empty"]')).toBe('No routing rule yet.');
    expect(await page.locator('[data-testid="rule-peer"] option').allTextContents()).toEqual(['Bệnh viện Trung ương', 'Bệnh viện Tỉnh']);

    await page.fill('[data-testid="rule-name"]', 'CT to central');
    await page.selectOption('[data-testid="rule-peer"]', { label: 'Bệnh viện Trung ương' });
    await page.fill('[data-testid="rule-modality"]', 'C-T');
    await page.fill('[data-testid="rule-source"]', 'ct-scanner');
    await page.fill('[data-testid="rule-description"]', 'PANC*');
    await afterReload(page, () => page.click('[data-testid="rule-save"]'));
    expect(await page.textContent('[data-testid="admin-error"]')).toBe(
      'modality must be a modality code such as CT or MR (letters, digits, underscore).',
    );
    await page.fill('[data-testid="rule-modality"]', 'ct');
    await afterReload(page, () => page.click('[data-testid="rule-save"]'));
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Routing rule CT to central added.');
    const row = page.locator('[data-testid="rule-row"]');
    expect(await row.count()).toBe(1);
    expect(await row.locator('[data-testid="rule-cell-peer"]').textContent()).toBe('Bệnh viện Trung ương');
    expect(await row.locator('[data-testid="rule-cell-criteria"]').textContent()).toBe(
      'modality CT · stored by ct-scanner · description PANC*',
    );
    expect(await row.locator('[data-testid="rule-cell-status"]').textContent()).toBe('enabled');

    await afterReload(page, () => page.click('[data-testid="rule-toggle"]'));
    expect(await row.getAttribute('data-enabled')).toBe('false');
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Routing rule CT to central is disabled.');

    // Edit: the form holds the rule; another peer, no description.
    await page.click('[data-testid="rule-edit"]');
    expect(await page.inputValue('[data-testid="rule-modality"]')).toBe('CT');
    expect(await page.isChecked('[data-testid="rule-enabled"]')).toBe(false);
    await page.selectOption('[data-testid="rule-peer"]', { label: 'Bệnh viện Tỉnh' });
    await page.fill('[data-testid="rule-description"]', '');
    await page.check('[data-testid="rule-enabled"]');
    await afterReload(page, () => page.click('[data-testid="rule-save"]'));
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Routing rule CT to central saved.');
    expect(await row.locator('[data-testid="rule-cell-criteria"]').textContent()).toBe('modality CT · stored by ct-scanner');
    const [saved] = (await call(archive, 'GET', '/api/routing-rules', admin)).json as RoutingRule[];
    expect(saved).toMatchObject({ name: 'CT to central', peerName: 'Bệnh viện Tỉnh', enabled: true, modality: 'CT', description: '' });

    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"] [data-testid="admin-rules"][data-state="done"]');
    expect(await page.textContent('[data-testid="admin-tab-rules"]')).toBe('Quy tắc chuyển ảnh');
    expect(await row.locator('[data-testid="rule-cell-criteria"]').textContent()).toBe('loại máy CT · do ct-scanner lưu');
    expect(await row.locator('[data-testid="rule-cell-status"]').textContent()).toBe('đang bật');
    await page.click('[data-testid="language-en"]');
    await page.waitForSelector('html[lang="en"] [data-testid="admin-rules"][data-state="done"]');

    await page.click('[data-testid="rule-remove"]');
    expect(await page.textContent('[data-testid="confirm-question"]')).toBe(
      'Delete the routing rule CT to central? Transfers it made stay in the list.',
    );
    await afterReload(page, () => page.click('[data-testid="confirm-ok"]'));
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Routing rule CT to central deleted.');
    expect(await page.textContent('[data-testid="rules-empty"]')).toBe('No routing rule yet.');
    await context.close();
  }, 90_000);
});
