/**
 * The archive's half of the loopback load (issue 11), without a browser: every frame of a
 * --slices (300) slice real CT fetched as the viewer fetches it on a fast link (Retrieve Frames,
 * `transfer-syntax=*` multipart, --concurrency (6) at a time, one kept-alive connection each),
 * --runs (3) times. Prints the time for the whole series and the spread of single requests.
 * BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { realCtSeries } from '../../fixtures/real-ct-series';
import { decodeMultipart, multipartBoundary } from '../../shared/dicomweb/multipart-decoder';
import { BENCH_AUTHORIZATION } from './bench-account';
import { benchReport, finish, runBench } from './run-bench';
import { mapConcurrent, stowInBatches } from './stow-client';

const { values: args } = parseArgs({
  options: {
    slices: { type: 'string', default: '300' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '6' },
    json: { type: 'string' },
  },
});
const opt = { slices: Number(args.slices), runs: Number(args.runs), concurrency: Number(args.concurrency) };

const ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';

function get(agent: http.Agent, url: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { accept: ACCEPT, authorization: BENCH_AUTHORIZATION } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

runBench('pacs-frames-fetch-bench-', async (run) => {
  const problems: string[] = [];
  const report = benchReport(opt);
  const series = realCtSeries({ slices: opt.slices, patientId: 'FRAMES-FETCH' });
  const server = run.startServer();
  const dicomWeb = await server.dicomWeb;
  problems.push(...(await stowInBatches(dicomWeb, series.instances)).problems);
  const urls = series.instances.map(
    ({ sopUid }) => `${dicomWeb}/studies/${series.studyUid}/series/${series.seriesUid}/instances/${sopUid}/frames/1`,
  );
  const runs: unknown[] = [];
  for (let n = 0; n < opt.runs; n++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: opt.concurrency });
    const latencies: number[] = [];
    const started = performance.now();
    await mapConcurrent(urls, opt.concurrency, async (url) => {
      const at = performance.now();
      const res = await get(agent, url);
      latencies.push(performance.now() - at);
      if (res.status !== 200) return problems.push(`${url}: ${res.status}`);
      const [part] = decodeMultipart(res.body, multipartBoundary(res.type));
      if (part?.body.length !== 512 * 512 * 2) problems.push(`${url}: a part of ${part?.body.length} bytes`);
    });
    const total = performance.now() - started;
    agent.destroy();
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
    console.log(
      `run ${n + 1}: ${opt.slices} frames in ${total.toFixed(0)} ms; per request p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms`,
    );
    runs.push({ total, p50: q(0.5), p90: q(0.9) });
  }
  report.figures = runs;
  return finish(report, problems, 'every frame right', args.json);
});
