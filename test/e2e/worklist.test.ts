import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn } from '../helpers/browser';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { pn, syntheticSeries } from '../helpers/synthetic-series';

/** Submits the worklist search and waits until its answer is drawn (the page's render-complete signal). */
async function search(page: Page): Promise<void> {
  const before = Number(await page.getAttribute('[data-testid="worklist"]', 'data-searches'));
  await page.click('[data-testid="worklist-search"]');
  await page.waitForSelector(`[data-testid="worklist"][data-searches="${before + 1}"]:not([data-state="loading"])`);
}

const rowUids = (page: Page) =>
  page.$$eval('[data-testid="study-row"]', (rows) => rows.map((r) => r.getAttribute('data-study-instance-uid')));
const rowNames = (page: Page) =>
  page.$$eval('[data-testid="study-row"] td[data-column="patientName"]', (cells) => cells.map((c) => c.textContent));

describe('worklist in Chromium against the real archive', () => {
  let archive: TestArchive;
  let browser: Browser;
  const studies = {
    nguyen: syntheticSeries(2, {
      PatientName: pn('Nguyễn^Văn An'),
      PatientID: 'VN-001',
      AccessionNumber: 'ACC-1',
      StudyDate: '20240105',
      StudyDescription: 'CT sọ não',
      SpecificCharacterSet: 'ISO_IR 192',
    }),
    dang: syntheticSeries(1, {
      PatientName: pn('Đặng^Thị Hồng'),
      PatientID: 'VN-002',
      AccessionNumber: 'ACC-2',
      StudyDate: '20240110',
      StudyDescription: 'CT ngực',
      SpecificCharacterSet: 'ISO_IR 192',
    }),
    tran: syntheticSeries(1, {
      PatientName: pn('Trần^Đức Bo'),
      PatientID: 'VN-003',
      AccessionNumber: 'ACC-3',
      StudyDate: '20230601',
      StudyDescription: 'CT bụng',
      SpecificCharacterSet: 'ISO_IR 192',
    }),
  };

  beforeAll(async () => {
    archive = await startTestArchive();
    for (const s of Object.values(studies)) await expectStored(archive, s.files);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
  });

  it('finds, filters, sorts, translates, remembers and opens studies', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);
    await page.goto(`${archive.url}/`);
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    expect((await rowUids(page)).sort()).toEqual([studies.nguyen.studyUid, studies.dang.studyUid, studies.tran.studyUid].sort());

    // An accent-free name finds exactly that patient, shown with its accents.
    await page.fill('[data-testid="search-patientName"]', 'nguyen an');
    await search(page);
    expect(await rowUids(page)).toEqual([studies.nguyen.studyUid]);
    expect(await rowNames(page)).toEqual(['Nguyễn Văn An']);
    const row = '[data-testid="study-row"]';
    expect(await page.textContent(`${row} td[data-column="patientId"]`)).toBe('VN-001');
    expect(await page.textContent(`${row} td[data-column="studyDescription"]`)).toBe('CT sọ não');
    expect(await page.textContent(`${row} td[data-column="numberOfInstances"]`)).toBe('2');
    expect(await page.textContent(`${row} td[data-column="studyDate"]`)).toMatch(/^01\/05\/2024 10:15/); // en-US locale

    // A custom date range (January 2024) leaves out the June 2023 study.
    await page.fill('[data-testid="search-patientName"]', '');
    await page.selectOption('[data-testid="search-datePreset"]', 'custom');
    await page.fill('[data-testid="search-dateFrom"]', '2024-01-01');
    await page.fill('[data-testid="search-dateTo"]', '2024-01-31');
    await search(page);
    expect((await rowUids(page)).sort()).toEqual([studies.nguyen.studyUid, studies.dang.studyUid].sort());

    // Sortable columns: name ascending, then descending.
    await page.click('[data-testid="sort-patientName"]');
    expect(await rowNames(page)).toEqual(['Đặng Thị Hồng', 'Nguyễn Văn An']);
    await page.click('[data-testid="sort-patientName"]');
    expect(await rowNames(page)).toEqual(['Nguyễn Văn An', 'Đặng Thị Hồng']);

    // Nothing matches: a clear empty state, no table.
    await page.fill('[data-testid="search-patientName"]', 'khong co ai');
    await search(page);
    expect(await page.isVisible('[data-testid="worklist-empty"]')).toBe(true);
    expect(await page.$$(row)).toHaveLength(0);

    // Switching to Vietnamese relabels the screen (and keeps what was typed).
    expect(await page.textContent('[data-testid="label-patientName"]')).toBe('Patient name');
    expect(await page.textContent('[data-testid="worklist-search"]')).toBe('Search');
    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    expect(await page.textContent('[data-testid="label-patientName"]')).toBe('Tên bệnh nhân');
    expect(await page.textContent('[data-testid="worklist-search"]')).toBe('Tìm kiếm');
    expect(await page.textContent('[data-testid="worklist-empty"]')).toContain('Không tìm thấy ca chụp nào');
    expect(await page.inputValue('[data-testid="search-patientName"]')).toBe('khong co ai');

    // The last search is remembered after a reload.
    await page.fill('[data-testid="search-patientName"]', 'nguyen an');
    await search(page);
    await page.reload();
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    expect(await page.inputValue('[data-testid="search-patientName"]')).toBe('nguyen an');
    expect(await page.inputValue('[data-testid="search-datePreset"]')).toBe('custom');
    expect(await page.inputValue('[data-testid="search-dateFrom"]')).toBe('2024-01-01');
    expect(await rowUids(page)).toEqual([studies.nguyen.studyUid]);
    expect(await page.textContent('[data-testid="label-patientName"]')).toBe('Tên bệnh nhân');

    // One click opens the study in the viewer, with OHIF's URL convention.
    await page.click(row);
    await page.waitForURL((url) => url.pathname === '/viewer');
    const url = new URL(page.url());
    expect(url.searchParams.get('StudyInstanceUIDs')).toBe(studies.nguyen.studyUid);
    await context.close();
  });

  it('pages with limit/offset while the archive says more results exist', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, archive);
    // 25 is the smallest page size: store 24 more studies so 27 match.
    for (let n = 0; n < 24; n++) {
      const s = syntheticSeries(1, {
        PatientName: pn(`Lê^Paging ${n}`),
        PatientID: `P-${n}`,
        StudyDate: '20220301',
        SpecificCharacterSet: 'ISO_IR 192',
      });
      await expectStored(archive, s.files);
    }
    await page.goto(`${archive.url}/`);
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    await page.selectOption('[data-testid="search-pageSize"]', '25');
    await search(page);
    expect(await page.$$('[data-testid="study-row"]')).toHaveLength(25);
    expect(await page.isDisabled('[data-testid="worklist-next"]')).toBe(false);
    const firstPage = await rowUids(page);
    const before = Number(await page.getAttribute('[data-testid="worklist"]', 'data-searches'));
    await page.click('[data-testid="worklist-next"]');
    await page.waitForSelector(`[data-testid="worklist"][data-searches="${before + 1}"][data-state="done"]`);
    const secondPage = await rowUids(page);
    expect(secondPage).toHaveLength(2);
    expect(secondPage.filter((uid) => firstPage.includes(uid))).toEqual([]);
    expect(await page.isDisabled('[data-testid="worklist-next"]')).toBe(true);
    expect(await page.textContent('[data-testid="worklist-status"]')).toBe('Studies 26–27');
    await context.close();
  });

  it("says so in the user's language when the archive cannot be reached", async () => {
    const other = await startTestArchive();
    const context = await browser.newContext({ locale: 'vi-VN' });
    const page = await context.newPage();
    await signIn(page, other);
    await page.goto(`${other.url}/`);
    await page.waitForSelector('[data-testid="worklist"][data-state="done"]');
    await other.stop();
    await page.click('[data-testid="worklist-search"]');
    await page.waitForSelector('[data-testid="worklist"][data-state="error"]');
    expect(await page.textContent('[data-testid="error-banner"]')).toContain('Không kết nối được với kho lưu trữ');
    expect(await page.textContent('[data-testid="worklist-status"]')).toBe('Không thực hiện được tìm kiếm.');
    await context.close();
  });
});
