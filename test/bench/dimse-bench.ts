/**
 * DIMSE benchmark (`npm run bench:dimse`), issue 14: the archive's DICOM network services beside
 * Orthanc 1.10.1 from Debian (its DICOM server on), on the same data and the same machine, one
 * server after the other, with DCMTK's tools as the client:
 *
 *   1. storescu of a --slices (300) slice 512×512 CT (fixtures/generate-ct-series.ts): one
 *      association, then a second series of the same size split over 4 concurrent storescu;
 *   2. findscu, study level, --queries (200) of PatientID / PatientName wildcard / StudyDate range
 *      on the --studies (5,000) study index corpus of bench:dicomweb (synthetic-archive.ts): one
 *      process and association per query, then the same queries on one association;
 *   3. movescu of the first CT to a storescp started by the bench;
 *   4. the server's resident memory: peak while the DIMSE phases ran, and after them.
 *
 * Before its figures each server gets a storescu of 10 other slices (first associations, JIT, our
 * codec pool's start-up compile) and a second with under 5 % of a core busy.
 * The corpus reaches our archive as in bench:dicomweb (index rows written before the server
 * starts); Orthanc gets the same data sets as small Part 10 files (no pixel data) over its REST
 * API (POST /instances) before its figures are taken. Every answer is checked: instance counts
 * after storescu (QIDO-RS on both), study counts of PatientID queries, the same counts from both
 * servers for every query, every moved file received. Sizes come from options or from
 * BENCH_DIMSE_SLICES, BENCH_DIMSE_STUDIES, BENCH_DIMSE_QUERIES. Exit code: 0 every check passed,
 * 3 a check failed, 1 the harness failed.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { DimseStatus, RemoteAeInput } from '../../shared/api/dimse';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { fileMetaHeader } from '../../server/codecs/file-meta';
import { encodeDataSet } from '../../server/dimse/data-set-codec';
import type { InstanceRecord } from '../../server/index/archive-index';
import { generateCtSeries, type CtSeries } from '../../fixtures/generate-ct-series';
import { runDcmtk, startStorescp } from '../helpers/dcmtk';
import { startOrthanc } from '../helpers/orthanc';
import { BENCH_AUTHORIZATION } from './bench-account';
import { FindAssociation, findQueries, findWithFindscu, type FindAnswer, type FindQuery, type FindTarget } from './dimse-find-queries';
import { ProcMonitor } from './proc-monitor';
import { benchReport, finish, runBench } from './run-bench';
import type { BenchRun } from './server-process';
import { countSearchResults, mapConcurrent } from './stow-client';
import { buildSyntheticArchive, type SyntheticArchive } from './synthetic-archive';
import { mb, printTable, printTargets, type FindFigures, type ServerFigures, type StoreFigures } from './dimse-report';

const env = process.env;
const { values: args } = parseArgs({
  options: {
    slices: { type: 'string', default: env.BENCH_DIMSE_SLICES ?? '300' },
    studies: { type: 'string', default: env.BENCH_DIMSE_STUDIES ?? '5000' },
    queries: { type: 'string', default: env.BENCH_DIMSE_QUERIES ?? '200' },
    /** Comma-separated: orthanc, find, move. */
    skip: { type: 'string', default: env.BENCH_DIMSE_SKIP ?? '' },
    json: { type: 'string' },
  },
});
const opt = { slices: Number(args.slices), studies: Number(args.studies), queries: Number(args.queries) };
for (const [name, value] of Object.entries(opt))
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
const SKIP = new Set(args.skip.split(',').filter(Boolean));
/**
 * Debian's DCMTK (storescu, findscu, movescu, storescp, and Orthanc, which is built on it) keeps
 * Nagle's algorithm on unless TCP_NODELAY=1 is in its environment; then every response written in
 * two segments waits for the peer's delayed ACK, ~40 ms per C-STORE or C-FIND on loopback. The
 * bench turns it off for all of them (our listener and DimseClient always set it);
 * `TCP_NODELAY=0 npm run bench:dimse` measures them as Debian runs them.
 */
process.env.TCP_NODELAY ??= '1';
const CALLING_AE = 'BENCHSCU';
const STORESCP_AE = 'BENCHSCP';
const CONCURRENT_ASSOCIATIONS = 4;

interface ServerUnderTest extends FindTarget {
  label: string;
  pid: number;
  dicomWeb: string;
}

const problems: string[] = [];
const check = (ok: boolean, problem: string) => {
  if (!ok) problems.push(problem);
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Writes the series as files, one folder per association's share. */
async function writeSeries(dir: string, series: CtSeries, shares: number): Promise<string[][]> {
  const lists: string[][] = Array.from({ length: shares }, () => []);
  await fs.mkdir(dir, { recursive: true });
  for (const [n, instance] of series.instances.entries()) {
    const file = path.join(dir, `${String(n).padStart(4, '0')}.dcm`);
    await fs.writeFile(file, instance.bytes);
    lists[n % shares]!.push(file);
  }
  return lists;
}

async function storeWithStorescu(
  server: ServerUnderTest,
  monitor: ProcMonitor,
  series: CtSeries,
  lists: string[][],
): Promise<StoreFigures> {
  const phase = monitor.phase();
  const started = performance.now();
  const runs = await Promise.all(
    lists.map((files) => runDcmtk('storescu', ['-aet', CALLING_AE, '-aec', server.aeTitle, server.host, String(server.port), ...files])),
  );
  const seconds = (performance.now() - started) / 1000;
  const usage = phase.end();
  for (const run of runs) check(run.code === 0, `${server.label}: storescu exited ${run.code}: ${run.output.slice(-300)}`);
  const stored = await countSearchResults(`${server.dicomWeb}/studies/${series.studyUid}/instances`);
  const instances = series.instances.length;
  check(stored === instances, `${server.label}: ${stored} of ${instances} instances stored over ${lists.length} association(s)`);
  return {
    associations: lists.length,
    instances,
    seconds,
    perSecond: instances / seconds,
    serverCpuMsPerInstance: usage.cpuMs / instances,
  };
}

async function findFigures(
  server: ServerUnderTest,
  monitor: ProcMonitor,
  queries: FindQuery[],
  via: FindFigures['via'],
  find: (query: FindQuery) => Promise<FindAnswer>,
): Promise<FindFigures> {
  for (const query of queries.slice(0, 6)) await find(query); // statement caches, page cache
  const phase = monitor.phase();
  const answers: FindAnswer[] = [];
  for (const query of queries) answers.push(await find(query));
  const usage = phase.end();
  const byKind = new Map<string, FindAnswer[]>();
  for (const [n, answer] of answers.entries()) {
    const query = queries[n]!;
    byKind.set(query.kind, [...(byKind.get(query.kind) ?? []), answer]);
    const what = `${server.label} ${via}: ${query.key.keyword}=${query.key.value}`;
    check(answer.ok, `${what} failed: ${answer.detail}`);
    if (query.expected !== undefined)
      check(answer.matches === query.expected, `${what}: ${answer.matches} studies, expected ${query.expected}`);
    else check(answer.matches >= 1, `${what}: no study found`);
  }
  const sorted = (list: FindAnswer[]) => list.map((a) => a.ms).sort((a, b) => a - b);
  const all = sorted(answers);
  const kinds: FindFigures['kinds'] = {};
  for (const [kind, list] of byKind) {
    const times = sorted(list);
    kinds[kind] = {
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      meanMatches: list.reduce((s, a) => s + a.matches, 0) / list.length,
    };
  }
  return {
    via,
    queries: queries.length,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    kinds,
    serverCpuMsPerQuery: usage.cpuMs / queries.length,
    counts: answers.map((a) => a.matches),
  };
}

async function moveWithMovescu(server: ServerUnderTest, monitor: ProcMonitor, series: CtSeries, dir: string) {
  const phase = monitor.phase();
  const started = performance.now();
  const run = await runDcmtk('movescu', [
    '-S',
    '-aet',
    CALLING_AE,
    '-aec',
    server.aeTitle,
    '-aem',
    STORESCP_AE,
    '-k',
    'QueryRetrieveLevel=STUDY',
    '-k',
    `StudyInstanceUID=${series.studyUid}`,
    server.host,
    String(server.port),
  ]);
  const seconds = (performance.now() - started) / 1000;
  phase.end();
  check(run.code === 0, `${server.label}: movescu exited ${run.code}: ${run.output.slice(-300)}`);
  const received = (await fs.readdir(dir)).length;
  check(
    received === series.instances.length,
    `${server.label}: storescp received ${received} of ${series.instances.length} moved instances`,
  );
  return { instances: received, seconds, perSecond: received / seconds };
}

/** Waits until the server spends less than 5 % of a core over a second (at most 30 s). */
async function settle(monitor: ProcMonitor): Promise<void> {
  for (let n = 0; n < 30; n++) {
    const before = monitor.cpuMs();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (monitor.cpuMs() - before < 50) return;
  }
}

/** Every DIMSE phase against one server; the server already holds the index corpus. */
async function measure(
  server: ServerUnderTest,
  work: {
    one: CtSeries;
    oneFiles: string[];
    four: CtSeries;
    fourFiles: string[][];
    warmUp: CtSeries;
    warmUpFiles: string[];
    queries: FindQuery[];
  },
  /** Where a storescp started by the bench (its AE registered on the server) writes what it receives. */
  storescp: { dir: string } | undefined,
): Promise<ServerFigures> {
  const monitor = new ProcMonitor(server.pid, 50);
  // Warm up (first associations, JIT, our codec pool's start-up compile), then wait for a quiet server.
  await storeWithStorescu(server, monitor, work.warmUp, [work.warmUpFiles]);
  await settle(monitor);
  const whole = monitor.phase();
  const figures: ServerFigures = {
    label: server.label,
    store: [],
    find: [],
    rssStartBytes: 0,
    rssPeakBytes: 0,
    rssAfterBytes: 0,
    vmHwmBytes: 0,
  };
  figures.store.push(await storeWithStorescu(server, monitor, work.one, [work.oneFiles]));
  console.error(`${server.label}: storescu, 1 association: ${figures.store[0]!.perSecond.toFixed(0)} inst/s`);
  figures.store.push(await storeWithStorescu(server, monitor, work.four, work.fourFiles));
  console.error(`${server.label}: storescu, ${CONCURRENT_ASSOCIATIONS} associations: ${figures.store[1]!.perSecond.toFixed(0)} inst/s`);

  if (!SKIP.has('find')) {
    figures.find.push(await findFigures(server, monitor, work.queries, 'findscu', (query) => findWithFindscu(server, query)));
    // Opened only now: Orthanc closes an association idle for 30 s (DicomScpTimeout).
    const association = await FindAssociation.open(server);
    if (!association) problems.push(`${server.label} does not accept Study Root C-FIND`);
    else {
      figures.find.push(await findFigures(server, monitor, work.queries, 'one association', (query) => association.find(query)));
      await association.release();
    }
    console.error(`${server.label}: C-FIND p50 ${figures.find.map((f) => `${f.p50.toFixed(1)} ms (${f.via})`).join(', ')}`);
  }
  if (storescp) {
    figures.move = await moveWithMovescu(server, monitor, work.one, storescp.dir);
    console.error(`${server.label}: movescu ${figures.move.perSecond.toFixed(0)} inst/s`);
  }
  const usage = whole.end();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  figures.rssStartBytes = usage.rssStartBytes;
  figures.rssPeakBytes = usage.rssPeakBytes;
  figures.rssAfterBytes = monitor.rssBytes();
  figures.vmHwmBytes = monitor.vmHwmBytes();
  monitor.stop();
  return figures;
}

/** The synthetic archive's data sets as Part 10 files, without their (absent) pixel data. */
function part10(record: InstanceRecord): Buffer {
  const { '7FE00010': _pixels, ...dataSet } = record.dataset;
  return Buffer.concat([
    fileMetaHeader({ sopClassUid: record.sopClassUid, sopInstanceUid: record.sopUid, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN }),
    encodeDataSet(dataSet, EXPLICIT_VR_LITTLE_ENDIAN),
  ]);
}

async function ourArchive(run: BenchRun): Promise<{ server: ServerUnderTest; stop: () => Promise<void> }> {
  const process = run.startServer();
  const dicomWeb = await process.dicomWeb;
  const origin = dicomWeb.replace(/\/dicom-web$/, '');
  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${origin}/api${route}`, {
      method,
      headers: { authorization: BENCH_AUTHORIZATION, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} /api${route}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };
  const status = await api<DimseStatus>('GET', '/dimse/status');
  if (status.port === null) throw new Error('the archive started without DIMSE');
  const scu: RemoteAeInput = { aeTitle: CALLING_AE, host: '127.0.0.1', mayStore: true, mayQuery: true, mayRetrieve: true };
  await api('POST', '/dimse/remote-aes', scu);
  return {
    server: {
      label: 'ours',
      host: '127.0.0.1',
      port: status.port,
      aeTitle: status.aeTitle,
      callingAeTitle: CALLING_AE,
      pid: process.child.pid!,
      dicomWeb,
    },
    stop: async () => {
      process.child.kill('SIGTERM');
      await new Promise((resolve) => process.child.once('exit', resolve));
    },
  };
}

async function main(run: BenchRun): Promise<number> {
  const report = benchReport({ ...opt, skip: [...SKIP], tcpNoDelay: process.env.TCP_NODELAY });
  const dir = path.join(run.dataDir, 'bench-files');
  const one = generateCtSeries({ slices: opt.slices, rows: 512, columns: 512, seed: 'dimse-bench-1', patientId: 'CT-BENCH-1' });
  const four = generateCtSeries({ slices: opt.slices, rows: 512, columns: 512, seed: 'dimse-bench-4', patientId: 'CT-BENCH-4' });
  const warmUp = generateCtSeries({ slices: 10, rows: 512, columns: 512, seed: 'dimse-bench-warm-up', patientId: 'CT-BENCH-0' });
  const [oneFiles] = await writeSeries(path.join(dir, 'ct-one'), one, 1);
  const [warmUpFiles] = await writeSeries(path.join(dir, 'ct-warm-up'), warmUp, 1);
  const fourFiles = await writeSeries(path.join(dir, 'ct-four'), four, CONCURRENT_ASSOCIATIONS);
  const ctBytes = one.instances.reduce((sum, i) => sum + i.bytes.length, 0);
  console.error(`CT: ${opt.slices} slices 512×512, ${mb(ctBytes)} per series, written to ${dir}`);

  const forOrthanc: Buffer[] = [];
  const archive: SyntheticArchive = buildSyntheticArchive(path.join(run.dataDir, 'index.sqlite'), {
    studies: opt.studies,
    patients: Math.max(1, Math.round(opt.studies * 0.4)),
    ...(SKIP.has('orthanc') ? {} : { onInstance: (record: InstanceRecord) => forOrthanc.push(part10(record)) }),
  });
  console.error(`index corpus: ${archive.studies} studies, ${archive.instances} instances in ${archive.seconds.toFixed(1)} s`);
  const queries = findQueries(archive, opt.queries);
  const work = { one, oneFiles: oneFiles!, four, fourFiles, warmUp, warmUpFiles: warmUpFiles!, queries };
  const rows: ServerFigures[] = [];

  const ours = await ourArchive(run);
  try {
    const storescpDir = await fs.mkdtemp(path.join(dir, 'moved-ours-'));
    const storescp = SKIP.has('move') ? undefined : await startStorescp(storescpDir, STORESCP_AE);
    try {
      if (storescp)
        await fetch(`${ours.server.dicomWeb.replace(/\/dicom-web$/, '')}/api/dimse/remote-aes`, {
          method: 'POST',
          headers: { authorization: BENCH_AUTHORIZATION, 'content-type': 'application/json' },
          body: JSON.stringify({ aeTitle: STORESCP_AE, host: '127.0.0.1', port: storescp.port, mayStore: false, mayRetrieve: true }),
        }).then(async (res) => {
          if (!res.ok) throw new Error(`registering the storescp: ${res.status} ${await res.text()}`);
        });
      rows.push(await measure(ours.server, work, storescp && { dir: storescpDir }));
    } finally {
      await storescp?.stop();
    }
  } finally {
    await ours.stop();
  }

  if (!SKIP.has('orthanc')) {
    const storescpDir = await fs.mkdtemp(path.join(dir, 'moved-orthanc-'));
    const storescp = SKIP.has('move') ? undefined : await startStorescp(storescpDir, STORESCP_AE);
    const orthanc = await startOrthanc({
      env: { TCP_NODELAY: process.env.TCP_NODELAY ?? '1' },
      dimse: {
        aeTitle: 'ORTHANC',
        modalities: {
          bench: [CALLING_AE, '127.0.0.1', 104],
          ...(storescp ? { storescp: [STORESCP_AE, '127.0.0.1', storescp.port] as [string, string, number] } : {}),
        },
      },
    });
    try {
      const loadStarted = performance.now();
      await mapConcurrent(forOrthanc, 4, async (bytes) => {
        const res = await orthanc.fetch('/instances', { method: 'POST', body: new Uint8Array(bytes) });
        if (!res.ok) throw new Error(`Orthanc refused an index corpus instance: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      });
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      console.error(
        `Orthanc: index corpus loaded over REST in ${loadSeconds.toFixed(0)} s (${(forOrthanc.length / loadSeconds).toFixed(0)} inst/s)`,
      );
      report.orthancLoadSeconds = loadSeconds;
      forOrthanc.length = 0;
      const server: ServerUnderTest = {
        label: 'Orthanc 1.10.1',
        host: '127.0.0.1',
        port: orthanc.dimse!.port,
        aeTitle: 'ORTHANC',
        callingAeTitle: CALLING_AE,
        pid: orthanc.pid,
        dicomWeb: orthanc.dicomWeb,
      };
      rows.push(await measure(server, work, storescp && { dir: storescpDir }));
    } finally {
      await storescp?.stop();
      await orthanc.stop();
    }
    const [a, b] = rows;
    for (const [n, find] of a!.find.entries()) {
      const theirs = b!.find[n]?.counts;
      const differ = theirs ? find.counts.filter((count, q) => count !== theirs[q]).length : 0;
      check(differ === 0, `${differ} C-FIND queries (${find.via}) found a different number of studies on the two servers`);
    }
  }

  console.log(
    `\n${opt.slices}-slice CT 512×512 (${mb(ctBytes)}); index corpus ${archive.studies} studies / ${archive.instances} instances; ${opt.queries} C-FIND queries per client`,
  );
  printTable(rows);
  printTargets(rows[0]!, rows[1]);
  report.servers = rows.map(({ find, ...rest }) => ({ ...rest, find: find.map(({ counts: _counts, ...f }) => f) }));
  return finish(report, problems, 'every answer verified', args.json);
}

runBench('pacs-dimse-bench-', main);
