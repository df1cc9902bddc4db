import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realCtSeries } from '../../fixtures/real-ct-series';
import { signIn } from '../helpers/browser';
import { CORPUS_DIR, corpusEntry, corpusFile } from '../helpers/corpus';
import { runDcmtk } from '../helpers/dcmtk';
import { requireTool } from '../helpers/debian-tools';
import { expectStored } from '../helpers/dicomweb-http';
import { TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { addPeer, requestTransfer, waitForEnd } from '../helpers/transfer-jobs';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';
import { createAccount } from '../helpers/accounts';
import { withEachToolbarMenuOpen } from '../helpers/toolbar-menus';

/**
 * The walker (issue 12 item 7): with the UI switched to Vietnamese it visits every page and
 * dialog (worklist, viewer with a CT, its measurements, help and tag browser, the report drawer,
 * upload, print with a report and QR code, the report page, share and consultation dialogs, admin users, audit, peers, routing rules and DICOM devices,
 * transfers, the worklist's remote tab and Send to…, account, sign-in, the share-open page,
 * a guest's viewer and error pages) and fails on any English word the user can see: text,
 * title/placeholder/aria-label attributes, the tab title, and text drawn on the image canvas
 * (recorded by wrapping CanvasRenderingContext2D.fillText before the page runs).
 *
 * "English word" = a token that Debian's hunspell en_US dictionary accepts and its vi_VN
 * dictionary does not (so "in", "to", "do", "Nam", "Tin" — also Vietnamese — pass), minus
 * ALLOWED and the words of the study's own DICOM data and of the accounts the test made.
 */
const SLICES = ['1-036.dcm', '1-037.dcm', '1-038.dcm'].map((name) => `series/ct-abdomen-philips-tcia/${name}`);
/** A prior of the same patient (same CT, new UIDs, another date). */
const prior = realCtSeries({ slices: 2, patientId: 'Pancreas-CT-CB_001', attributes: { StudyDate: '20100102' } });
const VIEWPORT = { width: 1440, height: 900 };
const RADIOLOGIST = { username: 'bs.lan', password: 'radiologist-password-1' };
const RADIOLOGIST_NAME = 'BS. Lan';
const SPECIALIST = 'GS. Trần Văn Minh';

/** Untranslated on purpose, as Vietnamese clinical and IT writing keeps them. Keep it short. */
const ALLOWED = new Set([
  ...['mm', 'cm', 'MB', 'HU'], // units (also mm², cm²)
  ...['CT', 'MR', 'CR', 'DX', 'MG', 'RF', 'NM', 'PT', 'OT', 'SR', 'KO', 'US', 'XA'], // modality codes (DICOM defined terms)
  ...['DICOM', 'DICOMweb', 'PACS', 'ZIP', 'CSV', 'PDF', 'PIN', 'ID', 'UID', 'API', 'CD', 'HTTP', 'JPEG', 'LS', 'HTJ2K', 'USB', 'QR'], // names and abbreviations used as is (mã QR, JPEG-LS)
  ...['AE', 'IP'], // as Vietnamese network settings write them (tên AE, địa chỉ IP)
  ...['STORE', 'FIND', 'MOVE', 'GET'], // DICOM service names as a modality's settings show them (C-STORE, C-FIND, C-MOVE, C-GET)
  ...['Authorization', 'Bearer'], // the HTTP header an API token goes in, quoted literally on the account page
  'Cobb', // an eponym: góc Cobb
  ...['Delete', 'Shift'], // the keys' own labels on the keyboard
]);

interface Seen {
  where: string;
  text: string;
}

/** In the page: what a user sees or hears (text of visible elements, their labels, the tab title, canvas text). */
function collectVisibleText(): string[] {
  interface El {
    tagName: string;
    textContent: string | null;
    parentElement: El | null;
    closest(selector: string): El | null;
    getAttribute(name: string): string | null;
    getClientRects(): { length: number };
    checkVisibility?(options: object): boolean;
  }
  interface Walker {
    nextNode(): { textContent: string | null; parentElement: El | null } | null;
  }
  const g = globalThis as unknown as {
    document: {
      title: string;
      body: El;
      createTreeWalker(root: El, what: number): Walker;
      querySelectorAll(selector: string): Iterable<El>;
    };
    __drawnText?: string[];
  };
  const visible = (el: El) => el.getClientRects().length > 0 && (el.checkVisibility?.({ visibilityProperty: true }) ?? true);
  // DICOM attribute names and keywords of the tag browser, and the DICOM values of its rows: the standard's and the study's words;
  // an audit record's detail: free text the archive wrote when it happened (request line, share id), kept as recorded.
  const exempt = '.tag-label, .tag-keyword, .tag-vr, .tag-value, td[data-column="detail"]';
  const out: string[] = [g.document.title];
  const walker = g.document.createTreeWalker(g.document.body, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !node.textContent?.trim()) continue;
    if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(parent.tagName) || parent.closest(exempt)) continue;
    if (parent.tagName === 'OPTION' ? visible(parent.closest('select')!) : visible(parent)) out.push(node.textContent);
  }
  for (const el of g.document.querySelectorAll('[title], [placeholder], [aria-label], [alt], input[type="button"], input[type="submit"]')) {
    if (!visible(el) || el.closest(exempt)) continue;
    for (const name of ['title', 'placeholder', 'aria-label', 'alt', 'value']) {
      const value = name === 'value' && el.tagName !== 'INPUT' ? null : el.getAttribute(name);
      if (value) out.push(value);
    }
  }
  out.push(...(g.__drawnText ?? []));
  g.__drawnText = [];
  return out;
}

/** Before any script of the page: remember every string drawn on a canvas (the on-image text). */
function recordCanvasText(): void {
  const g = globalThis as unknown as {
    __drawnText: string[];
    CanvasRenderingContext2D: { prototype: { fillText(text: string, ...rest: number[]): void } };
  };
  g.__drawnText = [];
  const proto = g.CanvasRenderingContext2D.prototype;
  const fillText = proto.fillText;
  proto.fillText = function (this: unknown, text: string, ...rest: number[]) {
    g.__drawnText.push(String(text));
    return fillText.call(this, text, ...rest);
  };
}

/**
 * The ASCII words of a text: runs of letters between separators. A Vietnamese word with a
 * diacritic is one whole token, never English; a run with digits (UIDs, UUIDs, share ids, 41ba) is an identifier.
 */
const words = (text: string) =>
  text
    .normalize('NFC')
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((w) => /^[A-Za-z]{2,}$/.test(w));

/** The tokens hunspell's `dictionary` accepts. */
function accepted(dictionary: 'en_US' | 'vi_VN', tokens: string[]): Set<string> {
  const result = spawnSync('hunspell', ['-d', dictionary, '-G'], { input: tokens.join('\n'), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`hunspell -d ${dictionary}: ${result.stderr}`);
  return new Set(result.stdout.split('\n').filter(Boolean));
}

describe('the Vietnamese UI shows no English', () => {
  let archive: TestArchive;
  let browser: Browser;
  const ct = corpusEntry(SLICES[0]!);
  const studyUid = String(ct.studyInstanceUID);
  const seen: Seen[] = [];
  const dataWords = new Set<string>();
  let patientId = '';

  beforeAll(async () => {
    requireTool('hunspell');
    ({ archive, browser } = await startBrowserArchive(SLICES.map((p) => corpusFile(p))));
    await expectStored(
      archive,
      prior.instances.map((i) => i.bytes),
    );
    await createAccount(archive, { ...RADIOLOGIST, role: 'radiologist', displayName: RADIOLOGIST_NAME });
    // The study's own words (patient, descriptions, institution…) are data, not UI.
    const metadata = await (await archive.fetch(`/dicom-web/studies/${studyUid}/metadata`)).text();
    for (const word of words(metadata)) dataWords.add(word);
    patientId = String(JSON.parse(metadata)[0]['00100020'].Value[0]);
    // Accounts and people the test names (the first admin's display name is the archive's default, which the admin may change).
    for (const word of words(`${TEST_ADMIN.username} ${RADIOLOGIST.username} ${RADIOLOGIST_NAME} ${SPECIALIST} Administrator`))
      dataWords.add(word);
    // This archive as its own peer (its address is data), a routing rule, and one send done.
    const peer = await addPeer(archive, {
      name: 'Bệnh viện Trung ương',
      baseUrl: archive.dicomWeb,
      auth: { kind: 'basic', username: TEST_ADMIN.username, password: TEST_ADMIN.password },
    });
    for (const word of words(archive.dicomWeb)) dataWords.add(word);
    const rule = await archive.fetch('/api/routing-rules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Chụp cắt lớp', peerId: peer.id, modality: 'CT' }),
    });
    expect(rule.status).toBe(201);
    await waitForEnd(archive, (await requestTransfer(archive, { direction: 'send', peerId: peer.id, studyInstanceUID: studyUid })).id);
    // A modality allowed to connect over DIMSE.
    const device = await archive.fetch('/api/dimse/remote-aes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ aeTitle: 'CT01', host: '10.0.5.21', port: 104, description: 'Máy CT tầng 2', mayQuery: true }),
    });
    expect(device.status).toBe(201);
    // Two recent associations: a C-ECHO from a known device, and one refused (CT01 from the wrong address).
    const scu = await archive.fetch('/api/dimse/remote-aes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ aeTitle: 'XQUANG01', host: '127.0.0.1' }),
    });
    expect(scu.status).toBe(201);
    for (const aeTitle of ['XQUANG01', 'CT01'])
      await runDcmtk('echoscu', ['-aet', aeTitle, '-aec', 'PACS', '127.0.0.1', String(archive.dimse!.port)]);
  }, 120_000);
  afterAll(() => stopBrowserArchive({ archive, browser }));

  const newContext = async (): Promise<BrowserContext> => {
    const context = await browser.newContext({ locale: 'en-US', viewport: VIEWPORT });
    await context.addInitScript(recordCanvasText);
    return context;
  };
  /** Switches the page to Vietnamese with the header's VI button (kept in localStorage for the context); what was drawn in English before is forgotten. */
  const switchToVietnamese = async (page: Page) => {
    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"]');
    await page.evaluate(() => {
      (globalThis as unknown as { __drawnText: string[] }).__drawnText = [];
    });
  };
  const look = async (page: Page, where: string) => {
    for (const text of await page.evaluate(collectVisibleText)) seen.push({ where, text });
  };
  const waitForImage = (page: Page) =>
    page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]', { timeout: 20_000 });
  const drag = async (page: Page, tool: string, from: [number, number], to: [number, number]) => {
    await page.click(`[data-testid="tool-${tool}"]`);
    const box = (await page.locator('[data-testid="viewport"][data-active="true"] [data-testid="viewport-image"]').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx + from[0], cy + from[1]);
    await page.mouse.down();
    await page.mouse.move(cx + to[0], cy + to[1], { steps: 6 });
    await page.mouse.up();
    await page.waitForSelector(`[data-testid="measurement"][data-tool="${tool}"]`);
  };

  it('walks every page and dialog in Vietnamese and finds no English word', async () => {
    // Sign-in page, and its answer to a wrong password.
    const visitor = await newContext();
    const login = await visitor.newPage();
    await login.goto(`${archive.url}/login`);
    await login.waitForSelector('[data-testid="login-page"]');
    await switchToVietnamese(login);
    await look(login, 'sign-in');
    await login.fill('[data-testid="login-username"]', 'ai.do');
    await login.fill('[data-testid="login-password"]', 'sai-mat-khau-1');
    await login.click('[data-testid="login-submit"]');
    await login.waitForSelector('[data-testid="login-error"]:not(:empty)');
    await look(login, 'sign-in, wrong password');
    // A share link that does not exist.
    await login.goto(`${archive.url}/share#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    await login.waitForSelector('[data-testid="share-open-error"]:not(:empty)');
    await look(login, 'share-open, unknown link');
    await visitor.close();

    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, archive, RADIOLOGIST);
    await page.goto(`${archive.url}/`);
    await switchToVietnamese(page);
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    await look(page, 'worklist');
    expect(await page.title()).toBe('Danh sách ca chụp · Trình xem PACS');

    // The viewer, a CT with measurements drawn on it, its help and tag browser.
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await waitForImage(page);
    await page.waitForSelector('[data-testid="viewer-page"][data-annotations="loaded"]');
    await drag(page, 'Length', [-120, -60], [-20, -20]);
    await drag(page, 'RectangleRoi', [20, 20], [90, 80]);
    await drag(page, 'EllipticalRoi', [-100, 40], [-40, 100]);
    await drag(page, 'Probe', [60, -80], [60, -80]);
    await look(page, 'viewer with measurements');
    // A key image, so the print sheet below has a film and the key object selection's title.
    await page.keyboard.press('k');
    await page.waitForSelector('[data-testid="key-image-count"][data-count="1"]');
    // The sex code (M in this CT) as a word.
    expect(await page.locator('[data-testid="viewport"][data-active="true"] [data-testid="overlay-top-left"]').textContent()).toContain(
      'Nam',
    );
    // The tab names the patient and the page.
    expect(await page.title()).toMatch(new RegExp(`\\(${patientId}\\) · Xem ảnh · Trình xem PACS$`));
    await page.click('[data-testid="help"]');
    await page.waitForSelector('[data-testid="help-panel"]:visible');
    await look(page, 'viewer help');
    await page.click('[data-testid="help"]');
    await page.click('[data-testid="tag-browser"]');
    await page.waitForSelector('[data-testid="tag-panel"][data-state="ready"]');
    await look(page, 'tag browser');
    await page.click('[data-testid="tag-panel-close"]');
    await page.click('[data-testid="download-button"]');
    await page.waitForSelector('[data-testid="download-menu"]:visible');
    await look(page, 'download menu');
    await page.keyboard.press('Escape');
    await withEachToolbarMenuOpen(page, (button) => look(page, `${button} menu`));

    // The share dialog, before and after a link is made.
    await page.click('[data-testid="share-button"]');
    const share = page.locator('[data-testid="share-dialog"]');
    await share.waitFor({ state: 'visible' });
    await look(page, 'share dialog');
    await share.locator('[data-testid="share-pin-input"]').fill('2468');
    await share.locator('[data-testid="share-create"]').click();
    const shareUrl = await share.locator('[data-testid="share-url"]').inputValue();
    await look(page, 'share dialog, link made');
    await share.locator('[data-testid="share-close"]').click();

    // The consultation dialog: empty question refused, then the link.
    await page.click('[data-testid="consultation-button"]');
    const consult = page.locator('[data-testid="consultation-dialog"]');
    await consult.waitFor({ state: 'visible' });
    await look(page, 'consultation dialog');
    await consult.locator('[data-testid="consultation-specialist-name"]').fill(SPECIALIST);
    await consult.locator('[data-testid="consultation-submit"]').click();
    await consult.locator('[data-testid="consultation-error"]:not(:empty)').waitFor();
    await consult.locator('[data-testid="consultation-question"]').fill('Khối giảm tỷ trọng ở gan: u máu hay di căn?');
    await consult.locator('[data-testid="consultation-submit"]').click();
    const consultUrl = await consult.locator('[data-testid="consultation-url"]').inputValue();
    await look(page, 'consultation dialog, link made');
    await consult.locator('[data-testid="consultation-dialog-close"]').click();

    // The report drawer: the editor with the CT template, the signing question, the signed report, an amendment's draft.
    await page.click('[data-testid="report-button"]');
    const report = page.locator('[data-testid="report-panel"]');
    await report.locator('[data-testid="report-editor"]').waitFor();
    await look(page, 'report editor');
    await report.locator('[data-testid="report-section-impression"]').fill('Khối giảm tỷ trọng ở gan, nghĩ nhiều u máu.');
    // This CT names no institution: signing asks for the organization first.
    await report.locator('[data-testid="report-sign"]').click();
    await report.locator('[data-testid="report-error"]:not(:empty)').waitFor();
    await look(page, 'report, organization missing');
    await report.locator('[data-testid="report-organization"]').fill('Bệnh viện Bạch Mai');
    await report.locator('[data-testid="report-sign"]').click();
    await page.waitForSelector('[data-testid="confirm-dialog"]');
    await look(page, 'report, signing question');
    await page.click('[data-testid="confirm-ok"]');
    await report.locator('[data-testid="report-final"]').waitFor({ timeout: 20_000 });
    await look(page, 'report signed');
    await report.locator('[data-testid="report-amend"]').click();
    await look(page, 'report, amendment draft');
    await report.locator('[data-testid="report-close"]').click();

    // The study beside a prior of the patient: the series browser's study headings, the patient panel.
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid},${prior.studyUid}`);
    await page.waitForSelector('[data-testid="viewport"][data-index="1"][data-rendered-image-id]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="patient-panel"][data-state="loaded"]');
    await look(page, 'viewer, current and prior');

    // A study that is not in the archive: the archive's error, in Vietnamese.
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=1.2.3.4.5`);
    await page.waitForSelector('[data-testid="error-banner"]:visible, [data-testid="viewer-error"]:visible');
    await look(page, 'viewer, unknown study');

    // Print, upload (with one file stored), account.
    await page.goto(`${archive.url}/print?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector('[data-testid="print-sheet"][data-state="done"]', { timeout: 20_000 });
    await look(page, 'print');
    await page.fill('[data-testid="share-qr-pin"]', '1357');
    await page.click('[data-testid="share-qr-create"]');
    await page.waitForSelector('[data-testid="share-qr"] svg');
    await look(page, 'print, report and QR code');
    await page.goto(`${archive.url}/report-print?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector('[data-testid="report-print-view"][data-state="done"]');
    await look(page, 'report page');
    await page.goto(`${archive.url}/upload`);
    await page.waitForSelector('[data-testid="upload-page"]');
    await look(page, 'upload');
    await page.setInputFiles('[data-testid="upload-files-input"]', [path.join(CORPUS_DIR, SLICES[0]!)]);
    await page.waitForSelector('[data-testid="upload-page"][data-state="done"]', { timeout: 60_000 });
    await look(page, 'upload, done');
    await page.goto(`${archive.url}/account`);
    await page.waitForSelector('[data-testid="account"]');
    await look(page, 'account');

    // The worklist again: the consultation and the share are listed now.
    await page.goto(`${archive.url}/`);
    await page.waitForSelector('[data-testid="consultations"][data-state="done"] [data-testid="consultation-row"]');
    await look(page, 'worklist with a consultation');
    await context.close();

    // The admin's users and audit pages.
    const adminContext = await newContext();
    const admin = await adminContext.newPage();
    await signIn(admin, archive);
    await admin.goto(`${archive.url}/admin`);
    await switchToVietnamese(admin);
    await admin.waitForSelector('[data-testid="user-row"]');
    await look(admin, 'admin users');
    await admin.goto(`${archive.url}/admin/audit`);
    await admin.waitForSelector('[data-testid="audit"][data-state="done"] [data-testid="audit-row"]');
    await look(admin, 'admin audit');
    // Exchange with other archives: peers, routing rules, transfers, the worklist's remote tab, Send to….
    await admin.goto(`${archive.url}/admin/peers`);
    await admin.waitForSelector('[data-testid="peer-row"]');
    await look(admin, 'admin peers');
    await admin.selectOption('[data-testid="peer-kind"]', 'dimse');
    await look(admin, 'admin peers, a DICOM device');
    await admin.goto(`${archive.url}/admin/routing-rules`);
    await admin.waitForSelector('[data-testid="admin-rules"][data-state="done"] [data-testid="rule-row"]');
    await look(admin, 'admin routing rules');
    await admin.goto(`${archive.url}/admin/dimse`);
    await admin.waitForSelector('[data-testid="admin-dimse"][data-state="done"] [data-testid="remote-ae-row"]');
    await admin.waitForSelector('[data-testid="associations-recent"] [data-outcome="rejected"]');
    await look(admin, 'admin DICOM devices');
    await admin.goto(`${archive.url}/transfers`);
    await admin.waitForSelector('[data-testid="transfer-row"][data-status="done"]');
    await look(admin, 'transfers');
    await admin.goto(`${archive.url}/`);
    await admin.click('[data-testid="worklist-remote"]');
    await admin.waitForSelector('[data-testid="worklist"][data-archive="remote"][data-state="done"] [data-testid="study-fetch"]');
    await look(admin, 'worklist, remote archive');
    await admin.click('[data-testid="worklist-local"]');
    await admin.waitForSelector('[data-testid="worklist"][data-archive="local"][data-state="done"]');
    await admin.locator('[data-testid="study-send"]').first().click();
    await admin.waitForSelector('[data-testid="send-dialog"][open][data-peers="1"]');
    await look(admin, 'send dialog');
    await adminContext.close();

    // Guests: the PIN page of the share link, a wrong PIN, the study; the specialist's consultation.
    const guestContext = await newContext();
    const guest = await guestContext.newPage();
    await guest.goto(shareUrl);
    await guest.waitForSelector('[data-testid="share-pin-value"]');
    await switchToVietnamese(guest);
    await look(guest, 'share-open, PIN');
    await guest.fill('[data-testid="share-pin-value"]', '1357');
    await guest.click('[data-testid="share-pin-submit"]');
    await guest.waitForSelector('[data-testid="share-pin-error"]:not(:empty), [data-testid="share-open-error"]:not(:empty)');
    await look(guest, 'share-open, wrong PIN');
    await guest.fill('[data-testid="share-pin-value"]', '2468');
    await guest.click('[data-testid="share-pin-submit"]');
    await waitForImage(guest);
    await look(guest, "guest's viewer");
    await guestContext.close();

    const specialistContext = await newContext();
    const specialist = await specialistContext.newPage();
    await specialist.goto(consultUrl);
    await waitForImage(specialist);
    await switchToVietnamese(specialist);
    await specialist.waitForSelector('[data-testid="consultation-panel"][data-state="ready"]');
    await waitForImage(specialist);
    await look(specialist, "specialist's consultation");
    await specialist.locator('[data-testid="consultation-opinion-input"]').fill('Nghĩ nhiều u máu gan điển hình.');
    await specialist.locator('[data-testid="consultation-opinion-submit"]').click();
    await specialist.waitForSelector('[data-testid="consultation-panel"][data-status="answered"]');
    await look(specialist, "specialist's consultation, answered");
    await specialistContext.close();

    // The opinion, a report our archive wrote: its series and its labels; then a page that does not exist.
    const readerContext = await newContext();
    const reader = await readerContext.newPage();
    await signIn(reader, archive, RADIOLOGIST);
    await reader.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await switchToVietnamese(reader);
    await waitForImage(reader);
    await reader.locator('[data-testid="series-item"][data-displayable="false"][data-series-number="9901"]').click();
    await reader.waitForSelector('[data-testid="sr-view"][data-state="ready"]');
    await look(reader, 'opinion report');
    await reader.locator('[data-testid="series-item"][data-displayable="false"][data-series-number="9903"]').click();
    await reader.locator('[data-testid="sr-title"]', { hasText: 'Kết quả chẩn đoán hình ảnh' }).waitFor();
    await look(reader, 'diagnostic report');
    // The archive answers a browser's unknown address with the app (404), which says so in Vietnamese.
    expect((await reader.goto(`${archive.url}/khong-co-trang-nay`))?.status()).toBe(404);
    await reader.waitForSelector('.page-message');
    expect(await reader.textContent('.page-message')).toBe('Không có trang nào tại /khong-co-trang-nay.');
    await look(reader, 'page not found');
    await readerContext.close();

    const tokens = [...new Set(seen.flatMap((s) => words(s.text)))];
    const english = accepted('en_US', tokens);
    const vietnamese = accepted('vi_VN', [...english]);
    const isEnglish = (word: string) => english.has(word) && !vietnamese.has(word) && !ALLOWED.has(word) && !dataWords.has(word);
    const found = seen
      .filter((s) => words(s.text).some(isEnglish))
      .map((s) => `${s.where}: ${JSON.stringify(s.text.trim().slice(0, 120))} [${words(s.text).filter(isEnglish).join(' ')}]`);
    expect([...new Set(found)]).toEqual([]);
  }, 300_000);
});
