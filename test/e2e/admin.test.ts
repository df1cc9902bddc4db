import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../helpers/browser';
import { afterListReload } from '../helpers/admin-list-reload';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { pn, syntheticSeries } from '../helpers/synthetic-series';

const CSV_HEADER =
  'time,eventId,eventName,eventType,actionCode,outcome,action,principalKind,principalId,role,clientAddress,studyUid,detail,requestId';

const afterReload = (page: Page, change: () => Promise<void>) => afterListReload(page, 'admin-users', change);

/** Submits the audit filters and waits for the records. */
async function auditSearch(page: Page): Promise<void> {
  const before = Number(await page.getAttribute('[data-testid="audit"]', 'data-searches'));
  await page.click('[data-testid="audit-search"]');
  await page.waitForSelector(`[data-testid="audit"][data-searches="${before + 1}"][data-state="done"]`);
}

const userRow = (page: Page, username: string) => page.locator(`[data-testid="user-row"][data-username="${username}"]`);
const auditRows = (page: Page) =>
  page.$$eval('[data-testid="audit-row"]', (rows) =>
    rows.map((r) => ({
      action: r.getAttribute('data-action'),
      outcome: r.getAttribute('data-outcome'),
      principal: r.getAttribute('data-principal'),
    })),
  );

describe('accounts and audit trail pages in Chromium', () => {
  let archive: TestArchive;
  let browser: Browser;
  const study = syntheticSeries(1, {
    PatientName: pn('Phạm^Thu Hà'),
    PatientID: 'ADM-1',
    StudyDate: '20240301',
    SpecificCharacterSet: 'ISO_IR 192',
  });

  beforeAll(async () => {
    archive = await startTestArchive();
    await expectStored(archive, study.files);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  it('creates a clinician who signs in without upload or admin, is disabled mid-session, and whose sign-in the audit trail shows and exports', async () => {
    const adminContext = await browser.newContext({ locale: 'en-US' });
    const admin = await adminContext.newPage();
    await signIn(admin, archive);
    await admin.goto(`${archive.url}/`);
    await admin.waitForSelector('[data-testid="worklist"][data-state="done"]');
    expect(await admin.textContent('[data-testid="header-role"]')).toBe('Administrator');
    await admin.click('[data-testid="nav-admin"]');
    await admin.waitForSelector('[data-testid="admin-users"][data-state="done"]');
    expect(await userRow(admin, 'admin').locator('[data-testid="user-role"]').inputValue()).toBe('admin');

    // The role choice offers device and metrics (a Prometheus scraper's) accounts too.
    expect(await admin.$$eval('[data-testid="create-role"] option', (options) => options.map((o) => o.getAttribute('value')))).toEqual([
      'admin',
      'radiologist',
      'clinician',
      'device',
      'metrics',
    ]);

    // A too short initial password is caught in the page; the archive's refusals show in place.
    await admin.fill('[data-testid="create-username"]', 'binh');
    await admin.fill('[data-testid="create-display-name"]', 'Lê Văn Bình');
    await admin.selectOption('[data-testid="create-role"]', 'clinician');
    await admin.fill('[data-testid="create-password"]', 'short');
    await afterReload(admin, () => admin.click('[data-testid="create-submit"]'));
    expect(await admin.textContent('[data-testid="admin-error"]')).toBe('A password needs at least 10 characters.');
    expect(await userRow(admin, 'binh').count()).toBe(0);

    await admin.fill('[data-testid="create-password"]', 'binh-password-1');
    await admin.uncheck('[data-testid="create-must-change"]');
    await afterReload(admin, () => admin.click('[data-testid="create-submit"]'));
    expect(await admin.isHidden('[data-testid="admin-error"]')).toBe(true);
    expect(await admin.textContent('[data-testid="admin-notice"]')).toBe('Account binh created.');
    const binh = userRow(admin, 'binh');
    expect(await binh.locator('[data-testid="user-display-name"]').textContent()).toBe('Lê Văn Bình');
    expect(await binh.locator('[data-testid="user-role"]').inputValue()).toBe('clinician');
    expect(await binh.locator('[data-testid="user-status"]').textContent()).toBe('enabled');
    expect(await binh.locator('[data-testid="user-must-change"]').textContent()).toBe('no');

    // Disabling the only admin is refused by the archive (409), shown inline; the admin stays enabled.
    // Disabling asks first: Cancel leaves the account as it was, the dialog names the account.
    await userRow(admin, 'admin').locator('[data-testid="user-toggle"]').click();
    expect(await admin.textContent('[data-testid="confirm-question"]')).toBe(
      'Disable the account admin? It is signed out and cannot sign in until enabled again.',
    );
    await admin.click('[data-testid="confirm-cancel"]');
    await admin.locator('[data-testid="confirm-dialog"]').waitFor({ state: 'detached' });
    expect(await userRow(admin, 'admin').locator('[data-testid="user-status"]').textContent()).toBe('enabled');
    await userRow(admin, 'admin').locator('[data-testid="user-toggle"]').click();
    await afterReload(admin, () => admin.click('[data-testid="confirm-ok"]'));
    expect(await admin.textContent('[data-testid="admin-error"]')).toBe('This would leave the archive without an enabled admin account.');
    expect(await userRow(admin, 'admin').locator('[data-testid="user-status"]').textContent()).toBe('enabled');

    // The clinician signs in through the page: the worklist, no Upload, no Admin; /admin is not for them.
    const clinicianContext = await browser.newContext({ locale: 'en-US' });
    const clinician = await clinicianContext.newPage();
    await clinician.goto(`${archive.url}/`);
    await clinician.waitForSelector('[data-testid="login-form"]');
    await clinician.fill('[data-testid="login-username"]', 'binh');
    await clinician.fill('[data-testid="login-password"]', 'binh-password-1');
    await clinician.click('[data-testid="login-submit"]');
    await clinician.waitForSelector('[data-testid="worklist"][data-state="done"]');
    expect(
      await clinician.$$eval('[data-testid="study-row"]', (rows) => rows.map((r) => r.getAttribute('data-study-instance-uid'))),
    ).toEqual([study.studyUid]);
    expect(await clinician.textContent('[data-testid="header-user"]')).toBe('Lê Văn Bình');
    expect(await clinician.textContent('[data-testid="header-role"]')).toBe('Clinician');
    expect(await clinician.isVisible('[data-testid="nav-worklist"]')).toBe(true);
    expect(await clinician.locator('[data-testid="nav-upload"]').count()).toBe(0);
    expect(await clinician.locator('[data-testid="nav-admin"]').count()).toBe(0);
    await clinician.goto(`${archive.url}/admin`);
    await clinician.waitForSelector('#app-root[data-ready="true"]');
    expect(await clinician.textContent('[data-testid="not-allowed"]')).toBe(
      'You are not allowed to see this page: it is for administrators.',
    );
    expect(await clinician.locator('[data-testid="users-table"]').count()).toBe(0);
    await clinician.click('[data-testid="language-vi"]');
    await clinician.waitForSelector('html[lang="vi"] [data-testid="not-allowed"]');
    expect(await clinician.textContent('[data-testid="not-allowed"]')).toBe(
      'Bạn không được phép xem trang này: trang dành cho quản trị viên.',
    );
    expect(await clinician.textContent('[data-testid="header-role"]')).toBe('Bác sĩ lâm sàng');
    await clinician.click('[data-testid="language-en"]');
    await clinician.click('[data-testid="nav-worklist"]');
    await clinician.waitForSelector('[data-testid="worklist"][data-state="done"]');

    // The admin disables the clinician: the clinician's next search lands on the sign-in page.
    await binh.locator('[data-testid="user-toggle"]').click();
    await afterReload(admin, () => admin.click('[data-testid="confirm-ok"]'));
    expect(await binh.locator('[data-testid="user-status"]').textContent()).toBe('disabled');
    expect(await admin.textContent('[data-testid="admin-notice"]')).toBe('Account binh changed.');
    await clinician.click('[data-testid="worklist-search"]');
    await clinician.waitForURL((url) => url.pathname === '/login');
    expect(new URL(clinician.url()).searchParams.get('next')).toBe('/');
    await clinician.waitForSelector('[data-testid="login-form"]');
    expect(await clinician.locator('[data-testid="header-user"]').count()).toBe(0);
    expect(await clinician.isHidden('[data-testid="error-banner"]')).toBe(true);
    await clinicianContext.close();

    // The audit trail lists the clinician's sign-in; filtering by user keeps only their records.
    await admin.click('[data-testid="admin-tab-audit"]');
    await admin.waitForSelector('[data-testid="audit"][data-state="done"]');
    expect(await auditRows(admin)).toContainEqual({ action: 'login', outcome: '0', principal: 'binh' });
    await admin.fill('[data-testid="audit-user"]', 'binh');
    await auditSearch(admin);
    const binhRows = await auditRows(admin);
    expect(binhRows.length).toBeGreaterThanOrEqual(2); // the sign-in and the search
    expect(new Set(binhRows.map((r) => r.principal))).toEqual(new Set(['binh']));
    expect(binhRows).toContainEqual({ action: 'login', outcome: '0', principal: 'binh' });
    const loginRow = admin.locator('[data-testid="audit-row"][data-action="login"][data-principal="binh"]').first();
    expect(await loginRow.locator('td[data-column="event"]').textContent()).toBe('User Authentication (110114) · 110122 Login');
    expect(await loginRow.locator('td[data-column="outcome"]').textContent()).toBe('OK');
    expect(await loginRow.locator('td[data-column="role"]').textContent()).toBe('Clinician');
    expect(await loginRow.locator('td[data-column="detail"]').textContent()).toBe('sign-in');
    expect(new URL(admin.url()).searchParams.get('user')).toBe('binh');

    await admin.selectOption('[data-testid="audit-action"]', 'login');
    await auditSearch(admin);
    expect(await auditRows(admin)).toEqual([{ action: 'login', outcome: '0', principal: 'binh' }]);
    expect(await admin.textContent('[data-testid="audit-status"]')).toBe('Records 1–1 of 1');

    // Export CSV: the link carries the same filters and downloads the matching records.
    const href = await admin.getAttribute('[data-testid="audit-export"]', 'href');
    expect(href).toBe('/api/audit?user=binh&action=login&format=csv');
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.click('[data-testid="audit-export"]')]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const csv = Buffer.concat(chunks);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte order mark: Excel reads Vietnamese right
    const lines = csv.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines).toHaveLength(2);
    const cells = lines[1]!.split(',');
    expect(cells[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(cells.slice(1, 11)).toEqual([
      '110114',
      'User Authentication',
      '110122 Login',
      'E',
      '0',
      'login',
      'user',
      'binh',
      'clinician',
      cells[10],
    ]);
    expect(cells[12]).toBe('sign-in');

    // By patient, as typed without accents (found through the index): the study's storing; by a part of a user name.
    await admin.fill('[data-testid="audit-user"]', '');
    await admin.selectOption('[data-testid="audit-action"]', '');
    await admin.fill('[data-testid="audit-patient"]', 'pham thu ha');
    await auditSearch(admin);
    expect(await auditRows(admin)).toEqual([{ action: 'store', outcome: '0', principal: 'admin' }]);
    expect(new URL(admin.url()).searchParams.get('patient')).toBe('pham thu ha');
    expect(await admin.getAttribute('[data-testid="audit-export"]', 'href')).toBe('/api/audit?patient=pham+thu+ha&format=csv');
    await admin.fill('[data-testid="audit-patient"]', 'Nobody Else');
    await auditSearch(admin);
    expect(await auditRows(admin)).toEqual([]);
    await admin.fill('[data-testid="audit-patient"]', '');
    await admin.fill('[data-testid="audit-user"]', 'BIN');
    await admin.selectOption('[data-testid="audit-action"]', 'login');
    await auditSearch(admin);
    expect(await auditRows(admin)).toEqual([{ action: 'login', outcome: '0', principal: 'binh' }]);
    await adminContext.close();
  });

  it('makes a device account, changes its role and resets its password to one that must be changed', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await signIn(page, archive);
    await page.goto(`${archive.url}/admin`);
    await page.waitForSelector('[data-testid="admin-users"][data-state="done"]');
    await page.fill('[data-testid="create-username"]', 'ct-scanner-1');
    await page.selectOption('[data-testid="create-role"]', 'device');
    await page.fill('[data-testid="create-password"]', 'scanner-password-1');
    await afterReload(page, () => page.click('[data-testid="create-submit"]'));
    const row = userRow(page, 'ct-scanner-1');
    expect(await row.locator('[data-testid="user-role"]').inputValue()).toBe('device');
    expect(await row.locator('[data-testid="user-must-change"]').textContent()).toBe('yes'); // the checkbox starts checked

    await afterReload(page, async () => void (await row.locator('[data-testid="user-role"]').selectOption('radiologist')));
    expect(await row.locator('[data-testid="user-role"]').inputValue()).toBe('radiologist');
    const users = (await (await archive.fetch('/api/users')).json()) as Array<{
      username: string;
      role: string;
      mustChangePassword: boolean;
    }>;
    expect(users.find((u) => u.username === 'ct-scanner-1')?.role).toBe('radiologist');

    await row.locator('[data-testid="user-reset-password"]').fill('new-scanner-pass-2');
    await afterReload(page, () => row.locator('[data-testid="user-reset"]').click());
    expect(await page.textContent('[data-testid="admin-notice"]')).toBe(
      'The password of ct-scanner-1 was reset; it must be changed at the next sign-in.',
    );
    const login = await fetch(`${archive.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'ct-scanner-1', password: 'new-scanner-pass-2' }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(true);
    await page.close();
  });
});
