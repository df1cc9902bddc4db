import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import type { StudyReport } from '../../shared/api/reports';
import { getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { signIn } from '../helpers/browser';
import { requireTool } from '../helpers/debian-tools';
import { type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';
import { saveScreenshot, saveScreenshotFile } from '../helpers/screenshots';
import { createAccount } from '../helpers/accounts';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';

/**
 * Issue 12 item 5 in Chromium: a radiologist writes a report from the CT template in Vietnamese
 * and signs it; QIDO finds the SR in the study; the film sheet shows it; the PDF printed from the
 * sheet holds a QR code (rendered by pdftoppm, decoded by jsQR) whose share link opens the study
 * on a phone after its PIN. In English: the report is amended (the first version superseded),
 * and the report page's QR code opens the study on a phone without a PIN.
 */
const RADIOLOGIST = { username: 'bs.lan', password: 'radiologist-password', displayName: 'BS. Nguyễn Thị Lan' };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const FINDINGS = 'Gan: kích thước bình thường, nhu mô đều.\nThận: không thấy sỏi.';
const IMPRESSION = 'Không thấy bất thường trên CT ngực bụng.';
const AMENDED = 'Nốt nhỏ 3 mm thùy dưới phổi phải, theo dõi sau 12 tháng.';

describe('a report written in the viewer, signed, printed with a QR code that opens on a phone', () => {
  let archive: TestArchive;
  let browser: Browser;
  let dir: string;
  const ct = generateCtSeries({ slices: 6, rows: 64, columns: 64, seed: 'report-e2e', patientName: 'Lê^Văn Hùng', patientId: 'VN-REP-01' });

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(ct.instances.map((i) => i.bytes)));
    dir = await makeTempDir('report-e2e');
    await createAccount(archive, { ...RADIOLOGIST, role: 'radiologist' });
  });
  afterAll(async () => {
    await stopBrowserArchive({ archive, browser });
    if (dir) await removeTempDir(dir);
  });

  const reportOf = async () => (await (await archive.fetch(`/api/studies/${ct.studyUid}/report`)).json()) as StudyReport;

  async function openViewer(page: Page): Promise<void> {
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${ct.studyUid}`);
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]', { timeout: 20_000 });
  }

  /** The QR code of a printed PDF: its first page rendered at 150 dpi by pdftoppm, decoded by jsQR. */
  async function qrOfPdf(pdf: Buffer, name: string): Promise<string> {
    requireTool('pdftoppm');
    const file = path.join(dir, `${name}.pdf`);
    await fs.writeFile(file, pdf);
    const rendered = spawnSync('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', '-png', '-singlefile', file, path.join(dir, name)]);
    expect(rendered.status, rendered.stderr?.toString()).toBe(0);
    const { data, info } = await sharp(path.join(dir, `${name}.png`))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const code = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
    expect(code, 'a QR code on the first page').not.toBeNull();
    return code!.data;
  }

  /** A phone opens the link: the PIN when asked, then the viewer shows the study's image. */
  async function openOnPhone(url: string, pin: string | undefined, locale: string): Promise<void> {
    const context = await browser.newContext({ ...PHONE, locale });
    const phone = await context.newPage();
    const errors: string[] = [];
    phone.on('pageerror', (error) => errors.push(error.message));
    await phone.goto(url);
    if (pin) {
      await phone.locator('[data-testid="share-pin-value"]').fill(pin);
      await phone.locator('[data-testid="share-pin-submit"]').click();
    }
    await phone.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]', { timeout: 30_000 });
    expect(new URL(phone.url()).searchParams.get('StudyInstanceUIDs')).toBe(ct.studyUid);
    expect(errors).toEqual([]);
    await context.close();
  }

  /** A radiologist's desktop browser in `locale`, with the study open in the viewer and its report drawer opened. */
  async function openReportDrawer(locale: string) {
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, archive, RADIOLOGIST);
    await openViewer(page);
    await page.click('[data-testid="report-button"]');
    return { context, page, errors, panel: page.locator('[data-testid="report-panel"]') };
  }

  it('in Vietnamese: template, draft, signature, QIDO, film sheet, and a QR with a PIN that opens on a phone', async () => {
    const { context, page, errors, panel } = await openReportDrawer('vi-VN');
    await panel.locator('[data-testid="report-editor"]').waitFor();
    expect(await panel.locator('[data-testid="report-none"]').textContent()).toBe('Ca chụp này chưa có kết quả đã ký.');
    // The study is a CT: the CT template, in Vietnamese.
    expect(await panel.locator('[data-testid="report-template"]').inputValue()).toBe('CT');
    expect(await panel.locator('[data-testid="report-section-technique"]').inputValue()).toContain('Chụp cắt lớp vi tính');
    expect(await panel.locator('[data-testid="report-organization"]').inputValue()).toBe('Bệnh viện Đa khoa Tỉnh');

    await panel.locator('[data-testid="report-section-findings"]').fill(FINDINGS);
    await panel.locator('[data-testid="report-section-impression"]').fill(IMPRESSION);
    await saveScreenshot(page, 'report-editor.png');
    await panel.locator('[data-testid="report-save"]').click();
    await expect.poll(async () => (await panel.locator('[data-testid="report-saved"]').textContent()) ?? '').toContain('Đã lưu nháp');
    const draft = await reportOf();
    expect(draft.versions.map((v) => [v.status, v.language, v.sections.impression])).toEqual([['draft', 'vi', IMPRESSION]]);

    const shown = await page.getAttribute('[data-testid="viewport"][data-active="true"]', 'data-rendered-image-id');
    await panel.locator('[data-testid="report-sign"]').click();
    expect(await page.textContent('[data-testid="confirm-question"]')).toContain('BS. Nguyễn Thị Lan');
    await page.click('[data-testid="confirm-ok"]');
    await panel.locator('[data-testid="report-final"]').waitFor({ timeout: 20_000 });
    // The report's SR series is in the series browser without a reload; the image pane is as it was.
    const reportItem = page.locator('[data-testid="series-item"][data-series-number="9903"]');
    await reportItem.waitFor({ timeout: 10_000 });
    expect(await reportItem.textContent()).toContain('Kết quả chẩn đoán');
    expect(await page.getAttribute('[data-testid="viewport"][data-active="true"]', 'data-rendered-image-id')).toBe(shown);
    expect(await panel.locator('[data-testid="report-text-impression"]').textContent()).toBe(`Kết luận${IMPRESSION}`);
    expect(await panel.locator('[data-testid="report-signed-by"]').textContent()).toContain(
      'Ký bởi BS. Nguyễn Thị Lan, Bệnh viện Đa khoa Tỉnh',
    );

    await saveScreenshot(page, 'report-signed.png');
    // A key image, so the film sheet carries an image after the report's page.
    await page.evaluate(() =>
      (globalThis as unknown as { document: { activeElement: { blur(): void } | null } }).document.activeElement?.blur(),
    );
    await page.keyboard.press('k');
    await page.waitForSelector('[data-testid="key-image-count"][data-count="1"]');

    // QIDO finds the report as an SR series of the study.
    const qido = await archive.fetch(`/dicom-web/studies/${ct.studyUid}/series?Modality=SR`, {
      headers: { accept: 'application/dicom+json' },
    });
    const [series] = (await qido.json()) as DicomJson[];
    expect(getString(series, Tag.SeriesDescription)).toBe('Diagnostic report');
    const final = (await reportOf()).versions[0]!;
    expect(final).toMatchObject({
      status: 'final',
      signedBy: 'BS. Nguyễn Thị Lan',
      seriesInstanceUID: getString(series, Tag.SeriesInstanceUID),
    });

    // The film sheet shows the report; a QR code valid for 2 days with a PIN is added to it.
    await page.goto(`${archive.url}/print?StudyInstanceUIDs=${ct.studyUid}`);
    const sheetReport = page.locator('[data-testid="print-report"][data-state="done"]');
    await sheetReport.waitFor({ timeout: 20_000 });
    expect(await sheetReport.locator('[data-testid="report-text-impression"]').textContent()).toBe(`Kết luận${IMPRESSION}`);
    expect(await sheetReport.locator('[data-testid="report-text-findings"]').textContent()).toContain('Thận: không thấy sỏi.');
    expect(await sheetReport.locator('[data-testid="report-print-patientName"]').textContent()).toContain('Lê Văn Hùng');
    await page.fill('[data-testid="share-qr-days"]', '2');
    await page.fill('[data-testid="share-qr-pin"]', '2468');
    await page.click('[data-testid="share-qr-create"]');
    await page.waitForSelector('[data-testid="share-qr"] svg');
    expect(await page.textContent('[data-testid="share-qr"]')).toContain('Cần mã PIN để mở.');

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await saveScreenshot(page, 'print-sheet-report-qr.png', { fullPage: true });
    await saveScreenshotFile('print-sheet-report-qr.pdf', pdf);
    const link = await qrOfPdf(pdf, 'sheet');
    expect(link).toMatch(new RegExp(`^${archive.url}/share#psh_`));
    // The link is an ordinary share, audited as one: this study only, 2 days, a PIN.
    const shares = (await (await archive.fetch('/api/shares?all=true')).json()) as {
      studyInstanceUID: string;
      pinRequired: boolean;
      expiresAt: string;
    }[];
    expect(shares).toHaveLength(1);
    expect(shares[0]).toMatchObject({ studyInstanceUID: ct.studyUid, pinRequired: true });
    expect(Date.parse(shares[0]!.expiresAt) - Date.now()).toBeGreaterThan(47 * 3600_000);
    expect(Date.parse(shares[0]!.expiresAt) - Date.now()).toBeLessThan(49 * 3600_000);
    const audit = (await (await archive.fetch(`/api/audit?action=share-create&study=${ct.studyUid}`)).json()) as {
      records: { principalId: string }[];
    };
    expect(audit.records.map((r) => r.principalId)).toEqual([RADIOLOGIST.username]);

    await openOnPhone(link, '2468', 'vi-VN');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('in English: amends the report (version 1 superseded) and prints the report page with a QR code that opens without a PIN', async () => {
    const { context, page, errors, panel } = await openReportDrawer('en-US');
    await panel.locator('[data-testid="report-final"][data-version="1"]').waitFor();
    await panel.locator('[data-testid="report-amend"]').click();
    expect(await panel.locator('[data-testid="report-status"]').textContent()).toBe('Amendment draft (version 2)');
    expect(await panel.locator('[data-testid="report-section-impression"]').inputValue()).toBe(IMPRESSION);
    await panel.locator('[data-testid="report-section-impression"]').fill(AMENDED);
    await panel.locator('[data-testid="report-sign"]').click();
    await page.click('[data-testid="confirm-ok"]');
    await panel.locator('[data-testid="report-final"][data-version="2"]').waitFor({ timeout: 20_000 });
    // The series browser counts the amendment at once.
    await page.waitForSelector('[data-testid="series-item"][data-series-number="9903"] [data-testid="series-count"][data-count="2"]');
    expect(await panel.locator('[data-testid="report-text-impression"]').textContent()).toBe(`Impression${AMENDED}`);
    expect(await panel.locator('[data-testid="report-version"]').getAttribute('data-status')).toBe('superseded');

    const versions = (await reportOf()).versions;
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'final'],
      [1, 'superseded'],
    ]);
    expect(versions[0]!.predecessorSopInstanceUID).toBe(versions[1]!.sopInstanceUID);

    await panel.locator('[data-testid="report-print-link"]').click();
    await page.waitForSelector('[data-testid="report-print-view"][data-state="done"]');
    expect(await page.textContent('[data-testid="report-sheet"] [data-testid="report-text-impression"]')).toBe(`Impression${AMENDED}`);
    expect(await page.textContent('[data-testid="report-print-patientName"]')).toContain('Lê Văn Hùng');
    expect(await page.textContent('[data-testid="report-print-signature"]')).toContain('Version 2');
    await page.click('[data-testid="share-qr-create"]');
    await page.waitForSelector('[data-testid="share-qr"] svg');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await saveScreenshot(page, 'report-print.png', { fullPage: true });
    const link = await qrOfPdf(pdf, 'report');
    expect(link).toMatch(new RegExp(`^${archive.url}/share#psh_`));
    await openOnPhone(link, undefined, 'en-US');

    // Any viewer's SR view: the amendment first, the version it replaced marked superseded.
    await openViewer(page);
    await page.locator('[data-testid="series-item"][data-series-number="9903"]').click();
    await page.waitForSelector('[data-testid="sr-view"][data-state="ready"]');
    const reports = page.locator('[data-testid="sr-report"]');
    expect(await reports.count()).toBe(2);
    expect(await reports.nth(0).getAttribute('data-superseded')).toBe('false');
    expect(await reports.nth(0).textContent()).toContain(AMENDED);
    expect(await reports.nth(1).getAttribute('data-superseded')).toBe('true');
    expect(await reports.nth(1).locator('[data-testid="sr-title"]').textContent()).toBe(
      'Diagnostic Imaging Report (superseded by an amendment)',
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});
