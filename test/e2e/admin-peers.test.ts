import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createUser } from '../helpers/access-client';
import { startBrowserArchive, stopBrowserArchive, type BrowserArchive } from '../helpers/browser-archive';
import { signIn } from '../helpers/browser';
import { afterListReload } from '../helpers/admin-list-reload';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

const PASSWORD = 'central-pass-Hn42';

const afterReload = (page: Page, change: () => Promise<void>) => afterListReload(page, 'admin-peers', change);

/** Clicks "Test connection" and waits for its result. */
async function testConnection(page: Page): Promise<{ ok: string | null; outcome: string | null; text: string }> {
  await page.click('[data-testid="peer-test"]');
  const result = await page.waitForSelector('[data-testid="peer-test-result"][data-ok]');
  return {
    ok: await result.getAttribute('data-ok'),
    outcome: await result.getAttribute('data-outcome'),
    text: (await result.textContent())!,
  };
}

describe('admin Peers page in Chromium', () => {
  let started: Partial<BrowserArchive> = {};
  let peer: TestArchive;

  beforeAll(async () => {
    [started, peer] = await Promise.all([startBrowserArchive(), startTestArchive()]);
    await createUser(peer, { username: 'district-a', password: PASSWORD, role: 'radiologist' });
  }, 90_000);
  afterAll(async () => {
    await stopBrowserArchive(started);
    await peer?.stop();
  });

  it('adds a peer, tests its connection with a round trip shown, and after a reload shows its password as set, never its value', async () => {
    const { archive, browser } = started as BrowserArchive;
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);
    await page.goto(`${archive.url}/admin`);
    await page.click('[data-testid="admin-tab-peers"]');
    await page.waitForSelector('[data-testid="admin-peers"][data-state="done"]');
    expect(await page.textContent('[data-testid="peers-empty"]')).toBe(
      'No peer yet: add the archives this one sends studies to or fetches them from.',
    );
    expect(await page.title()).toMatch(/^Peers · /);

    await page.fill('[data-testid="peer-name"]', 'Bệnh viện Trung ương');
    await page.fill('[data-testid="peer-url"]', peer.dicomWeb);
    expect(await page.isHidden('[data-testid="peer-username"]')).toBe(true);
    await page.selectOption('[data-testid="peer-auth"]', 'basic');
    await page.fill('[data-testid="peer-username"]', 'district-a');
    await page.fill('[data-testid="peer-password"]', PASSWORD);
    expect(await page.isHidden('[data-testid="peer-token"]')).toBe(true);
    await page.fill('[data-testid="peer-bandwidth"]', '4000');
    await page.selectOption('[data-testid="peer-send-syntax"]', '1.2.840.10008.1.2.4.80');

    // Tested before it is saved.
    const before = await testConnection(page);
    expect(before).toMatchObject({ ok: 'true', outcome: 'ok' });
    const ms = Number(/^Connected: the peer answered a DICOMweb search in (\d+) ms\.$/.exec(before.text)?.[1]);
    expect(ms).toBeGreaterThan(0);

    await afterReload(page, () => page.click('[data-testid="peer-save"]'));
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Peer Bệnh viện Trung ương added.');
    const row = page.locator('[data-testid="peer-row"]');
    expect(await row.count()).toBe(1);
    expect(await row.locator('[data-testid="peer-cell-name"]').textContent()).toBe('Bệnh viện Trung ương');
    expect(await row.locator('[data-testid="peer-cell-url"]').textContent()).toBe(peer.dicomWeb);
    expect(await row.locator('[data-testid="peer-cell-auth"]').textContent()).toBe('Basic (district-a)');
    expect(await row.locator('[data-testid="peer-cell-cap"]').textContent()).toBe('4000 kbit/s');
    expect(await row.locator('[data-testid="peer-cell-status"]').textContent()).toBe('active');

    // After a reload the saved password is "set", its field empty, and the page holds it nowhere.
    await page.reload();
    await page.waitForSelector('[data-testid="admin-peers"][data-state="done"]');
    await page.click('[data-testid="peer-edit"]');
    expect(await page.inputValue('[data-testid="peer-name"]')).toBe('Bệnh viện Trung ương');
    expect(await page.inputValue('[data-testid="peer-username"]')).toBe('district-a');
    expect(await page.inputValue('[data-testid="peer-send-syntax"]')).toBe('1.2.840.10008.1.2.4.80');
    expect(await page.inputValue('[data-testid="peer-password"]')).toBe('');
    expect(await page.getAttribute('[data-testid="peer-password"]', 'placeholder')).toBe('•••• set, leave empty to keep');
    expect(await page.getAttribute('[data-testid="peer-password"]', 'data-secret-set')).toBe('true');
    expect(await page.content()).not.toContain(PASSWORD);

    // The saved password is used when the field stays empty; a wrong one is refused by the peer.
    expect(await testConnection(page)).toMatchObject({ ok: 'true', outcome: 'ok' });
    await page.fill('[data-testid="peer-password"]', 'wrong-password-1');
    expect(await testConnection(page)).toEqual({
      ok: 'false',
      outcome: 'credentials',
      text: 'The peer refused the credentials (401): check the username and password, or the token.',
    });
    await page.click('[data-testid="peer-cancel"]');

    // Pause and resume; the archive agrees.
    await afterReload(page, () => page.click('[data-testid="peer-pause"]'));
    expect(await row.getAttribute('data-paused')).toBe('true');
    expect(await row.locator('[data-testid="peer-cell-status"]').textContent()).toBe('paused');
    const [saved] = (await call(archive, 'GET', '/api/peers', { authorization: archive.adminAuthorization })).json as Array<{
      pausedAt: string | null;
    }>;
    expect(saved!.pausedAt).not.toBeNull();
    await afterReload(page, () => page.click('[data-testid="peer-pause"]'));
    expect(await row.getAttribute('data-paused')).toBe('false');

    // In Vietnamese, the test result too.
    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"] [data-testid="admin-peers"][data-state="done"]');
    expect(await page.textContent('[data-testid="admin-tab-peers"]')).toBe('Kho liên kết');
    await page.click('[data-testid="peer-edit"]');
    expect(await page.getAttribute('[data-testid="peer-password"]', 'placeholder')).toBe('•••• đã lưu, để trống để giữ nguyên');
    const vi = await testConnection(page);
    expect(vi.text).toMatch(/^Kết nối thành công: kho liên kết trả lời lệnh tìm kiếm DICOMweb sau \d+ ms\.$/);
    await page.click('[data-testid="language-en"]');
    await page.waitForSelector('html[lang="en"] [data-testid="admin-peers"][data-state="done"]');

    // Delete asks first.
    await page.click('[data-testid="peer-remove"]');
    expect(await page.textContent('[data-testid="confirm-question"]')).toBe(
      'Delete the peer Bệnh viện Trung ương? Its saved password or token is deleted with it.',
    );
    await afterReload(page, () => page.click('[data-testid="confirm-ok"]'));
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe('Peer Bệnh viện Trung ương deleted.');
    expect(await page.locator('[data-testid="peer-row"]').count()).toBe(0);
    await context.close();
  }, 90_000);
});
