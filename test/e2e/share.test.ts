import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import { signIn, type BrowserGlobals } from '../helpers/browser';
import { expectStored } from '../helpers/dicomweb-http';
import { type TestArchive } from '../helpers/start-app';
import { pn, syntheticSeries } from '../helpers/synthetic-series';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';
import { createAccount } from '../helpers/accounts';

const RADIOLOGIST = { username: 'dr-hoa', password: 'radiologist-password-1' };
const CLINICIAN = { username: 'dr-minh', password: 'clinician-password-1' };
const PATIENT = { name: 'Phạm^Thị Hoa', id: 'SHARE-0001' };
const OTHER_PATIENT = { name: 'Võ^Văn Khác', id: 'OTHER-0002' };
const VIEWPORT = { width: 1280, height: 860 };

interface ShareOptions {
  pin?: string;
  anonymize?: boolean;
  /** Series descriptions to share instead of the whole study. */
  series?: string[];
  note?: string;
}

describe('share links in Chromium: the radiologist makes and revokes them, a guest opens them', () => {
  let archive: TestArchive;
  let browser: Browser;
  let radiologist: BrowserContext;
  let host: Page;
  const study = generateCtSeries({ slices: 4, rows: 64, columns: 64, seed: 'share-e2e', patientName: PATIENT.name, patientId: PATIENT.id });
  const coronal = syntheticSeries(3, {
    StudyInstanceUID: study.studyUid,
    SeriesNumber: 7,
    SeriesDescription: 'Coronal share',
    PatientName: pn(PATIENT.name),
    PatientID: PATIENT.id,
  });
  const other = generateCtSeries({
    slices: 2,
    rows: 16,
    columns: 16,
    seed: 'share-other',
    patientName: OTHER_PATIENT.name,
    patientId: OTHER_PATIENT.id,
  });

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(study.instances.map((i) => i.bytes)));
    await expectStored(archive, coronal.files);
    await expectStored(
      archive,
      other.instances.map((i) => i.bytes),
    );
    for (const [account, role] of [
      [RADIOLOGIST, 'radiologist'],
      [CLINICIAN, 'clinician'],
    ] as const) {
      await createAccount(archive, { ...account, role, displayName: account.username });
    }
    radiologist = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT });
    host = await radiologist.newPage();
    await signIn(host, archive, RADIOLOGIST);
    await host.goto(`${archive.url}/viewer?StudyInstanceUIDs=${study.studyUid}`);
    await waitForImage(host);
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  const waitForImage = (page: Page) =>
    page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]', { timeout: 20_000 });

  /** Opens the Share dialog of the host's viewer, fills it in and creates the link: its URL and id. */
  const createLink = async (options: ShareOptions = {}): Promise<{ url: string; id: string; token: string }> => {
    await host.click('[data-testid="share-button"]');
    const dialog = host.locator('[data-testid="share-dialog"]');
    await dialog.waitFor({ state: 'visible' });
    if (options.pin) await dialog.locator('[data-testid="share-pin-input"]').fill(options.pin);
    if (options.note) await dialog.locator('[data-testid="share-note"]').fill(options.note);
    if (options.anonymize) await dialog.locator('[data-testid="share-anonymize"]').check();
    if (options.series) {
      await dialog.locator('[data-testid="share-some-series"]').check();
      for (const description of options.series) {
        await dialog.locator('label.share-check', { hasText: description }).locator('[data-testid="share-series-option"]').check();
      }
    }
    await dialog.locator('[data-testid="share-create"]').click();
    const url = await dialog.locator('[data-testid="share-url"]').inputValue();
    const id = (await dialog.locator('[data-testid="share-created"]').getAttribute('data-share-id'))!;
    await dialog.locator(`[data-testid="share-row"][data-share-id="${id}"]`).waitFor();
    return { url, id, token: url.slice(url.indexOf('#') + 1) };
  };
  const closeDialog = () => host.click('[data-testid="share-dialog"] [data-testid="share-close"]');

  /** A fresh browser context that never signed in: the guest of a link. */
  const guestPage = async (): Promise<{ page: Page; seen: string[] }> => {
    const context = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT });
    const page = await context.newPage();
    // Every text the archive sends the guest (DICOM JSON included), to prove what never arrives.
    const seen: string[] = [];
    page.on('response', (res) => {
      if (/json/.test(res.headers()['content-type'] ?? ''))
        void res.text().then(
          (text) => seen.push(text),
          () => undefined,
        );
    });
    return { page, seen };
  };
  const tagValue = (page: Page, tag: string) =>
    page.locator(`[data-testid="tag-row"][data-depth="0"][data-tag="${tag}"] [data-testid="tag-value"]`).textContent();

  it('makes a 7-day link in the dialog that a guest opens in the viewer of that study only, with the guest banner and no worklist', async () => {
    await host.click('[data-testid="share-button"]');
    const dialog = host.locator('[data-testid="share-dialog"]');
    expect(await dialog.locator('[data-testid="share-expiry-value"]').inputValue()).toBe('7');
    expect(await dialog.locator('[data-testid="share-expiry-unit"]').inputValue()).toBe('days');
    expect(await dialog.locator('[data-testid="share-download"]').isChecked()).toBe(false);
    expect(await dialog.locator('[data-testid="share-anonymize-warning"]').textContent()).toContain('burned into the pixels of the images');
    expect(await dialog.locator('[data-testid="share-series-option"]').count()).toBe(2);
    await closeDialog();

    const before = Date.now();
    const link = await createLink({ note: 'for Dr Minh' });
    const created = host.locator('[data-testid="share-created"]');
    expect(link.url).toMatch(new RegExp(`^${archive.url}/share#\\S{20,}$`));
    expect(await created.textContent()).toContain('it will not be shown again');
    // The expiry the archive recorded is 7 days from now.
    const shares = (await (await archive.fetch('/api/shares?all=true')).json()) as {
      id: string;
      expiresAt: string;
      note: string;
      permissions: string[];
      anonymize: boolean;
      seriesInstanceUIDs?: string[];
    }[];
    const share = shares.find((s) => s.id === link.id)!;
    expect(Date.parse(share.expiresAt) - before).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(Date.parse(share.expiresAt) - before).toBeLessThan(7 * 86_400_000 + 60_000);
    expect(share).toMatchObject({ note: 'for Dr Minh', permissions: ['read'], anonymize: false });
    expect(share.seriesInstanceUIDs).toBeUndefined();
    const row = host.locator(`[data-testid="share-row"][data-share-id="${link.id}"]`);
    expect(await row.getAttribute('data-status')).toBe('active');
    expect(await row.locator('[data-testid="share-use-count"]').textContent()).toBe('0');
    await closeDialog();
    // Closing forgets the link: reopened, the dialog no longer shows it.
    await host.click('[data-testid="share-button"]');
    expect(await host.locator('[data-testid="share-url"]').count()).toBe(0);
    await closeDialog();

    const { page, seen } = await guestPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(link.url);
    await page.waitForURL(`${archive.url}/viewer?StudyInstanceUIDs=${study.studyUid}`);
    await waitForImage(page);
    // The token left the address bar (and the history entry) once read.
    expect(page.url()).not.toContain(link.token);
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).location.hash)).toBe('');

    expect(await page.locator('[data-testid="guest-banner"]').textContent()).toMatch(/^Shared study — guest access until .*\d/);
    expect(await page.locator('[data-testid="guest-deidentified"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="header-guest"]')).toBe('Guest · shared study');
    expect(await page.locator('[data-testid="nav-worklist"]').count()).toBe(0);
    expect(await page.locator('a[href="/"]').count()).toBe(0);
    expect(await page.locator('[data-testid="share-button"]').count()).toBe(0);
    // What a guest uses works through its session: both series with real thumbnails, frames, tags.
    const items = page.locator('[data-testid="series-item"]');
    expect(await items.count()).toBe(2);
    for (const n of [0, 1]) {
      const width = await items
        .nth(n)
        .locator('img')
        .evaluate((img) => {
          const image = img as unknown as { decode(): Promise<void>; naturalWidth: number };
          return image.decode().then(() => image.naturalWidth);
        });
      expect(width).toBeGreaterThan(0);
    }
    expect(await page.textContent('[data-testid="overlay-top-left"]')).toContain('Phạm Thị Hoa');
    await page.keyboard.press('t');
    await page.waitForSelector('[data-testid="tag-panel"][data-state="ready"]');
    expect(await tagValue(page, '00100010')).toBe(PATIENT.name);

    // The worklist is not the guest's: `/` goes back to the shared study, and no other study ever arrives.
    await page.goto(`${archive.url}/`);
    await page.waitForURL(`${archive.url}/viewer?StudyInstanceUIDs=${study.studyUid}`);
    await waitForImage(page);
    expect(await page.locator('[data-testid="worklist-page"], .worklist').count()).toBe(0);
    const studies = (await (await page.request.get(`${archive.url}/dicom-web/studies`)).json()) as unknown[];
    expect(studies).toHaveLength(1);
    expect(await page.textContent('body')).not.toContain('Võ');
    expect(seen.join('\n')).not.toContain('Võ^Văn Khác');
    expect(seen.join('\n')).not.toContain(OTHER_PATIENT.id);
    expect(seen.join('\n')).toContain(PATIENT.id);
    expect(errors).toEqual([]);

    // The host sees the link used.
    await host.click('[data-testid="share-button"]');
    await host.waitForSelector('[data-testid="share-list"][data-state="ready"]');
    expect(await row.locator('[data-testid="share-use-count"]').textContent()).toBe('1');
    expect(await row.locator('td').nth(2).textContent()).not.toBe('never');
    await closeDialog();
    await page.context().close();
  });

  it('shows no Share button to a clinician, who may not share', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT });
    const page = await context.newPage();
    await signIn(page, archive, CLINICIAN);
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${study.studyUid}`);
    await waitForImage(page);
    expect(await page.locator('[data-testid="print"]').count()).toBe(1);
    expect(await page.locator('[data-testid="share-button"]').count()).toBe(0);
    expect(await host.locator('[data-testid="share-button"]').count()).toBe(1);
    await context.close();
  });

  it('asks for the PIN of a PIN link, refuses a wrong one and opens the shared series with the right one', async () => {
    const link = await createLink({ pin: '4821ab', series: ['Coronal share'] });
    expect(await host.textContent('[data-testid="share-created"]')).toContain('The PIN is not part of the link');
    // The next link starts from the defaults, not with this one's PIN and series.
    expect(await host.inputValue('[data-testid="share-pin-input"]')).toBe('');
    expect(await host.isChecked('[data-testid="share-whole-study"]')).toBe(true);
    expect(await host.locator('[data-testid="share-series-option"]:checked').count()).toBe(0);
    await closeDialog();

    const { page } = await guestPage();
    let openings = 0;
    page.on('request', (req) => {
      if (req.url().endsWith('/api/shares/open')) openings++;
    });
    await page.goto(link.url);
    const form = page.locator('[data-testid="share-pin"]');
    await form.waitFor();
    expect(page.url()).toBe(`${archive.url}/share`);
    await form.locator('[data-testid="share-pin-value"]').fill('0000');
    await form.locator('[data-testid="share-pin-submit"]').click();
    await page.locator('[data-testid="share-pin-error"]:visible').waitFor();
    expect(await page.textContent('[data-testid="share-pin-error"]')).toBe('The PIN is wrong.');
    expect(await page.locator('[data-testid="viewer-page"]').count()).toBe(0);
    expect(openings).toBe(2);

    // A language switch draws the PIN form again in Vietnamese without another attempt (a PIN-less one counts as a failure).
    await page.click('[data-testid="language-vi"]');
    await page.locator('[data-testid="share-pin"] h1', { hasText: 'Ca chụp được chia sẻ này được bảo vệ bằng mã PIN' }).waitFor();
    expect(openings).toBe(2);
    await page.click('[data-testid="language-en"]');
    await page.locator('[data-testid="share-pin"] h1', { hasText: 'This shared study is protected by a PIN' }).waitFor();

    await page.fill('[data-testid="share-pin-value"]', '4821ab');
    await page.click('[data-testid="share-pin-submit"]');
    await page.waitForURL(`${archive.url}/viewer?StudyInstanceUIDs=${study.studyUid}`);
    await waitForImage(page);
    // Only the shared series reaches the guest.
    const items = page.locator('[data-testid="series-item"]');
    expect(await items.count()).toBe(1);
    expect(await items.first().textContent()).toContain('Coronal share');
    expect(await page.locator('[data-testid="guest-banner"]').isVisible()).toBe(true);
    await page.context().close();
  });

  it('revokes a link in the dialog: the guest is out at its next reload and the token no longer opens /dicom-web', async () => {
    const link = await createLink();
    await closeDialog();
    const bearer = { Authorization: `Bearer ${link.token}` };
    expect((await fetch(`${archive.dicomWeb}/studies`, { headers: bearer })).status).toBe(200);

    const { page } = await guestPage();
    await page.goto(link.url);
    await waitForImage(page);

    await host.click('[data-testid="share-button"]');
    const row = host.locator(`[data-testid="share-row"][data-share-id="${link.id}"]`);
    await row.locator('[data-testid="share-revoke"]').click();
    // Asked first: Cancel keeps the link active.
    await host.click('[data-testid="confirm-cancel"]');
    await host.locator('[data-testid="confirm-dialog"]').waitFor({ state: 'detached' });
    expect(await row.getAttribute('data-status')).toBe('active');
    await row.locator('[data-testid="share-revoke"]').click();
    expect(await host.textContent('[data-testid="confirm-question"]')).toBe(
      'Revoke this link? Whoever has it can no longer open the study. This cannot be undone.',
    );
    await host.click('[data-testid="confirm-ok"]');
    await host.locator(`[data-testid="share-row"][data-share-id="${link.id}"][data-status="revoked"]`).waitFor();
    expect(await row.locator('[data-testid="share-status"]').textContent()).toBe('revoked');
    expect(await row.locator('[data-testid="share-revoke"]').count()).toBe(0);
    await closeDialog();

    // The guest who reloads is told the link no longer works, in their language, not shown the staff sign-in page.
    await page.reload();
    await page.waitForURL((url) => url.pathname === '/share');
    await page.locator('#app-root[data-ready="true"]').waitFor();
    expect(await page.textContent('[data-testid="share-open-error"] h1')).toBe('This link is no longer valid.');
    expect(await page.locator('[data-testid="login-form"]').count()).toBe(0);
    await page.evaluate(() =>
      (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('pacs.language', 'vi'),
    );
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${encodeURIComponent(study.studyUid)}`);
    await page.waitForURL((url) => url.pathname === '/share');
    await page.locator('html[lang="vi"] #app-root[data-ready="true"]').waitFor();
    expect(await page.textContent('[data-testid="share-open-error"] h1')).toBe('Liên kết này không còn hiệu lực.');
    await page.evaluate(() =>
      (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('pacs.language', 'en'),
    );
    expect(await page.locator('[data-testid="viewport"]').count()).toBe(0);
    expect(await page.locator('[data-testid="guest-banner"]').count()).toBe(0);
    expect((await page.request.get(`${archive.url}/api/session`)).status()).toBe(401);
    const refused = await fetch(`${archive.dicomWeb}/studies`, { headers: bearer });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('UNAUTHORIZED');

    // Opening the revoked link again says so plainly.
    await page.goto(link.url);
    await page.locator('[data-testid="share-open-error"]').waitFor();
    expect(await page.textContent('[data-testid="share-open-error"]')).toContain('This share link is unknown, has expired or was revoked.');
    await page.context().close();
  });

  it('opens an anonymized link with ANONYMOUS in the overlay and the tag browser, never the patient, and the de-identification notice', async () => {
    const link = await createLink({ anonymize: true });
    await closeDialog();

    const { page, seen } = await guestPage();
    await page.goto(link.url);
    await page.waitForURL(/\/viewer\?StudyInstanceUIDs=2\.25\./);
    expect(page.url()).not.toContain(study.studyUid);
    await waitForImage(page);

    const notice = page.locator('[data-testid="guest-deidentified"]');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toBe(
      'De-identified: names, IDs and dates are removed from the data; text burned into the images is not.',
    );
    const overlay = (await page.textContent('[data-testid="overlay-top-left"]')) ?? '';
    expect(overlay).toContain('ANONYMOUS');
    await page.keyboard.press('t');
    await page.waitForSelector('[data-testid="tag-panel"][data-state="ready"]');
    expect(await tagValue(page, '00100010')).toMatch(/^ANONYMOUS\^/);
    expect(await tagValue(page, '00100020')).toMatch(/^ANON-/);
    const text = (await page.textContent('body')) ?? '';
    for (const identifying of ['Phạm', 'Hoa', PATIENT.id, study.studyUid]) expect(text).not.toContain(identifying);
    expect(seen.join('\n')).not.toContain(PATIENT.id);
    expect(seen.join('\n')).not.toContain('Phạm');

    // In Vietnamese too.
    await page.click('[data-testid="language-vi"]');
    await page.locator('[data-testid="guest-deidentified"]', { hasText: 'Đã khử định danh' }).waitFor();
    expect(await page.textContent('[data-testid="guest-deidentified"]')).toBe(
      'Đã khử định danh: tên, mã số và ngày tháng được xoá khỏi dữ liệu; chữ in sẵn trong hình ảnh thì không.',
    );
    await page.context().close();
  });
});
