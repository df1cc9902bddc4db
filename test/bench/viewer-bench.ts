/**
 * Viewer benchmark in headless Debian Chromium (`npm run bench:viewer`):
 *
 *   1. generates a --slices (300) slice 512×512 CT (fixtures/generate-ct-series.ts) and a second
 *      one of the same size compressed JPEG-LS lossless by GDCM (`gdcmconv --jpegls`; the corpus
 *      holds no compressed series of that length), stores both over STOW-RS into the archive run
 *      as its own process on an empty folder, with the viewer built if needed;
 *   2. per run, in a new browser context (cold HTTP cache, empty localStorage):
 *      - worklist: navigation to `/` → accent-free fuzzy name search → the study's row shown,
 *      - viewer: navigation to `/viewer?StudyInstanceUIDs=…` → first image drawn (the viewport's
 *        `data-render-count` appears) → the whole series prefetched (series item `data-loaded` ==
 *        `data-total`),
 *      - scrolling: ArrowDown through the loaded stack, each key sent from the page as soon as the
 *        previous slice was drawn, timed in the page (frames per second);
 *   3. the first image and whole series again with Chromium's network emulation (CDP
 *      `Network.emulateNetworkConditions`) at a slow link (--slow-mbit 10, --slow-latency 50 ms).
 *
 * Every time is taken inside the page (performance.now(), origin = navigation start) by a
 * MutationObserver installed before the page's own scripts, not by round trips of the driver.
 * Exit code: 0 every check passed, 3 a check failed, 1 the harness failed.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateCtSeries, type CtSeries } from '../../fixtures/generate-ct-series';
import { buildViewerIfNeeded } from '../../server/viewer/build-viewer';
import { launchBrowser, signIn } from '../helpers/browser';
import { requireTool } from '../helpers/debian-tools';
import { BENCH_ADMIN } from './bench-account';
import { installWatcher, scrollRate, TIMEOUT_MS, waitForMark, type BenchWindow } from './page-marks';
import { benchReport, finish, runBench } from './run-bench';
import type { BenchRun } from './server-process';
import { mapConcurrent, stowInBatches } from './stow-client';

const { values: args } = parseArgs({
  options: {
    slices: { type: 'string', default: '300' },
    runs: { type: 'string', default: '5' },
    'slow-runs': { type: 'string', default: '2' },
    'slow-mbit': { type: 'string', default: '10' },
    'slow-latency': { type: 'string', default: '50' },
    'no-compressed': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const opt = {
  slices: Number(args.slices),
  runs: Number(args.runs),
  slowRuns: Number(args['slow-runs']),
  slowMbit: Number(args['slow-mbit']),
  slowLatency: Number(args['slow-latency']),
};
for (const [name, value] of Object.entries(opt)) {
  if (!Number.isFinite(value) || value < 0 || (name === 'slices' && value < 2)) {
    console.error(`--${name} must be a non-negative number (slices ≥ 2)`);
    process.exit(2);
  }
}

const execFileAsync = promisify(execFile);

// ---------------------------------------------------------------- in-page timing

/** A page in a new, signed-in browser context (the viewer sends the session cookie; signing in is not timed). */
async function newPage(
  browser: Browser,
  base: string,
  initial: [string, string][],
  slow: boolean,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
  // tsx compiles with keepNames: the page functions below call esbuild's __name helper.
  await context.addInitScript('globalThis.__name = (f) => f;');
  await context.addInitScript(installWatcher, initial);
  const page = await context.newPage();
  await signIn(page, { url: base }, BENCH_ADMIN);
  if (slow) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const bytesPerSecond = (opt.slowMbit * 1e6) / 8;
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: opt.slowLatency,
      downloadThroughput: bytesPerSecond,
      uploadThroughput: bytesPerSecond,
    });
  }
  return { context, page };
}

// ---------------------------------------------------------------- the three measurements

const rowSelector = (studyUid: string) => `[data-testid="study-row"][data-study-instance-uid="${studyUid}"]`;

/** Navigation → worklist ready → fuzzy name search → the study's row; ms since navigation start. */
async function worklistRun(browser: Browser, base: string, study: BenchStudy, problems: string[]) {
  const { context, page } = await newPage(browser, base, [['ready', '[data-testid="worklist"][data-state="done"]']], false);
  try {
    await page.goto(`${base}/`);
    const ready = await waitForMark(page, 'ready');
    await page.fill('[data-testid="search-patientName"]', study.fuzzyName);
    const clicked = await page.evaluate(
      ({ row }) => {
        const w = globalThis as unknown as BenchWindow;
        const list = w.document.querySelector('[data-testid="worklist"]')!;
        const next = Number(list.dataset.searches) + 1;
        w.__bench.watch('found', `[data-testid="worklist"][data-searches="${next}"][data-state="done"] ${row}`);
        const at = performance.now();
        w.document.querySelector('[data-testid="worklist-search"]')!.click();
        return at;
      },
      { row: rowSelector(study.series.studyUid) },
    );
    const found = await waitForMark(page, 'found');
    const rows = await page.$$eval('[data-testid="study-row"]', (r) => r.length);
    if (rows !== 1) problems.push(`worklist: '${study.fuzzyName}' listed ${rows} studies instead of 1`);
    return { ready, search: found - clicked, total: found };
  } finally {
    await context.close();
  }
}

/** Navigation to the viewer URL → first image drawn → whole series loaded; then (fast link) the scroll rate. */
async function viewerRun(browser: Browser, base: string, study: BenchStudy, slow: boolean, problems: string[]) {
  const total = study.series.instances.length;
  const { context, page } = await newPage(
    browser,
    base,
    [
      ['first', '[data-testid="viewport"][data-render-count]'],
      ['loaded', `[data-testid="series-item"][data-loaded="${total}"][data-total="${total}"]`],
    ],
    slow,
  );
  try {
    await page.goto(`${base}/viewer?StudyInstanceUIDs=${encodeURIComponent(study.series.studyUid)}`, { timeout: TIMEOUT_MS });
    const first = await waitForMark(page, 'first');
    const loaded = await waitForMark(page, 'loaded');
    const count = await page.getAttribute('[data-testid="viewport"][data-render-count]', 'data-slice-count');
    if (count !== String(total)) problems.push(`viewer: the viewport shows ${count} slices instead of ${total}`);
    const scroll = slow ? undefined : await scrollRate(page, total - 1, problems);
    return { first, loaded, scroll };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- data

interface BenchStudy {
  label: string;
  series: CtSeries;
  fuzzyName: string;
  megabytes: number;
}

/** The instances of `series` compressed JPEG-LS lossless by GDCM, 2 conversions at a time. */
async function compressJpegLs(series: CtSeries, dir: string): Promise<CtSeries> {
  requireTool('gdcmconv');
  await fs.mkdir(dir, { recursive: true });
  const instances = await mapConcurrent(series.instances, 2, async (instance, n) => {
    const input = path.join(dir, `${n}.dcm`);
    const output = path.join(dir, `${n}.jls.dcm`);
    await fs.writeFile(input, instance.bytes);
    await execFileAsync('gdcmconv', ['--jpegls', input, output]);
    const bytes = await fs.readFile(output);
    await fs.rm(input);
    await fs.rm(output);
    return { ...instance, bytes };
  });
  return { ...series, instances };
}

const megabytes = (series: CtSeries) => series.instances.reduce((sum, i) => sum + i.bytes.length, 0) / 1e6;

// ---------------------------------------------------------------- report

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

interface Figure {
  p50: number;
  min: number;
  max: number;
  runs: number;
}

function figure(values: readonly number[]): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, runs: sorted.length };
}

function row(name: string, unit: 'ms' | 'fps', values: readonly number[]): [string, Figure] {
  const f = figure(values);
  const fmt = (v: number) => (unit === 'fps' ? v.toFixed(1) : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
  console.log(`| ${name} | ${fmt(f.p50)}${unit === 'fps' ? ' fps' : ''} | ${fmt(f.min)} .. ${fmt(f.max)} | ${f.runs} |`);
  return [name, f];
}

// ---------------------------------------------------------------- main

async function main(run: BenchRun): Promise<number> {
  const problems: string[] = [];
  const report = benchReport(opt);
  let browser: Browser | undefined;
  try {
    if (buildViewerIfNeeded()) console.error('viewer built');
    const studies: BenchStudy[] = [];
    const ct = generateCtSeries({ slices: opt.slices, rows: 512, columns: 512, seed: 'viewer-bench', patientName: 'Phạm^Thị Thu Hà' });
    studies.push({ label: 'CT native', series: ct, fuzzyName: 'pham thu ha', megabytes: megabytes(ct) });
    if (!args['no-compressed']) {
      console.error(`compressing ${opt.slices} slices with gdcmconv --jpegls …`);
      const source = generateCtSeries({
        slices: opt.slices,
        rows: 512,
        columns: 512,
        seed: 'viewer-bench-jpegls',
        patientName: 'Lê^Văn Tùng',
      });
      const jls = await compressJpegLs(source, path.join(run.dataDir, 'jpegls'));
      studies.push({ label: 'CT JPEG-LS', series: jls, fuzzyName: 'le van tung', megabytes: megabytes(jls) });
    }

    const server = run.startServer();
    const dicomWeb = await server.dicomWeb;
    const base = dicomWeb.replace(/\/dicom-web$/, '');
    for (const study of studies)
      problems.push(...(await stowInBatches(dicomWeb, study.series.instances)).problems.map((p) => `STOW: ${p}`));
    for (const s of studies)
      console.log(`${s.label}: ${s.series.instances.length} slices 512×512, ${s.megabytes.toFixed(1)} MB stored over STOW-RS`);

    browser = await launchBrowser();
    console.log(
      `\nChromium ${browser.version()}, ${opt.runs} runs (cold: a new browser context each), slow link ${opt.slowMbit} Mbit/s + ${opt.slowLatency} ms, ${opt.slowRuns} runs\n`,
    );
    console.log('| measure | p50 | min .. max | runs |');
    console.log('| --- | --- | --- | --- |');
    const figures: Record<string, Figure> = {};
    const add = ([name, f]: [string, Figure]) => (figures[name] = f);

    const worklist = [];
    for (let n = 0; n < opt.runs; n++) worklist.push(await worklistRun(browser, base, studies[0]!, problems));
    add(
      row(
        'worklist: navigation → ready',
        'ms',
        worklist.map((w) => w.ready),
      ),
    );
    add(
      row(
        'worklist: search → study row',
        'ms',
        worklist.map((w) => w.search),
      ),
    );
    add(
      row(
        'worklist: navigation → study row after fuzzy search',
        'ms',
        worklist.map((w) => w.total),
      ),
    );

    for (const [slow, runs] of [
      [false, opt.runs],
      [true, opt.slowRuns],
    ] as const) {
      for (const study of studies) {
        const results = [];
        for (let n = 0; n < runs; n++) results.push(await viewerRun(browser, base, study, slow, problems));
        if (results.length === 0) continue;
        const link = slow ? `, ${opt.slowMbit} Mbit/s ${opt.slowLatency} ms` : '';
        add(
          row(
            `${study.label}${link}: first image`,
            'ms',
            results.map((r) => r.first),
          ),
        );
        add(
          row(
            `${study.label}${link}: whole series (${study.series.instances.length})`,
            'ms',
            results.map((r) => r.loaded),
          ),
        );
        if (!slow)
          add(
            row(
              `${study.label}: scroll ${study.series.instances.length - 1} slices`,
              'fps',
              results.map((r) => r.scroll!),
            ),
          );
      }
    }

    console.log('\ntargets on loopback: first image < 1 s, whole 300-slice series < 10 s, scrolling ≥ 30 fps');
    report.figures = figures;
    return await finish(report, problems, 'every check passed', args.json);
  } finally {
    await browser?.close();
  }
}

runBench('pacs-viewer-bench-', main);
