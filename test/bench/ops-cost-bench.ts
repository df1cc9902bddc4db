/**
 * What metrics (PACS_METRICS) and the ingest digest (PACS_INGEST_DIGEST) cost on STOW-RS and
 * QIDO-RS (`npm run bench:ops`; issue 15's target: under 3 %).
 *
 * Four archives run as their own processes, as `npm start` runs them, each on its own copy of one
 * synthetic index of --studies studies: all on (the default), metrics off, digest off, both off.
 * Each round stores the same real CT series (fixtures/real-ct-series.ts, fresh UIDs per round)
 * into each of them in turn, the order rotated from round to round: only the archive being
 * measured runs, the three others are paused (SIGSTOP), and each is left idle before and after its
 * turn, so none pays for another's background work. Each round runs on fresh processes, warmed by
 * a short untimed STOW (a process keeps its own speed for life; --same-processes keeps them). Then the same QIDO-RS study and series queries
 * run one after another, each asked of the four archives in turn. The first --warmup rounds are
 * discarded. Every metrics-on archive is scraped (GET /metrics) once per round alone, after its
 * turn: the scrape's own time and server CPU, which a 15 s scrape interval spreads over 15 s. It is
 * kept out of the timed STOW window, a turn of about half a second: a scrape inside it would count
 * thirty times as often as Prometheus scrapes. A cost is the median of the per-round ratios with
 * its distribution-free interval (ops-cost-stats.ts).
 *
 * Exit code: 0 every answer verified, 3 a verification failed, 1 the harness failed.
 */
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { realCtSeries } from '../../fixtures/real-ct-series';
import { BENCH_AUTHORIZATION } from './bench-account';
import { printOpsCostReport, qidoP50, type QidoFigures, type RoundFigures, type Scrape, type StowFigures } from './ops-cost-report';
import { readCpuMs } from './proc-monitor';
import { benchReport, finish, runBench } from './run-bench';
import type { BenchRun } from './server-process';
import { CONFIGURATIONS, pause, prepareDataDirs, resume, startArchives, stopArchives, waitIdle, type Archive } from './ops-cost-archives';
import { mapConcurrent, storeInstances, stowProblem } from './stow-client';
import { buildSyntheticArchive, type SyntheticArchive } from './synthetic-archive';

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    studies: { type: 'string' },
    slices: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    queries: { type: 'string' },
    batch: { type: 'string' },
    concurrency: { type: 'string' },
    'same-processes': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
// Smoke-run defaults (about a minute); --full is the measurement (5–8 minutes on 2 cores).
const SIZES = {
  smoke: { studies: 1000, slices: 40, rounds: 3, warmup: 1, queries: 120 },
  full: { studies: 5000, slices: 300, rounds: 12, warmup: 1, queries: 600 },
};
const size = args.full ? SIZES.full : SIZES.smoke;
const opt = {
  full: args.full,
  studies: intArg('studies', size.studies, 1),
  slices: intArg('slices', size.slices, 1),
  rounds: intArg('rounds', size.rounds, 1),
  warmup: intArg('warmup', size.warmup, 0),
  queries: intArg('queries', size.queries, 6),
  batch: intArg('batch', 10, 1),
  concurrency: intArg('concurrency', 4, 1),
};

function intArg(name: keyof typeof args, fallback: number, min: number): number {
  const raw = args[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be an integer ≥ ${min}, not ${String(raw)}`);
    process.exit(2);
  }
  return value;
}

const TARGET_PERCENT = 3;

// ---------------------------------------------------------------- fresh archives for a round

/**
 * Fresh processes for a round, each warmed by an untimed STOW of a short series. A process keeps
 * its own speed for its whole life (its heap layout, where the kernel runs it): measured across
 * one set of processes, that bias (±20 % on STOW in a 20-round run) stays in every round and
 * the medians cannot cancel it. Restarted each round, it becomes noise the medians absorb.
 */
async function freshArchives(dataDirs: readonly string[], problems: string[]): Promise<Archive[]> {
  const archives = await startArchives(dataDirs);
  const warm = realCtSeries({ slices: WARM_SLICES, patientId: 'OPSWARM', patientName: 'Ops^Warm' });
  for (const a of archives) {
    await stowPhase(a, warm.instances, problems);
    await verifyAndDelete(a, warm.studyUid, warm.seriesUid, WARM_SLICES, problems);
    await waitIdle(a);
    pause(a);
  }
  return archives;
}

/** The warm-up series of a fresh process: enough for the JIT to compile the ingest path. */
const WARM_SLICES = 40;

// ---------------------------------------------------------------- HTTP

function get(url: string, agent: http.Agent, accept: string): Promise<{ status: number; body: Buffer; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { authorization: BENCH_AUTHORIZATION, accept } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), ms: performance.now() - started }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

function request(url: string, method: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .request(url, { method, headers: { authorization: BENCH_AUTHORIZATION } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject)
      .end();
  });
}

function jsonItems(body: Buffer, status: number): Array<Record<string, { Value?: unknown[] }>> {
  return status === 200 ? (JSON.parse(body.toString('utf8')) as Array<Record<string, { Value?: unknown[] }>>) : [];
}

// ---------------------------------------------------------------- STOW-RS, and the scrape alone

async function scrapeMetrics(a: Archive): Promise<Scrape> {
  const agent = new http.Agent({ keepAlive: false });
  const cpuBefore = readCpuMs(a.pid);
  const reply = await get(`${a.dicomWeb.replace(/\/dicom-web$/, '')}/metrics`, agent, 'text/plain');
  const serverCpuMs = readCpuMs(a.pid) - cpuBefore;
  agent.destroy();
  const text = reply.body.toString('utf8');
  const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  return { ms: reply.ms, serverCpuMs, status: reply.status, bytes: reply.body.length, samples };
}

async function stowPhase(a: Archive, instances: readonly { sopUid: string; bytes: Buffer }[], problems: string[]): Promise<StowFigures> {
  const batches: (typeof instances)[] = [];
  for (let i = 0; i < instances.length; i += opt.batch) batches.push(instances.slice(i, i + opt.batch));
  const agent = new http.Agent({ keepAlive: true, maxSockets: opt.concurrency });
  const cpuBefore = readCpuMs(a.pid);
  const started = performance.now();
  const replies = await mapConcurrent(batches, opt.concurrency, async (parts) => {
    const reply = await storeInstances(
      a.dicomWeb,
      parts.map((p) => p.bytes),
      agent,
    );
    const problem = stowProblem(
      reply,
      parts.map((p) => p.sopUid),
    );
    if (problem) problems.push(`${a.config.name}: STOW ${problem}`);
    return reply;
  });
  const seconds = (performance.now() - started) / 1000;
  const serverCpuMs = readCpuMs(a.pid) - cpuBefore;
  agent.destroy();
  return {
    seconds,
    instances: replies.reduce((n, r) => n + r.instances, 0),
    bytes: replies.reduce((n, r) => n + r.dicomBytes, 0),
    serverCpuMs,
  };
}

/** Not timed: the series must be listed whole, then it is deleted so that every round starts from the same archive. */
async function verifyAndDelete(a: Archive, studyUid: string, seriesUid: string, slices: number, problems: string[]): Promise<void> {
  const agent = new http.Agent({ keepAlive: false });
  const reply = await get(
    `${a.dicomWeb}/studies/${studyUid}/series/${seriesUid}/instances?limit=${slices + 1}`,
    agent,
    'application/dicom+json',
  );
  agent.destroy();
  const listed = jsonItems(reply.body, reply.status).length;
  if (listed !== slices) problems.push(`${a.config.name}: QIDO lists ${listed} of the ${slices} instances stored`);
  const status = await request(`${a.dicomWeb}/studies/${studyUid}`, 'DELETE');
  if (status !== 200 && status !== 204) problems.push(`${a.config.name}: DELETE of the round's study answered ${status}`);
}

// ---------------------------------------------------------------- QIDO-RS

interface Query {
  kind: string;
  path: string;
  /** exact number of results, or undefined for "at least one" */
  expected?: number;
}

/** Study and series queries with known answers; the studies' UIDs are looked up once (untimed) by accession. */
async function buildQueries(archive: SyntheticArchive, a: Archive, count: number): Promise<Query[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const queries: Query[] = [];
  for (let n = 0; queries.length < count; n++) {
    const sample = archive.samples[(n * 7919) % archive.samples.length]!;
    const day = new Date(Date.UTC(+sample.date.slice(0, 4), +sample.date.slice(4, 6) - 1, +sample.date.slice(6, 8)));
    const weekEnd = new Date(day.getTime() + 6 * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    const kind = n % 6;
    if (kind === 0)
      queries.push({
        kind: 'study: PatientID',
        path: `/studies?PatientID=${sample.patientId}`,
        expected: archive.studiesOfPatient.get(sample.patientId),
      });
    if (kind === 1) queries.push({ kind: 'study: accession', path: `/studies?AccessionNumber=${sample.accession}`, expected: 1 });
    if (kind === 2)
      queries.push({
        kind: 'study: week + modality',
        path: `/studies?StudyDate=${sample.date}-${weekEnd}&ModalitiesInStudy=${sample.modality}&limit=100`,
      });
    if (kind === 3)
      queries.push({
        kind: 'study: fuzzy name',
        path: `/studies?PatientName=${encodeURIComponent(sample.fuzzyName)}&fuzzymatching=true&limit=100`,
      });
    if (kind === 4) {
      const reply = await get(`${a.dicomWeb}/studies?AccessionNumber=${sample.accession}`, agent, 'application/dicom+json');
      const studyUid = jsonItems(reply.body, reply.status)[0]?.['0020000D']?.Value?.[0];
      if (typeof studyUid !== 'string') throw new Error(`no study of accession ${sample.accession} in the synthetic index`);
      queries.push({ kind: 'series of a study', path: `/studies/${studyUid}/series` });
    }
    if (kind === 5)
      queries.push({ kind: 'series: patient + modality', path: `/series?PatientID=${sample.patientId}&Modality=${sample.modality}` });
  }
  agent.destroy();
  return queries;
}

/**
 * The queries one after another, each asked of the four archives in turn (the order rotated from
 * query to query), so that drift between them is shared: one request in flight on the machine.
 */
async function qidoPhase(archives: readonly Archive[], queries: readonly Query[], problems: string[]): Promise<QidoFigures[]> {
  for (const a of archives) await resume(a);
  const agents = archives.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const ask = async (n: number, query: Query) => {
    const a = archives[n]!;
    const reply = await get(`${a.dicomWeb}${query.path}`, agents[n]!, 'application/dicom+json');
    const results = jsonItems(reply.body, reply.status).length;
    const ok = (reply.status === 200 || reply.status === 204) && (query.expected === undefined ? results >= 1 : results === query.expected);
    if (!ok)
      problems.push(`${a.config.name}: ${query.path}: status ${reply.status}, ${results} results (expected ${query.expected ?? '≥ 1'})`);
    return { ms: reply.ms, results };
  };
  for (const n of archives.keys()) for (const query of queries.slice(0, 6)) await ask(n, query); // connections, statement caches
  const figures: QidoFigures[] = archives.map(() => ({ latenciesMs: [], serverCpuMs: 0, results: [] }));
  const cpuBefore = archives.map((a) => readCpuMs(a.pid));
  for (const [q, query] of queries.entries())
    for (const n of rotated(archives.length, q)) {
      const answer = await ask(n, query);
      figures[n]!.latenciesMs.push(answer.ms);
      figures[n]!.results.push(answer.results);
    }
  for (const [n, a] of archives.entries()) figures[n]!.serverCpuMs = readCpuMs(a.pid) - cpuBefore[n]!;
  for (const agent of agents) agent.destroy();
  for (const a of archives) pause(a);
  return figures;
}

/** 0…count−1 starting at `shift` (mod count). */
function rotated(count: number, shift: number): number[] {
  return Array.from({ length: count }, (_, n) => (n + shift) % count);
}

// ---------------------------------------------------------------- rounds

/** One round: the series stored into each archive in turn (the others paused), then the interleaved queries. */
async function runRound(
  round: number,
  archives: readonly Archive[],
  queries: readonly Query[],
  problems: string[],
): Promise<RoundFigures[]> {
  const series = realCtSeries({ slices: opt.slices, patientId: 'OPSBENCH', patientName: 'Ops^Bench' });
  const stow: StowFigures[] = [];
  const idleScrapes: Array<Scrape | undefined> = [];
  for (const n of rotated(archives.length, round)) {
    const a = archives[n]!;
    await resume(a);
    stow[n] = await stowPhase(a, series.instances, problems);
    await waitIdle(a);
    await verifyAndDelete(a, series.studyUid, series.seriesUid, opt.slices, problems);
    await waitIdle(a);
    // The scrape alone: its time and server CPU, with nothing else running.
    if (a.config.metrics) {
      const scraped = (idleScrapes[n] = await scrapeMetrics(a));
      if (scraped.status !== 200) problems.push(`${a.config.name}: GET /metrics answered ${scraped.status}`);
    }
    pause(a);
  }
  const qido = await qidoPhase(archives, queries, problems);
  const reference = qido[0]!.results;
  for (const [n, f] of qido.entries())
    for (const [q, results] of f.results.entries())
      if (results !== reference[q])
        problems.push(`${archives[n]!.config.name}: ${queries[q]!.path}: ${results} results, all on: ${reference[q]}`);
  return archives.map((_, n) => ({ stow: stow[n]!, qido: qido[n]!, ...(idleScrapes[n] ? { idleScrape: idleScrapes[n] } : {}) }));
}

// ---------------------------------------------------------------- main

async function main(run: BenchRun): Promise<number> {
  const problems: string[] = [];
  const report = benchReport(opt);
  const indexFile = path.join(run.dataDir, 'corpus.sqlite');
  const archive = buildSyntheticArchive(indexFile, { studies: opt.studies, patients: Math.ceil(opt.studies * 0.4) });
  console.error(`synthetic index: ${archive.studies} studies, ${archive.instances} instances in ${archive.seconds.toFixed(1)} s`);
  const dataDirs = await prepareDataDirs(run, indexFile);
  let archives = await startArchives(dataDirs);
  console.error(`4 archives on copies of a ${archive.studies}-study index: ${archives.map((a) => a.pid).join(', ')}`);
  // Interrupted: a paused archive would never see its SIGTERM.
  const stopAll = () => {
    for (const a of archives) {
      a.server.child.kill('SIGCONT');
      a.server.child.kill('SIGTERM');
    }
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  try {
    const queries = await buildQueries(archive, archives[0]!, opt.queries);
    for (const a of archives) await waitIdle(a);
    for (const a of archives) pause(a);
    const measured: RoundFigures[][] = [];
    for (let round = 0; round < opt.warmup + opt.rounds; round++) {
      if (round > 0 && !args['same-processes']) {
        await stopArchives(archives);
        archives = await freshArchives(dataDirs, problems);
      }
      const started = performance.now();
      const figures = await runRound(round, archives, queries, problems);
      if (round >= opt.warmup) measured.push(figures);
      console.error(
        `round ${round + 1}/${opt.warmup + opt.rounds}${round < opt.warmup ? ' (warm-up)' : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
          figures
            .map(
              (f, n) =>
                `${CONFIGURATIONS[n]!.name} ${(f.stow.instances / f.stow.seconds).toFixed(0)} inst/s, p50 ${qidoP50(f).toFixed(2)} ms`,
            )
            .join('; '),
      );
    }
    const figures = printOpsCostReport(
      {
        configurations: CONFIGURATIONS.map((c) => c.name),
        features: [
          { feature: 'metrics', off: 1 },
          { feature: 'digest', off: 2 },
          { feature: 'both', off: 3 },
        ],
        ...opt,
        targetPercent: TARGET_PERCENT,
      },
      measured,
    );
    Object.assign(report, figures, { rounds: measured });
  } finally {
    await stopArchives(archives);
  }
  return finish(
    report,
    problems,
    '\nevery answer verified (STOW referenced every instance, QIDO listed the series, the four archives answered every query alike)',
    args.json,
  );
}

runBench('pacs-ops-bench-', main);
