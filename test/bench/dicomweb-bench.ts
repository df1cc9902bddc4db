/**
 * DICOMweb read benchmark at hospital scale (`npm run bench:dicomweb`):
 *
 *   1. builds an index of --studies (100,000) studies / ~1,000,000 instances of --patients patients
 *      through the archive's own index code (synthetic-archive.ts: index rows only, no objects),
 *   2. starts the archive on it as its own process and stores one real --slices (500) slice CT
 *      series 512×512 over STOW-RS (fixtures/generate-ct-series.ts),
 *   3. QIDO-RS: a mix of worklist queries (fuzzy name, PatientID, a week + ModalitiesInStudy,
 *      AccessionNumber; limit=100) sequentially (p50/p95) and 8 in flight (queries/s), every
 *      answer checked; then counts all studies page by page,
 *   4. WADO-RS series metadata of the 500-instance series (first and warm, plain and gzip),
 *   5. WADO-RS frames: frame 1 of every CT slice (native 512×512×16 bit), 1 and 8 in flight.
 *
 * Data live in a temporary folder ($TMPDIR) removed at the end, on error and on Ctrl-C.
 * Exit code: 0 every answer verified, 3 a verification failed, 1 the harness failed.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import { BENCH_AUTHORIZATION } from './bench-account';
import { ProcMonitor } from './proc-monitor';
import { benchReport, finish, runBench } from './run-bench';
import type { BenchRun } from './server-process';
import { countSearchResults, mapConcurrent, stowInBatches } from './stow-client';
import { buildSyntheticArchive, type SyntheticArchive } from './synthetic-archive';

const { values: args } = parseArgs({
  options: {
    studies: { type: 'string', default: '100000' },
    patients: { type: 'string', default: '40000' },
    slices: { type: 'string', default: '500' },
    queries: { type: 'string', default: '400' },
    'concurrent-queries': { type: 'string', default: '2000' },
    json: { type: 'string' },
  },
});
const opt = {
  studies: Number(args.studies),
  patients: Number(args.patients),
  slices: Number(args.slices),
  queries: Number(args.queries),
  concurrentQueries: Number(args['concurrent-queries']),
};
for (const [name, value] of Object.entries(opt)) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
}

const METADATA_RUNS = 10;
const FRAME_BYTES = 512 * 512 * 2;

// ---------------------------------------------------------------- HTTP

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

function get(url: string, agent: http.Agent, headers: Record<string, string> = {}): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { authorization: BENCH_AUTHORIZATION, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

// ---------------------------------------------------------------- QIDO-RS

interface Query {
  kind: 'fuzzy name' | 'PatientID' | 'week + modality' | 'accession';
  path: string;
  /** exact number of results expected, or undefined for "at least one" */
  expected?: number;
}

function worklistQueries(archive: SyntheticArchive, count: number): Query[] {
  const queries: Query[] = [];
  for (let n = 0; queries.length < count; n++) {
    const sample = archive.samples[(n * 7919) % archive.samples.length]!;
    const day = new Date(Date.UTC(+sample.date.slice(0, 4), +sample.date.slice(4, 6) - 1, +sample.date.slice(6, 8)));
    const weekEnd = new Date(day.getTime() + 6 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    const all: Query[] = [
      { kind: 'fuzzy name', path: `/studies?PatientName=${encodeURIComponent(sample.fuzzyName)}&fuzzymatching=true&limit=100` },
      {
        kind: 'PatientID',
        path: `/studies?PatientID=${sample.patientId}&limit=100`,
        expected: archive.studiesOfPatient.get(sample.patientId),
      },
      { kind: 'week + modality', path: `/studies?StudyDate=${sample.date}-${weekEnd}&ModalitiesInStudy=${sample.modality}&limit=100` },
      { kind: 'accession', path: `/studies?AccessionNumber=${sample.accession}`, expected: 1 },
    ];
    queries.push(all[n % all.length]!);
  }
  return queries;
}

async function runQuery(dicomWeb: string, agent: http.Agent, query: Query, problems: string[]): Promise<number> {
  const reply = await get(`${dicomWeb}${query.path}`, agent, { accept: 'application/dicom+json' });
  const items = reply.status === 200 ? (JSON.parse(reply.body.toString('utf8')) as unknown[]).length : 0;
  const ok = reply.status === 200 && (query.expected === undefined ? items >= 1 : items === query.expected);
  if (!ok) problems.push(`${query.path}: status ${reply.status}, ${items} results (expected ${query.expected ?? '≥ 1'})`);
  return reply.ms;
}

// ---------------------------------------------------------------- main

async function main(run: BenchRun): Promise<number> {
  const dataDir = run.dataDir;
  const problems: string[] = [];
  const report = benchReport(opt);

  // 1. the synthetic archive
  console.error(`building a synthetic index of ${opt.studies} studies in ${dataDir} …`);
  let lastReport = 0;
  const archive = buildSyntheticArchive(path.join(dataDir, 'index.sqlite'), {
    studies: opt.studies,
    patients: opt.patients,
    progress: (studies, instances) => {
      if (studies - lastReport >= opt.studies / 10) {
        lastReport = studies;
        console.error(`  ${studies} studies, ${instances} instances`);
      }
    },
  });
  const indexMb = (await fs.stat(path.join(dataDir, 'index.sqlite'))).size / 1e6;
  console.log(
    `synthetic index: ${archive.studies} studies, ${archive.series} series, ${archive.instances} instances (index rows only, no objects), ` +
      `${opt.patients} patients, written through ArchiveIndex.insertInstances in ${archive.seconds.toFixed(1)} s ` +
      `(${Math.round(archive.instances / archive.seconds)} instances/s), index file ${indexMb.toFixed(0)} MB`,
  );
  report.synthetic = {
    studies: archive.studies,
    series: archive.series,
    instances: archive.instances,
    seconds: archive.seconds,
    indexMb,
  };

  // 2. the server, and one real CT series over STOW-RS
  const server = run.startServer();
  const dicomWeb = await server.dicomWeb;
  const pid = server.child.pid;
  if (pid === undefined) throw new Error('the server process has no PID');
  const monitor = new ProcMonitor(pid, 100);
  const ct = generateCtSeries({ slices: opt.slices, rows: 512, columns: 512, seed: 'dicomweb-bench' });
  const stowStarted = performance.now();
  problems.push(...(await stowInBatches(dicomWeb, ct.instances)).problems.map((p) => `STOW: ${p}`));
  const stowSeconds = (performance.now() - stowStarted) / 1000;
  console.log(
    `real objects: ${opt.slices} CT slices 512×512 (generate-ct-series) stored over STOW-RS into the 100k index in ${stowSeconds.toFixed(1)} s (${Math.round(opt.slices / stowSeconds)} inst/s)`,
  );

  // 3. QIDO-RS
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const sequential = worklistQueries(archive, opt.queries);
  for (const query of sequential.slice(0, 8)) await runQuery(dicomWeb, agent, query, []); // connections and statement caches
  const byKind = new Map<string, number[]>();
  const all: number[] = [];
  const qidoCpu = monitor.phase();
  for (const query of sequential) {
    const ms = await runQuery(dicomWeb, agent, query, problems);
    all.push(ms);
    byKind.set(query.kind, [...(byKind.get(query.kind) ?? []), ms]);
  }
  const sequentialCpu = qidoCpu.end();
  all.sort((a, b) => a - b);
  console.log(`\nQIDO-RS at ${archive.studies + 1} studies, sequential (c=1), ${all.length} queries, limit=100:`);
  console.log(
    `  all            p50 ${percentile(all, 50).toFixed(1)} ms  p95 ${percentile(all, 95).toFixed(1)} ms  max ${all.at(-1)!.toFixed(1)} ms  server CPU ${(sequentialCpu.cpuMs / all.length).toFixed(2)} ms/query`,
  );
  const kinds: Record<string, { p50: number; p95: number }> = {};
  for (const [kind, times] of byKind) {
    times.sort((a, b) => a - b);
    kinds[kind] = { p50: percentile(times, 50), p95: percentile(times, 95) };
    console.log(`  ${kind.padEnd(16)}p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms`);
  }
  const concurrent = worklistQueries(archive, opt.concurrentQueries);
  const c8Started = performance.now();
  const c8Times = await mapConcurrent(concurrent, 8, (query) => runQuery(dicomWeb, agent, query, problems));
  const c8Seconds = (performance.now() - c8Started) / 1000;
  c8Times.sort((a, b) => a - b);
  const qps = concurrent.length / c8Seconds;
  console.log(
    `  8 in flight    ${qps.toFixed(0)} queries/s over ${concurrent.length} queries (p50 ${percentile(c8Times, 50).toFixed(1)} ms, p95 ${percentile(c8Times, 95).toFixed(1)} ms)`,
  );
  const countStarted = performance.now();
  const studyCount = await countSearchResults(`${dicomWeb}/studies`, 1000);
  const countSeconds = (performance.now() - countStarted) / 1000;
  if (studyCount !== archive.studies + 1) problems.push(`study count ${studyCount} instead of ${archive.studies + 1}`);
  console.log(
    `  study-level count: ${studyCount} studies listed in ${Math.ceil(studyCount / 1000)} pages of 1000 in ${countSeconds.toFixed(1)} s`,
  );
  report.qido = {
    sequential: { p50: percentile(all, 50), p95: percentile(all, 95), serverCpuMsPerQuery: sequentialCpu.cpuMs / all.length, kinds },
    concurrent8: { queriesPerSecond: qps, p50: percentile(c8Times, 50), p95: percentile(c8Times, 95) },
    studyCount,
    countSeconds,
  };

  // 4. series metadata of the 500-instance series
  const metadataUrl = `${dicomWeb}/studies/${ct.studyUid}/series/${ct.seriesUid}/metadata`;
  const metadata = async (encoding?: string) => {
    const reply = await get(metadataUrl, agent, {
      accept: 'application/dicom+json',
      ...(encoding ? { 'accept-encoding': encoding } : {}),
    });
    if (reply.status !== 200) problems.push(`metadata: status ${reply.status}`);
    return reply;
  };
  const first = await metadata();
  const items = (JSON.parse(first.body.toString('utf8')) as unknown[]).length;
  if (items !== opt.slices) problems.push(`metadata: ${items} instances instead of ${opt.slices}`);
  const warm: number[] = [];
  const gzip: number[] = [];
  let gzipBytes = 0;
  for (let n = 0; n < METADATA_RUNS; n++) warm.push((await metadata()).ms);
  for (let n = 0; n < METADATA_RUNS; n++) {
    const reply = await metadata('gzip');
    gzip.push(reply.ms);
    gzipBytes = reply.body.length;
  }
  console.log(
    `\nWADO-RS series metadata, ${items} instances (${(first.body.length / 1e6).toFixed(2)} MB JSON, ${(gzipBytes / 1e6).toFixed(2)} MB gzip):`,
  );
  console.log(`  first ${first.ms.toFixed(1)} ms, warm median ${median(warm).toFixed(1)} ms, gzip median ${median(gzip).toFixed(1)} ms`);
  report.metadata = {
    instances: items,
    firstMs: first.ms,
    warmMedianMs: median(warm),
    gzipMedianMs: median(gzip),
    bytes: first.body.length,
    gzipBytes,
  };

  // 5. frames
  const frameAccept = { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' };
  const frameUrl = (sopUid: string) => `${dicomWeb}/studies/${ct.studyUid}/series/${ct.seriesUid}/instances/${sopUid}/frames/1`;
  const fetchFrame = async (sopUid: string) => {
    const reply = await get(frameUrl(sopUid), agent, frameAccept);
    if (reply.status !== 200 || reply.body.length < FRAME_BYTES)
      problems.push(`frame of ${sopUid}: status ${reply.status}, ${reply.body.length} bytes`);
    return reply.ms;
  };
  const sopUids = ct.instances.map((i) => i.sopUid);
  const frames = async (concurrency: number, rounds: number) => {
    const list = Array.from({ length: rounds }, () => sopUids).flat();
    const started = performance.now();
    const times = await mapConcurrent(list, concurrency, fetchFrame);
    return { perSecond: list.length / ((performance.now() - started) / 1000), p50: median(times) };
  };
  const c1 = await frames(1, 1);
  const c8 = await frames(8, 2);
  console.log(`\nWADO-RS frames, native 512×512×16 bit (${(FRAME_BYTES / 1e6).toFixed(2)} MB each), multipart octet-stream:`);
  console.log(
    `  c=1 ${c1.perSecond.toFixed(0)} frames/s (p50 ${c1.p50.toFixed(1)} ms), c=8 ${c8.perSecond.toFixed(0)} frames/s (p50 ${c8.p50.toFixed(1)} ms)`,
  );
  report.frames = { c1, c8 };
  agent.destroy();
  monitor.stop();

  console.log(
    '\ntargets (10× Orthanc 1.10 at 5,000 studies on this VM): QIDO p95 ≤ 22 ms; ≥ 120 queries/s at c=8; series metadata ≤ 26 ms; frames ≥ 388/s',
  );
  return finish(report, problems, 'every answer verified', args.json);
}

runBench('pacs-dicomweb-bench-', main);
