import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { launchBrowser, signIn, waitForAttributeAtLeast } from '../helpers/browser';
import { CORPUS_DIR, corpusEntry, corpusManifest, type CorpusEntry } from '../helpers/corpus';
import { firstValue, getJson } from '../helpers/dicomweb-http';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * The upload screen in real Chromium against the real archive: a patient's "CD" (a folder with
 * DICOM files in subfolders, a DICOMDIR and a text file) chosen with the folder input is stored
 * through STOW-RS in batches, and every file's outcome is listed.
 */
describe('upload screen', () => {
  let archive: TestArchive;
  let browser: Browser;
  let page: Page;
  let cd: string;
  /** 24 slices of one CT series (two batches of at most 20 files) and two single images of other studies. */
  const instances: CorpusEntry[] = [
    ...corpusManifest()
      .filter((e) => e.path.startsWith('series/ct-abdomen-philips-tcia/'))
      .slice(0, 24),
    corpusEntry('radiography/dx-for-presentation-mono1.dcm'),
    corpusEntry('other-modalities/pt-pet-jpeg-lossless.dcm'),
  ];

  beforeAll(async () => {
    archive = await startTestArchive();
    browser = await launchBrowser();
    page = await browser.newPage({ locale: 'en-US' });
    await signIn(page, archive);
    cd = await makeTempDir('upload-cd');
    await fs.copyFile(path.join(CORPUS_DIR, 'non-image/DICOMDIR'), path.join(cd, 'DICOMDIR'));
    await fs.writeFile(path.join(cd, 'README.TXT'), 'Patient CD. Insert into a computer and open the viewer.\n');
    for (const [n, entry] of instances.entries()) {
      const folder = path.join(cd, 'DICOM', entry.path.startsWith('series/') ? 'ST1' : `ST${n}`);
      await fs.mkdir(folder, { recursive: true });
      await fs.copyFile(path.join(CORPUS_DIR, entry.path), path.join(folder, `IM${String(n).padStart(4, '0')}`));
    }
  });
  afterAll(async () => {
    await browser?.close();
    await archive?.stop();
    if (cd) await removeTempDir(cd);
  });

  async function openUpload(): Promise<void> {
    await page.goto(`${archive.url}/upload`);
    await page.waitForSelector('#app-root[data-ready="true"] [data-testid="upload-page"]');
  }

  async function chooseAndWait(input: 'upload-folder-input' | 'upload-files-input', files: string | string[]): Promise<void> {
    await page.setInputFiles(`[data-testid="${input}"]`, files);
    await page.waitForSelector('[data-testid="upload-page"][data-state="done"]', { timeout: 60_000 });
  }

  async function rows(): Promise<Array<{ name: string; status: string; details: string }>> {
    return page.$$eval('[data-testid="upload-result"]', (trs) =>
      trs.map((tr) => {
        const cells = Array.from(tr.querySelectorAll('td'), (c: { textContent: string | null }) => c.textContent ?? '');
        return { name: cells[0] ?? '', status: tr.getAttribute('data-status') ?? '', details: cells[2] ?? '' };
      }),
    );
  }

  const count = (list: Array<{ status: string }>, status: string) => list.filter((r) => r.status === status).length;

  it('stores a folder with subfolders, skips the DICOMDIR and the text file, and the archive has every instance', async () => {
    await openUpload();
    const stowRequests: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/dicom-web/studies') stowRequests.push(request.url());
    });
    await chooseAndWait('upload-folder-input', cd);
    // 28 files in batches of at most 20: two STOW-RS requests.
    expect(stowRequests).toHaveLength(2);
    page.removeAllListeners('request');

    expect(await page.getAttribute('[data-testid="upload-progress"]', 'data-percent')).toBe('100');
    expect(await page.$eval('[data-testid="upload-progress"]', (p) => (p as unknown as { value: number }).value)).toBe(100);
    expect(await page.textContent('[data-testid="upload-progress-text"]')).toContain('28 of 28 files');

    const list = await rows();
    expect(list).toHaveLength(instances.length + 2);
    expect(count(list, 'stored')).toBe(instances.length);
    const text = list.find((r) => r.name.endsWith('README.TXT'));
    expect(text?.status).toBe('not-dicom');
    expect(await page.textContent('[data-testid="upload-result"][data-status="not-dicom"] td:nth-child(2)')).toBe('not a DICOM file');
    expect(list.find((r) => r.name.endsWith('DICOMDIR'))?.status).toBe('directory');
    expect(await page.textContent('[data-testid="upload-result"][data-status="directory"] td:nth-child(2)')).toBe(
      'directory index, skipped',
    );
    // Names keep the path inside the chosen folder.
    expect(list.some((r) => /DICOM\/ST1\/IM0000$/.test(r.name))).toBe(true);
    expect(await page.textContent('[data-testid="upload-summary"]')).toBe('26 stored, 0 already stored, 0 refused, 2 skipped, 0 not sent');

    // The archive really holds them (QIDO-RS over HTTP, not the page's word for it).
    const studies = [...new Set(instances.map((e) => e.studyInstanceUID!))];
    const stored: string[] = [];
    for (const study of studies) {
      const { status, json } = await getJson(archive, `${archive.dicomWeb}/studies/${study}/instances`);
      expect(status).toBe(200);
      stored.push(...(json as DicomJson[]).map((ds) => firstValue(ds, '00080018') as string));
    }
    expect(stored.sort()).toEqual(instances.map((e) => e.sopInstanceUID!).sort());

    const links = await page.$$eval('[data-testid="upload-study-link"]', (as) => as.map((a) => a.getAttribute('href')));
    expect(links.sort()).toEqual(studies.map((uid) => `/viewer?StudyInstanceUIDs=${uid}`).sort());
  });

  it('reports the same folder sent again as already stored, in Vietnamese after a language switch', async () => {
    await chooseAndWait('upload-folder-input', cd);
    const list = await rows();
    expect(list).toHaveLength(instances.length + 2);
    expect(count(list, 'duplicate')).toBe(instances.length);
    expect(count(list, 'stored')).toBe(0);
    expect(await page.textContent('[data-testid="upload-summary"]')).toBe('0 stored, 26 already stored, 0 refused, 2 skipped, 0 not sent');

    // Switching the language re-mounts the page; the finished upload is shown again, translated.
    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"]');
    await page.waitForSelector('#app-root[data-ready="true"] [data-testid="upload-page"][data-state="done"]');
    expect(await page.textContent('[data-testid="upload-summary"]')).toBe(
      '0 đã lưu, 26 đã có sẵn, 0 bị từ chối, 2 bỏ qua, 0 chưa gửi được',
    );
    expect(await page.textContent('[data-testid="upload-result"][data-status="duplicate"] td:nth-child(2)')).toBe('đã có sẵn (trùng lặp)');
    expect(await page.textContent('[data-testid="upload-result"][data-status="not-dicom"] td:nth-child(2)')).toBe('không phải tệp DICOM');
    await page.click('[data-testid="language-en"]');
    await page.waitForSelector('html[lang="en"]');
  });

  it('stores files dropped on the drop zone', async () => {
    await openUpload();
    const dicom = await fs.readFile(path.join(CORPUS_DIR, 'other-modalities/op-ophthalmic-jpeg-lossless.dcm'));
    // A drop as Chromium delivers it, built in the page (the test's own tsconfig has no DOM types).
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(dicom.toString('base64'))}), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'eye.dcm', { type: 'application/dicom' }));
      data.items.add(new File(['not an image'], 'notes.txt', { type: 'text/plain' }));
      const zone = document.querySelector('[data-testid="upload-drop"]');
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    await page.waitForSelector('[data-testid="upload-page"][data-state="done"]');
    expect((await rows()).map((r) => [r.name, r.status])).toEqual([
      ['eye.dcm', 'stored'],
      ['notes.txt', 'not-dicom'],
    ]);
    const entry = corpusEntry('other-modalities/op-ophthalmic-jpeg-lossless.dcm');
    const { json } = await getJson(archive, `${archive.dicomWeb}/studies/${entry.studyInstanceUID}/instances`);
    expect((json as DicomJson[]).map((ds) => firstValue(ds, '00080018'))).toEqual([entry.sopInstanceUID]);
  });

  it('shows the archive’s reason for malformed files it refuses', async () => {
    await openUpload();
    const missingStudy = 'malformed/empty-study-uid-wsi-140f-jpeg.dcm';
    const truncated = 'malformed/truncated-native-ct-derived.dcm';
    await chooseAndWait(
      'upload-files-input',
      [missingStudy, truncated].map((p) => path.join(CORPUS_DIR, p)),
    );
    const list = await rows();
    expect(list.map((r) => [r.name, r.status])).toEqual([
      ['empty-study-uid-wsi-140f-jpeg.dcm', 'refused'],
      ['truncated-native-ct-derived.dcm', 'refused'],
    ]);
    expect(list[0]!.details).toBe('The Study Instance UID (0020,000D) is missing or empty. (code C000)');
    expect(list[1]!.details).toMatch(/truncated.*\(code C000\)$/);
    expect(await page.textContent('[data-testid="upload-summary"]')).toBe('0 stored, 0 already stored, 2 refused, 0 skipped, 0 not sent');
    expect(await page.$$('[data-testid="upload-study-link"]')).toHaveLength(0);
  });

  /** A generated CT series of `slices` 512×512 slices (≈ 0.5 MB each) written as files to a fresh folder. */
  async function ctFolder(
    prefix: string,
    slices: number,
  ): Promise<{ dir: string; seriesUid: string; studyUid: string; sopByName: Map<string, string> }> {
    const series = generateCtSeries({ slices, rows: 512, columns: 512, seed: prefix });
    const dir = await makeTempDir(prefix);
    tempDirs.push(dir);
    const sopByName = new Map<string, string>();
    for (const [n, instance] of series.instances.entries()) {
      const name = `CT${String(n).padStart(4, '0')}.dcm`;
      await fs.writeFile(path.join(dir, name), instance.bytes);
      sopByName.set(name, instance.sopUid);
    }
    return { dir, seriesUid: series.seriesUid, studyUid: series.studyUid, sopByName };
  }
  const tempDirs: string[] = [];
  afterAll(async () => {
    for (const dir of tempDirs) await removeTempDir(dir);
  });

  /** The link of a district hospital: Chromium's network emulation limits the upload rate (bytes per second). */
  async function throttleUpload(bytesPerSecond: number): Promise<CDPSession> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: bytesPerSecond,
    });
    return cdp;
  }

  /** Records every value the progress bar's data-percent takes, in the page, as it happens. */
  async function recordPercents(): Promise<void> {
    await page.evaluate(`(() => {
      window.__percents = [];
      const bar = document.querySelector('[data-testid="upload-progress"]');
      new MutationObserver(() => window.__percents.push(Number(bar.dataset.percent))).observe(bar, { attributes: true, attributeFilter: ['data-percent'] });
    })()`);
  }
  const recordedPercents = () => page.evaluate('window.__percents') as Promise<number[]>;

  async function archiveSopUids(studyUid: string, seriesUid: string): Promise<string[]> {
    const { status, json } = await getJson(archive, `${archive.dicomWeb}/studies/${studyUid}/series/${seriesUid}/instances`);
    expect(status).toBe(200);
    return (json as DicomJson[]).map((ds) => firstValue(ds, '00080018') as string);
  }

  it('moves the progress bar by bytes sent while a large batch is on its way, not only when a batch ends', async () => {
    const ct = await ctFolder('upload-progress', 80); // ≈ 42 MB: four batches of 20 slices, two in flight
    await openUpload();
    await recordPercents();
    const cdp = await throttleUpload(16_000_000);
    await chooseAndWait('upload-folder-input', ct.dir);
    await cdp.detach();

    const percents = await recordedPercents();
    const between = [...new Set(percents.filter((p) => p > 0 && p < 100))];
    // Whole batches alone would give at most 3 values between 0 and 100.
    expect(between.length).toBeGreaterThanOrEqual(8);
    for (let n = 1; n < percents.length; n++) expect(percents[n]!).toBeGreaterThanOrEqual(percents[n - 1]!);
    expect(percents.at(-1)).toBe(100);
    console.log(`progress over 42 MB at 16 MB/s: ${between.length} distinct values between 0 and 100`);
    expect(await page.textContent('[data-testid="upload-summary"]')).toBe('80 stored, 0 already stored, 0 refused, 0 skipped, 0 not sent');
    expect(await page.isHidden('[data-testid="upload-cancel"]')).toBe(true);
    expect((await archiveSopUids(ct.studyUid, ct.seriesUid)).sort()).toEqual([...ct.sopByName.values()].sort());
  });

  it('cancels an upload mid-way: what the archive holds is reported stored, the rest cancelled', async () => {
    const ct = await ctFolder('upload-cancel', 80);
    await openUpload();
    await recordPercents();
    const cdp = await throttleUpload(4_000_000); // ≈ 10 s for the whole folder
    await page.setInputFiles('[data-testid="upload-folder-input"]', ct.dir);
    // Past the first two batches, with the next two part-way through their request bodies.
    await waitForAttributeAtLeast(page, '[data-testid="upload-progress"]', 'data-percent', 70, { timeout: 60_000 });
    expect(await page.isVisible('[data-testid="upload-cancel"]')).toBe(true);
    await page.click('[data-testid="upload-cancel"]');
    await page.waitForSelector('[data-testid="upload-page"][data-state="done"]', { timeout: 60_000 });
    await cdp.detach();

    const list = await rows();
    expect(list).toHaveLength(80);
    const stored = list.filter((r) => r.status === 'stored');
    const cancelled = count(list, 'cancelled');
    expect(stored.length + cancelled).toBe(80);
    expect(stored.length).toBeGreaterThanOrEqual(40);
    expect(cancelled).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="upload-summary"]')).toBe(
      `${stored.length} stored, 0 already stored, 0 refused, 0 skipped, 0 not sent, ${cancelled} cancelled`,
    );
    expect(await page.textContent('[data-testid="upload-result"][data-status="cancelled"] td:nth-child(2)')).toBe('cancelled');
    expect(await page.textContent('[data-testid="upload-progress-text"]')).toMatch(/^Cancelled\./);
    expect(await page.isHidden('[data-testid="upload-cancel"]')).toBe(true);

    // The archive holds exactly the files the page says are stored (QIDO-RS, not the page's word).
    const held = await archiveSopUids(ct.studyUid, ct.seriesUid);
    expect(held).toHaveLength(stored.length);
    expect(stored.map((r) => ct.sopByName.get(path.basename(r.name))).sort()).toEqual(held.sort());

    const percents = await recordedPercents();
    for (let n = 1; n < percents.length; n++) expect(percents[n]!).toBeGreaterThanOrEqual(percents[n - 1]!);
    expect(percents.at(-1)).toBeLessThan(100);

    await page.click('[data-testid="language-vi"]');
    await page.waitForSelector('html[lang="vi"]');
    await page.waitForSelector('#app-root[data-ready="true"] [data-testid="upload-page"][data-state="done"]');
    expect(await page.textContent('[data-testid="upload-summary"]')).toBe(
      `${stored.length} đã lưu, 0 đã có sẵn, 0 bị từ chối, 0 bỏ qua, 0 chưa gửi được, ${cancelled} đã hủy`,
    );
    expect(await page.textContent('[data-testid="upload-result"][data-status="cancelled"] td:nth-child(2)')).toBe('đã hủy');
    expect(await page.textContent('[data-testid="upload-progress-text"]')).toMatch(/^Đã hủy\./);
    await page.click('[data-testid="language-en"]');
    await page.waitForSelector('html[lang="en"]');
    console.log(
      `cancel at ≥70 %: ${stored.length} stored (${stored.length - 40} of them from the aborted requests), ${cancelled} cancelled; bar left at ${percents.at(-1)} %`,
    );
  });
});
