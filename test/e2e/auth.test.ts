import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { pn, syntheticSeries } from '../helpers/synthetic-series';
import { createAccount } from '../helpers/accounts';

const WRONG = 'The username or password is wrong, or the account is disabled.';

/** Fills the sign-in form and submits it. */
async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.fill('[data-testid="login-username"]', username);
  await page.fill('[data-testid="login-password"]', password);
  await page.click('[data-testid="login-submit"]');
}

/** Submits a sign-in the archive refuses and waits for the page to show why. */
async function refusedSignIn(page: Page, username: string, password: string): Promise<string> {
  const before = Number((await page.getAttribute('[data-testid="login-form"]', 'data-failures')) ?? 0);
  await submitSignIn(page, username, password);
  await page.waitForSelector(`[data-testid="login-form"][data-failures="${before + 1}"]`);
  return (await page.textContent('[data-testid="login-error"]')) ?? '';
}

const sessionStatus = (page: Page) => page.evaluate(async () => (await fetch('/api/session')).status);

describe('sign-in, sign-out and the one-time password in Chromium', () => {
  let archive: TestArchive;
  let browser: Browser;

  beforeAll(async () => {
    archive = await startTestArchive();
    browser = await launchBrowser();
    await createAccount(archive, { username: 'mai', password: 'mai-password-2024', role: 'radiologist', displayName: 'Nguyễn Thị Mai' });
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  it('sends an anonymous visitor to the sign-in page, shows the archive refusals, then the worklist with the user in the header', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${archive.url}/`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).search).toBe('?next=%2F');
    await page.waitForSelector('[data-testid="login-form"]');
    // Nobody is signed in: no navigation, no user box.
    expect(await page.locator('[data-testid="nav-worklist"]').count()).toBe(0);
    expect(await page.locator('[data-testid="sign-out"]').count()).toBe(0);

    // The page in Vietnamese, and back.
    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"] [data-testid="login-form"]');
    expect(await page.textContent('[data-testid="login-submit"]')).toBe('Đăng nhập');
    expect(await page.textContent('[data-testid="login-form"] label:first-of-type span')).toBe('Tên đăng nhập');
    await page.click('[data-testid="language-en"]');
    await page.waitForSelector('html[lang="en"] [data-testid="login-form"]');
    expect(await page.textContent('[data-testid="login-submit"]')).toBe('Sign in');

    // A wrong password: the archive's own message, the password field emptied, still on /login.
    expect(await refusedSignIn(page, 'mai', 'not-her-password')).toBe(WRONG);
    expect(await page.inputValue('[data-testid="login-password"]')).toBe('');
    expect(new URL(page.url()).pathname).toBe('/login');

    // The right one: the worklist, with the user's name and role in the header.
    await submitSignIn(page, 'mai', 'mai-password-2024');
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('[data-testid="header-user"]')).toBe('Nguyễn Thị Mai');
    expect(await page.textContent('[data-testid="header-role"]')).toBe('Radiologist');
    expect(await page.isVisible('[data-testid="nav-upload"]')).toBe(true); // a radiologist may store
    expect(await page.locator('[data-testid="nav-admin"]').count()).toBe(0);
    expect(await sessionStatus(page)).toBe(200);

    // Sign out: back on the sign-in page, and the session is gone on the server too.
    await page.click('[data-testid="sign-out"]');
    await page.waitForURL((url) => url.pathname === '/login');
    await page.waitForSelector('[data-testid="login-form"]');
    expect(await page.locator('[data-testid="header-user"]').count()).toBe(0);
    expect(await sessionStatus(page)).toBe(401);

    // Reloading a page of the app now asks to sign in again, keeping where to go afterwards.
    await page.goto(`${archive.url}/upload`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/upload');
    await page.waitForSelector('[data-testid="login-form"]');
    await submitSignIn(page, 'mai', 'mai-password-2024');
    await page.waitForURL((url) => url.pathname === '/upload');
    await context.close();
  });

  it('locks the account after repeated wrong passwords and says how long to wait', async () => {
    await createAccount(archive, { username: 'lan', password: 'lan-password-2024', role: 'clinician' });
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${archive.url}/login`);
    await page.waitForSelector('[data-testid="login-form"]');
    for (let n = 1; n <= 5; n++) expect(await refusedSignIn(page, 'lan', `wrong-${n}`), `attempt ${n}`).toBe(WRONG);
    // The sixth is refused before the password is even checked: 429 with Retry-After.
    const locked = await refusedSignIn(page, 'lan', 'wrong-6');
    const seconds = Number(/^Too many attempts, try again in (\d+) s\.$/.exec(locked)?.[1]);
    expect(seconds, locked).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(30);
    // The right password does not get through the lock either.
    expect(await refusedSignIn(page, 'lan', 'lan-password-2024')).toMatch(/^Too many attempts, try again in \d+ s\.$/);
    await page.close();
  });

  it('follows ?next= only to a path of this app (no open redirect)', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(`${archive.url}/login?next=${encodeURIComponent(next)}`);
      await page.waitForSelector('[data-testid="login-form"]');
      await submitSignIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
      await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
      const url = new URL(page.url());
      expect(url.origin, next).toBe(archive.url);
      expect(url.pathname, next).toBe('/');
      await context.close();
    }
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${archive.url}/login?next=${encodeURIComponent('/viewer?StudyInstanceUIDs=1.2.3')}`);
    await page.waitForSelector('[data-testid="login-form"]');
    await submitSignIn(page, TEST_ADMIN.username, TEST_ADMIN.password);
    await page.waitForURL((url) => url.pathname === '/viewer');
    expect(new URL(page.url()).searchParams.get('StudyInstanceUIDs')).toBe('1.2.3');
    await context.close();
  });

  it('makes an account with a one-time password choose its own before the worklist', async () => {
    await createAccount(archive, {
      username: 'hung',
      password: 'one-time-pass-123',
      role: 'clinician',
      displayName: 'Trần Hùng',
      mustChangePassword: true,
    });
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${archive.url}/`);
    await page.waitForSelector('[data-testid="login-form"]');
    await submitSignIn(page, 'hung', 'one-time-pass-123');
    await page.waitForSelector('[data-testid="password-form"]');
    expect(new URL(page.url()).pathname).toBe('/login');
    // Until the password is changed the archive refuses everything else.
    expect(await page.evaluate(async () => (await fetch('/dicom-web/studies')).status)).toBe(403);

    // Checked in the page first: too short, then not repeated the same.
    await page.fill('[data-testid="password-current"]', 'one-time-pass-123');
    await page.fill('[data-testid="password-new"]', 'short');
    await page.fill('[data-testid="password-repeat"]', 'short');
    await page.click('[data-testid="password-submit"]');
    expect(await page.textContent('[data-testid="password-error"]')).toBe('The new password must have at least 10 characters.');
    await page.fill('[data-testid="password-new"]', 'my-own-password-1');
    await page.fill('[data-testid="password-repeat"]', 'my-own-password-2');
    await page.click('[data-testid="password-submit"]');
    expect(await page.textContent('[data-testid="password-error"]')).toBe('The two new passwords are not the same.');
    // A wrong current password: the archive's message.
    await page.fill('[data-testid="password-current"]', 'not-the-one-time');
    await page.fill('[data-testid="password-repeat"]', 'my-own-password-1');
    await page.click('[data-testid="password-submit"]');
    await page.waitForSelector('[data-testid="password-error"]:has-text("The current password is wrong.")');

    await page.fill('[data-testid="password-current"]', 'one-time-pass-123');
    await page.click('[data-testid="password-submit"]');
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('[data-testid="header-user"]')).toBe('Trần Hùng');
    const session = await page.evaluate(async () => (await fetch('/api/session')).json());
    expect(session).toMatchObject({ kind: 'user', user: { username: 'hung', mustChangePassword: false } });

    // The old password no longer signs in; the new one does.
    const check = async (password: string) =>
      (
        await fetch(`${archive.url}/api/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: 'hung', password }),
        })
      ).status;
    expect(await check('one-time-pass-123')).toBe(401);
    expect(await check('my-own-password-1')).toBe(200);
    await page.close();
  });

  it('shows a share link guest as such, with no worklist, upload or admin, and keeps it in the viewer of its study', async () => {
    const study = syntheticSeries(1, { PatientName: pn('Võ^Thị Sáu'), PatientID: 'GUEST-1' });
    await expectStored(archive, study.files);
    const created = await archive.fetch('/api/shares', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ studyInstanceUID: study.studyUid, permissions: ['read'] }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    expect((await page.request.post(`${archive.url}/api/shares/open`, { data: { token } })).status()).toBe(200);

    for (const path of ['/', '/upload', '/admin']) {
      await page.goto(`${archive.url}${path}`);
      await page.waitForURL((url) => url.pathname === '/viewer');
      expect(new URL(page.url()).searchParams.get('StudyInstanceUIDs'), path).toBe(study.studyUid);
    }
    await page.waitForSelector('[data-testid="header-guest"]');
    expect(await page.textContent('[data-testid="header-guest"]')).toBe('Guest · shared study');
    for (const testid of ['nav-worklist', 'nav-upload', 'nav-admin', 'sign-out', 'header-user'])
      expect(await page.locator(`[data-testid="${testid}"]`).count(), testid).toBe(0);
    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"]');
    expect(await page.textContent('[data-testid="header-guest"]')).toBe('Khách · ca chụp được chia sẻ');
    await context.close();
  });

  it('lists, makes (shown once) and revokes the API tokens of the signed-in account on /account', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${archive.url}/login`);
    await page.waitForSelector('[data-testid="login-form"]');
    await submitSignIn(page, 'mai', 'mai-password-2024');
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    await page.click('[data-testid="header-user"]');
    await page.waitForSelector('[data-testid="account"][data-loads="1"]');
    expect(await page.isVisible('[data-testid="tokens-empty"]')).toBe(true);

    await page.fill('[data-testid="token-name"]', 'PACS gateway');
    await page.fill('[data-testid="token-days"]', '7');
    await page.click('[data-testid="token-create"]');
    await page.waitForSelector('[data-testid="account"][data-loads="2"]');
    const secret = (await page.textContent('[data-testid="token-secret"]')) ?? '';
    expect(secret).toMatch(/^pat_/);
    const rows = page.locator('[data-testid="token-row"]');
    expect(await rows.count()).toBe(1);
    expect(await rows.locator('td').first().textContent()).toBe('PACS gateway');
    const studies = () => fetch(`${archive.dicomWeb}/studies`, { headers: { Authorization: `Bearer ${secret}` } });
    expect((await studies()).status).toBe(200);

    await page.click('[data-testid="token-revoke"]');
    await page.waitForSelector('[data-testid="account"][data-loads="3"]');
    expect(await rows.locator('td').nth(4).textContent()).toBe('revoked');
    expect(await page.locator('[data-testid="token-revoke"]').count()).toBe(0);
    expect((await studies()).status).toBe(401);
    await context.close();
  });
});
