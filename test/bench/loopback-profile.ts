/**
 * Where the viewer's time goes while it loads a --slices (300) slice real CT on loopback (issue 11):
 * the page's main thread profiled with CDP's Profiler from the navigation to "every slice
 * lossless", --runs times. Prints the load time and the functions with the most self time
 * (mapped to viewer sources through the build's source maps); --out saves the .cpuprofile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SourceMapConsumer } from 'source-map-js';
import { realCtSeries } from '../../fixtures/real-ct-series';
import { buildViewerIfNeeded } from '../../server/viewer/build-viewer';
import { launchBrowser, signIn } from '../helpers/browser';
import { BENCH_ADMIN } from './bench-account';
import { installWatcher, waitForMark } from './page-marks';
import { benchReport, finish, runBench } from './run-bench';
import { stowInBatches } from './stow-client';

const { values: args } = parseArgs({
  options: {
    slices: { type: 'string', default: '300' },
    runs: { type: 'string', default: '1' },
    out: { type: 'string' },
    trace: { type: 'string' },
    floor: { type: 'boolean' },
    top: { type: 'string', default: '30' },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const maps = new Map<string, SourceMapConsumer | undefined>();
function original(url: string, line: number, column: number): string {
  const file = url.replace(/^https?:\/\/[^/]+\/assets\//, '');
  if (!maps.has(file)) {
    const map = path.resolve('dist/viewer/assets', `${file}.map`);
    maps.set(
      file,
      url.includes('/assets/') && fs.existsSync(map) ? new SourceMapConsumer(JSON.parse(fs.readFileSync(map, 'utf8'))) : undefined,
    );
  }
  const consumer = maps.get(file);
  if (!consumer) return `${url.split('/').pop()}:${line + 1}`;
  const pos = consumer.originalPositionFor({ line: line + 1, column });
  return `${(pos.source ?? '?').replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, '')}:${pos.line}${pos.name ? ` ${pos.name}` : ''}`;
}

function selfTimes(profile: Profile): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { callFrame: f } = byId.get(id)!;
    const key = f.url ? `${f.functionName || '(anonymous)'} ${original(f.url, f.lineNumber, f.columnNumber)}` : f.functionName;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

/** CPU time (ticks of 10 ms) of Chromium's processes by type, and of the archive. */
function chromiumTicks(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const type = cmd.includes('chromium')
        ? (/--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser') + (/--utility-sub-type=([\w.]+)/.exec(cmd)?.[1] ?? '').replace(/^(.)/, ' $1')
        : cmd.includes('server/main.ts') || cmd.includes('dist/server/main.js')
          ? 'archive'
          : undefined;
      if (!type) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out[type] = (out[type] ?? 0) + Number(stat[11]) + Number(stat[12]);
    } catch {
      // gone
    }
  }
  return out;
}

runBench('pacs-loopback-profile-', async (run) => {
  const problems: string[] = [];
  const report = benchReport(args);
  if (buildViewerIfNeeded()) console.error('viewer built');
  const series = realCtSeries({ slices: Number(args.slices), patientId: 'LOOPBACK-PROFILE' });
  const server = run.startServer();
  const dicomWeb = await server.dicomWeb;
  const base = dicomWeb.replace(/\/dicom-web$/, '');
  problems.push(...(await stowInBatches(dicomWeb, series.instances)).problems);
  const browser = await launchBrowser();
  try {
    for (let n = 0; n < Number(args.runs); n++) {
      const total = series.instances.length;
      const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
      await context.addInitScript('globalThis.__name = (f) => f;');
      const watched: [string, string][] = [
        ['first', '[data-testid="viewport"][data-render-count]'],
        ['lossless', `[data-testid="series-item"][data-total="${total}"][data-lossless="${total}"]`],
      ];
      await context.addInitScript(installWatcher, watched);
      const page = await context.newPage();
      await signIn(page, { url: base }, BENCH_ADMIN);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      if (args.trace)
        await browser.startTracing(page, {
          categories: (
            process.env.TRACE_CATEGORIES ?? 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink,loading'
          ).split(','),
        });
      await page.goto(`${base}/viewer?StudyInstanceUIDs=${encodeURIComponent(series.studyUid)}`);
      const first = await waitForMark(page, 'first');
      const lossless = await waitForMark(page, 'lossless');
      if (args.trace) fs.writeFileSync(`${args.trace}.${n + 1}.json`, await browser.stopTracing());
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
      console.log(`run ${n + 1}: first image ${first.toFixed(0)} ms, whole series ${lossless.toFixed(0)} ms`);
      if (args.out) fs.writeFileSync(`${args.out}.${n + 1}.cpuprofile`, JSON.stringify(profile));
      for (const [name, ms] of selfTimes(profile).slice(0, Number(args.top))) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
      if (args.floor) {
        // The same frames fetched by the page with nothing else to do: what Chromium's fetch alone costs.
        const urls = series.instances.map(
          ({ sopUid }) => `${dicomWeb}/studies/${series.studyUid}/series/${series.seriesUid}/instances/${sopUid}/frames/1`,
        );
        const before = chromiumTicks();
        const floor = await page.evaluate(async (urls) => {
          const started = performance.now();
          let next = 0;
          const lane = async () => {
            while (next < urls.length) {
              // The Node types know no `cache` (undici ignores it); the page's fetch honours it.
              const res = await fetch(urls[next++]!, {
                ...({ cache: 'no-store' } as object),
                headers: { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' },
              });
              await res.arrayBuffer();
            }
          };
          await Promise.all(Array.from({ length: 6 }, lane));
          return performance.now() - started;
        }, urls);
        const after = chromiumTicks();
        const used = Object.entries(after).map(([k, v]) => `${k} ${((v - (before[k] ?? 0)) * 10).toFixed(0)} ms`);
        console.log(`  fetch alone: ${floor.toFixed(0)} ms; CPU ${used.join(', ')}`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return finish(report, problems, 'profiled', undefined);
});
