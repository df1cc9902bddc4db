import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/browser';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { type TestArchive } from '../helpers/start-app';
import { syntheticSeries } from '../helpers/synthetic-series';
import { startBrowserArchive, stopBrowserArchive } from '../helpers/browser-archive';

/** A 96-frame XA with Frame Time 33 ms (30.3 fps), in one instance. */
const XA = corpusEntry('multiframe/xa-angio-96f-jpeg.dcm');
/** One CT slice of a 3-month-old, with no recorded frame rate. */
const infant = syntheticSeries(1, { PatientAge: '003M', SeriesNumber: 1 });

const active = '[data-testid="viewport"][data-active="true"]';

describe('viewer: a multi-frame object counted by frames, cine at the recorded rate, the age in words', () => {
  let archive: TestArchive;
  let browser: Browser;
  const xaStudy = XA.studyInstanceUID!;

  beforeAll(async () => {
    ({ archive, browser } = await startBrowserArchive([corpusFile(XA.path)]));
    await expectStored(archive, infant.files);
  });
  afterAll(() => stopBrowserArchive({ archive, browser }));

  const openViewer = async (studyUid: string, locale = 'en-US'): Promise<Page> => {
    const page = await browser.newPage({ locale, viewport: { width: 1100, height: 800 } });
    await signIn(page, archive);
    await page.goto(`${archive.url}/viewer?StudyInstanceUIDs=${studyUid}`);
    await page.waitForSelector(`${active}[data-slice-index="0"][data-rendered-image-id]`, { timeout: 30_000 });
    return page;
  };

  it('counts the 96 frames of one XA instance as 96 images and plays it at the 30.3 fps its Frame Time gives, adjustable', async () => {
    const page = await openViewer(xaStudy);
    expect(await page.textContent('[data-testid="series-count"]')).toBe('96 images');
    expect(await page.inputValue('[data-testid="cine-fps"]')).toBe('30.3');
    await page.click('[data-testid="cine"]');
    await page.waitForSelector(`${active}[data-cine="playing"][data-cine-fps="30.3"]`);
    await page.fill('[data-testid="cine-fps"]', '8');
    await page.dispatchEvent('[data-testid="cine-fps"]', 'change');
    await page.waitForSelector(`${active}[data-cine="playing"][data-cine-fps="8"]`);
    await page.close();
  });

  it('keeps the default 15 fps for a series without a recorded rate, says "1 image" and shows the age as "3 months"', async () => {
    const page = await openViewer(infant.studyUid);
    expect(await page.inputValue('[data-testid="cine-fps"]')).toBe('15');
    expect(await page.textContent('[data-testid="series-count"]')).toBe('1 image');
    expect(await page.textContent(`${active} [data-testid="overlay-top-left"]`)).toContain('3 months');
    await page.close();
  });

  it('says "96 ảnh" and "3 tháng" in Vietnamese', async () => {
    const xa = await openViewer(xaStudy, 'vi-VN');
    expect(await xa.textContent('[data-testid="series-count"]')).toBe('96 ảnh');
    await xa.close();
    const page = await openViewer(infant.studyUid, 'vi-VN');
    const corner = await page.textContent(`${active} [data-testid="overlay-top-left"]`);
    expect(corner).toContain('3 tháng');
    expect(corner).not.toContain('003M');
    await page.close();
  });
});
