import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { type TestArchive } from '../helpers/start-app';
import { pn, syntheticSeries } from '../helpers/synthetic-series';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';

const INJECTED = '<img src=x onerror="globalThis.__injected=1">';

describe('DICOM tag browser and SR text view in Chromium', () => {
  let archive: TestArchive;
  let browser: Browser;
  const ct = syntheticSeries(4, {
    PatientName: pn('Trần^Văn Bình'),
    StudyDescription: INJECTED,
    ProcedureCodeSequence: [{ CodeValue: 'CTCH', CodingSchemeDesignator: '99TEST', CodeMeaning: 'CT chest' }],
  });
  const enhancedMr = corpusEntry('multiframe/enhanced-mr-siemens-xa10-6f.dcm');
  const tid1500 = corpusEntry('non-image/sr-comprehensive-tid1500.dcm');
  const basicText = corpusEntry('non-image/sr-basic-text.dcm');

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive(ct.files));
    for (const entry of [enhancedMr, tid1500, basicText]) await expectStored(archive, [corpusFile(entry.path)]);
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  const openViewer = async (studyUid: string, locale = 'en-US'): Promise<{ page: Page; errors: string[] }> => {
    const page = await browser.newPage({ locale, viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    await signIn(page, archive);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector('[data-testid="viewer-page"]');
    return { page, errors };
  };
  const row = (page: Page, tag: string, depth = 0) => page.locator(`[data-testid="tag-row"][data-depth="${depth}"][data-tag="${tag}"]`);
  const value = async (page: Page, tag: string, depth = 0) =>
    (await row(page, tag, depth).locator('[data-testid="tag-value"]').textContent())?.trim();
  const visibleTopRows = (page: Page) => page.locator('[data-testid="tag-row"][data-depth="0"]:visible').count();

  it('shows every attribute of the current CT image as text, expands a sequence, filters, follows scrolling and closes', async () => {
    const { page, errors } = await openViewer(ct.studyUid);
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-slice-index="0"][data-rendered-image-id]');
    const metadata = (await (
      await archive.fetch(`${archive.dicomWeb}/studies/${ct.studyUid}/series/${ct.seriesUid}/metadata`)
    ).json()) as Record<string, { Value?: unknown[] }>[];
    const shownUid = (await page.getAttribute('[data-testid="viewport"][data-active="true"]', 'data-rendered-image-id'))!.split('/')[2];
    const first = metadata.find((m) => m['00080018']?.Value?.[0] === shownUid)!;

    await page.keyboard.press('t');
    await page.waitForSelector(`[data-testid="tag-panel"][data-state="ready"][data-sop-uid="${shownUid}"]`);
    expect(await page.getAttribute('[data-testid="tag-browser"]', 'aria-pressed')).toBe('true');
    expect(await value(page, '00100010')).toBe('Trần^Văn Bình');
    expect(await row(page, '00100010').locator('.tag-keyword').textContent()).toBe('PatientName');
    expect(await row(page, '00100010').locator('.tag-label').textContent()).toBe('(0010,0010)');
    expect(await row(page, '00100010').locator('.tag-vr').textContent()).toBe('PN');
    expect(await page.locator('[data-testid="tag-row"][data-depth="0"]').count()).toBe(Object.keys(first).length);
    expect(await value(page, '7FE00010')).toMatch(/^bulk data/);

    // A value that looks like HTML stays text: no element is made from it, no script runs.
    expect(await value(page, '00081030')).toBe(INJECTED);
    expect(await page.locator('[data-testid="tag-panel"] img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __injected?: number }).__injected)).toBeUndefined();

    // The sequence opens to its item and the item's attributes, one level deeper.
    expect(await value(page, '00081032')).toContain('1 items');
    await row(page, '00081032').locator('[data-testid="tag-toggle"]').click();
    expect(await page.locator('[data-testid="tag-item"]').count()).toBe(1);
    expect(await value(page, '00080104', 1)).toBe('CT chest');
    expect(await value(page, '00080100', 1)).toBe('CTCH');
    await row(page, '00081032').locator('[data-testid="tag-toggle"]').click();
    expect(await row(page, '00080104', 1).isVisible()).toBe(false);

    // The filter narrows the rows: by tag, by keyword, by a value inside a sequence.
    const total = await visibleTopRows(page);
    await page.fill('[data-testid="tag-filter"]', '(0010,0010)');
    expect(await visibleTopRows(page)).toBe(1);
    await page.fill('[data-testid="tag-filter"]', 'InstanceNumber');
    expect(await visibleTopRows(page)).toBe(1);
    await page.fill('[data-testid="tag-filter"]', 'ct chest');
    expect(await visibleTopRows(page)).toBe(1);
    expect(await row(page, '00081032').isVisible()).toBe(true);
    await page.fill('[data-testid="tag-filter"]', '');
    expect(await visibleTopRows(page)).toBe(total);

    // Scrolling the stack moves the browser to the next instance.
    expect(await value(page, '00200013')).toBe(String(first['00200013']!.Value![0]));
    await page.locator('[data-testid="viewer-page"] h2').first().click();
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-slice-index="1"][data-rendered-image-id]');
    const secondUid = (await page.getAttribute('[data-testid="viewport"][data-active="true"]', 'data-rendered-image-id'))!.split('/')[2];
    await page.waitForSelector(`[data-testid="tag-panel"][data-sop-uid="${secondUid}"]`);
    const second = metadata.find((m) => m['00080018']?.Value?.[0] === secondUid)!;
    expect(await value(page, '00200013')).toBe(String(second['00200013']!.Value![0]));
    expect(await value(page, '00200013')).not.toBe(String(first['00200013']!.Value![0]));

    // Esc closes; the toolbar button opens and closes it.
    await page.keyboard.press('Escape');
    expect(await page.isVisible('[data-testid="tag-panel"]')).toBe(false);
    await page.click('[data-testid="tag-browser"]');
    expect(await page.isVisible('[data-testid="tag-panel"]')).toBe(true);
    await page.click('[data-testid="tag-browser"]');
    expect(await page.isVisible('[data-testid="tag-panel"]')).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the per-frame functional groups of an enhanced MR as a sequence, in Vietnamese', async () => {
    const { page, errors } = await openViewer(String(enhancedMr.studyInstanceUID), 'vi-VN');
    await page.waitForSelector('[data-testid="viewport"][data-active="true"][data-rendered-image-id]');
    await page.keyboard.press('T');
    await page.waitForSelector('[data-testid="tag-panel"][data-state="ready"][data-sop-uid]');
    expect(await page.textContent('[data-testid="tag-panel"] h2')).toBe('Thẻ DICOM');
    expect(await value(page, '52009230')).toContain('6 mục');
    await row(page, '52009230').locator('[data-testid="tag-toggle"]').click();
    expect(await page.locator('[data-testid="tag-item"]').count()).toBe(6);
    expect(await page.locator('[data-testid="tag-item"]').first().textContent()).toBe('Mục 1');
    expect(await page.locator('[data-testid="tag-row"][data-depth="1"]').count()).toBeGreaterThan(6);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reads a TID 1500 measurement report and a basic text SR as text', async () => {
    const { page, errors } = await openViewer(String(tid1500.studyInstanceUID));
    await page.click('[data-testid="series-item"][data-displayable="false"]');
    await page.waitForSelector('[data-testid="sr-view"][data-state="ready"]');
    expect(await page.textContent('[data-testid="sr-title"]')).toBe('Imaging Measurement Report');
    expect(await page.textContent('[data-testid="sr-completion"]')).toBe('partial');
    expect(await page.textContent('[data-testid="sr-verification"]')).toBe('not verified');
    const headings = await page.locator('[data-testid="sr-heading"]').allTextContents();
    expect(headings).toContain('Image Library');
    expect(headings).toContain('Imaging Measurements');
    const line = (p: Page, name: string) =>
      p
        .locator('.sr-line', { has: p.locator(`[data-testid="sr-name"]:text-is("${name}")`) })
        .first()
        .locator('[data-testid="sr-value"]');
    expect(await line(page, 'Observer Type').textContent()).toBe('Person');
    expect(await line(page, 'Pixel Data Rows').textContent()).toBe('128 pixels');
    await page.keyboard.press('Escape');
    expect(await page.isVisible('[data-testid="sr-view"]')).toBe(false);
    expect(errors).toEqual([]);
    await page.close();

    const basic = await openViewer(String(basicText.studyInstanceUID));
    expect(await basic.page.textContent('[data-testid="open-report"]')).toBe('report: click to read');
    await basic.page.click('[data-testid="series-item"]');
    await basic.page.waitForSelector('[data-testid="sr-view"][data-state="ready"]');
    expect(await basic.page.textContent('[data-testid="sr-title"]')).toBe('Consultation Report');
    expect(await line(basic.page, 'Diagnosis').textContent()).toMatch(/^Squamous cell carcinoma, relatively superficial/);
    expect(basic.errors).toEqual([]);
    await basic.page.close();
  });
});
