/**
 * STOW-RS benchmark of our archive (`npm run bench`): starts the server as its own process on an
 * empty data folder, stores synthetic instances over HTTP, checks every answer, and reports
 * throughput with the server's CPU time and memory read from /proc.
 *
 *   ct     --slices N CT slices of 512×512 (≈0.5 MB each), --batch B per request, --concurrency C in flight;
 *          afterwards QIDO-RS must list exactly N instances in the series
 *   small  --small N instances of 64×64 in N/10 studies, --small-batch per request, --small-concurrency in flight
 *   big    one request of ≈ --big-mb MB (512×512 slices made while the body streams; 0 skips it):
 *          shows whether the server holds a request in memory
 *
 * Exit code: 0 every answer verified, 3 a verification failed, 1 the harness failed.
 * Other PACS_* variables (e.g. PACS_STORAGE=s3 ...) pass through to the server.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { createCtSeriesSource, generateCtSeries, type CtInstance } from '../../fixtures/generate-ct-series';
import { ProcMonitor } from './proc-monitor';
import { benchReport, runBench, writeReport } from './run-bench';
import type { BenchRun } from './server-process';
import { countSearchResults, stowInBatches, stowProblem, storeInstances, type StowReply } from './stow-client';
import { printTable } from './text-table';

const MB = 1e6;

const { values: args } = parseArgs({
  options: {
    slices: { type: 'string', default: '300' },
    batch: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
    small: { type: 'string', default: '2000' },
    'small-batch': { type: 'string', default: '50' },
    'small-concurrency': { type: 'string', default: '4' },
    'big-mb': { type: 'string', default: '1000' },
    seed: { type: 'string', default: 'bench' },
    json: { type: 'string' },
  },
});
const opt = {
  slices: positiveInt('slices', 1),
  batch: positiveInt('batch', 1),
  concurrency: positiveInt('concurrency', 1),
  small: positiveInt('small', 0),
  smallBatch: positiveInt('small-batch', 1),
  smallConcurrency: positiveInt('small-concurrency', 1),
  bigMb: positiveInt('big-mb', 0),
  seed: args.seed,
};

function positiveInt(name: keyof typeof args, min: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be an integer ≥ ${min}, not ${args[name]}`);
    process.exit(2);
  }
  return value;
}

interface PhaseFigures {
  phase: string;
  instances: number;
  requests: number;
  mb: number;
  seconds: number;
  instancesPerSecond: number;
  mbPerSecond: number;
  serverCpuMsPerInstance: number;
  clientCpuMsPerInstance: number;
  requestP50Ms: number;
  requestMaxMs: number;
  serverRssPeakMb: number;
  serverRssGrowthMb: number;
  problems: string[];
}

// ---------------------------------------------------------------- phases

/** Measures one phase: wall time, the server's CPU and RSS, our own CPU. */
async function measure(
  name: string,
  monitor: ProcMonitor,
  run: () => Promise<{ replies: StowReply[]; problems: string[] }>,
): Promise<PhaseFigures> {
  const phase = monitor.phase();
  const clientCpu = process.cpuUsage();
  const started = performance.now();
  const { replies, problems } = await run();
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientCpu);
  const usage = phase.end();
  const instances = replies.reduce((n, r) => n + r.instances, 0);
  const bytes = replies.reduce((n, r) => n + r.dicomBytes, 0);
  const latencies = replies.map((r) => r.ms).sort((a, b) => a - b);
  return {
    phase: name,
    instances,
    requests: replies.length,
    mb: bytes / MB,
    seconds,
    instancesPerSecond: instances / seconds,
    mbPerSecond: bytes / MB / seconds,
    serverCpuMsPerInstance: usage.cpuMs / instances,
    clientCpuMsPerInstance: (client.user + client.system) / 1000 / instances,
    requestP50Ms: latencies[Math.floor((latencies.length - 1) / 2)] ?? 0,
    requestMaxMs: latencies.at(-1) ?? 0,
    serverRssPeakMb: usage.rssPeakBytes / MB,
    serverRssGrowthMb: usage.rssGrowthBytes / MB,
    problems,
  };
}

async function expectCount(problems: string[], what: string, url: string, expected: number): Promise<void> {
  const count = await countSearchResults(url);
  if (count !== expected) problems.push(`QIDO ${what}: ${count} results instead of ${expected}`);
}

async function ctPhase(dicomWeb: string, monitor: ProcMonitor): Promise<PhaseFigures> {
  const t0 = performance.now();
  const ct = generateCtSeries({ slices: opt.slices, rows: 512, columns: 512, seed: opt.seed });
  console.error(`generated ${opt.slices} CT slices 512×512 in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const figures = await measure(`CT ${opt.batch}×${opt.concurrency}`, monitor, () =>
    stowInBatches(dicomWeb, ct.instances, opt.batch, opt.concurrency),
  );
  await expectCount(
    figures.problems,
    'series instances',
    `${dicomWeb}/studies/${ct.studyUid}/series/${ct.seriesUid}/instances`,
    opt.slices,
  );
  return figures;
}

async function smallPhase(dicomWeb: string, monitor: ProcMonitor): Promise<PhaseFigures> {
  const t0 = performance.now();
  const perStudy = 10;
  const studies = Math.ceil(opt.small / perStudy);
  const patientId = `BENCHSMALL${Date.now()}`;
  const instances: CtInstance[] = [];
  for (let s = 0; s < studies; s++) {
    const slices = Math.min(perStudy, opt.small - s * perStudy);
    instances.push(...generateCtSeries({ slices, rows: 64, columns: 64, seed: `${opt.seed}-small-${s}`, patientId }).instances);
  }
  console.error(`generated ${instances.length} instances 64×64 in ${studies} studies in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const figures = await measure(`small ${opt.smallBatch}×${opt.smallConcurrency}`, monitor, () =>
    stowInBatches(dicomWeb, instances, opt.smallBatch, opt.smallConcurrency),
  );
  await expectCount(figures.problems, 'studies of the patient', `${dicomWeb}/studies?PatientID=${patientId}`, studies);
  return figures;
}

async function bigPhase(dicomWeb: string, monitor: ProcMonitor): Promise<PhaseFigures> {
  const probe = createCtSeriesSource({ slices: 1, rows: 512, columns: 512, seed: opt.seed });
  const slices = Math.ceil((opt.bigMb * MB) / probe.instanceBytes);
  const source = createCtSeriesSource({ slices, rows: 512, columns: 512, seed: opt.seed });
  console.error(`one request of ${slices} instances, ${((slices * source.instanceBytes) / MB).toFixed(0)} MB, made while it streams`);
  const sent: string[] = [];
  async function* instances(): AsyncGenerator<Buffer> {
    for (let i = 0; i < slices; i++) {
      const instance = source.instance(i);
      sent.push(instance.sopUid);
      yield instance.bytes;
    }
  }
  const agent = new http.Agent({ keepAlive: false });
  const figures = await measure(`big 1×${slices}`, monitor, async () => {
    const reply = await storeInstances(dicomWeb, instances(), agent);
    const problem = stowProblem(reply, sent);
    return { replies: [reply], problems: problem ? [problem] : [] };
  });
  agent.destroy();
  await expectCount(
    figures.problems,
    'series instances',
    `${dicomWeb}/studies/${source.studyUid}/series/${source.seriesUid}/instances`,
    slices,
  );
  return figures;
}

// ---------------------------------------------------------------- report

function printPhases(phases: PhaseFigures[], vmHwmMb: number): void {
  const header = [
    'phase',
    'instances',
    'MB',
    's',
    'inst/s',
    'MB/s',
    'srv CPU ms/inst',
    'bench CPU ms/inst',
    'req p50 ms',
    'srv peak RSS MB',
    'RSS growth MB',
    'verified',
  ];
  const rows = phases.map((p) => [
    p.phase,
    String(p.instances),
    p.mb.toFixed(1),
    p.seconds.toFixed(2),
    p.instancesPerSecond.toFixed(0),
    p.mbPerSecond.toFixed(1),
    p.serverCpuMsPerInstance.toFixed(2),
    p.clientCpuMsPerInstance.toFixed(2),
    p.requestP50Ms.toFixed(0),
    p.serverRssPeakMb.toFixed(0),
    p.serverRssGrowthMb.toFixed(0),
    p.problems.length === 0 ? 'ok' : 'INVALID',
  ]);
  printTable(header, rows);
  console.log(`server lifetime peak RSS (VmHWM): ${vmHwmMb.toFixed(0)} MB`);
  for (const p of phases) for (const problem of p.problems.slice(0, 5)) console.log(`${p.phase}: ${problem}`);
}

// ---------------------------------------------------------------- main

async function main(run: BenchRun): Promise<number> {
  const dataDir = run.dataDir;

  const server = run.startServer();
  const dicomWeb = await server.dicomWeb;
  const pid = server.child.pid;
  if (pid === undefined) throw new Error('the server process has no PID');
  console.error(`server PID ${pid} at ${dicomWeb}, data in ${dataDir}`);
  const monitor = new ProcMonitor(pid, 50);
  const phases: PhaseFigures[] = [];
  phases.push(await ctPhase(dicomWeb, monitor));
  if (opt.small > 0) phases.push(await smallPhase(dicomWeb, monitor));
  if (opt.bigMb > 0) phases.push(await bigPhase(dicomWeb, monitor));
  const vmHwmMb = monitor.vmHwmBytes() / MB;
  monitor.stop();
  printPhases(phases, vmHwmMb);
  await writeReport(args.json, { ...benchReport(opt), serverVmHwmMb: vmHwmMb, phases });
  return phases.every((p) => p.problems.length === 0) ? 0 : 3;
}

runBench('pacs-bench-', main);
