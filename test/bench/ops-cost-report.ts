/**
 * What bench:ops measured and what it prints: each configuration's figures (medians of the
 * rounds), the cost of metrics, of the digest and of both against the all-on default, the /metrics
 * scrapes, and the verdict against the target.
 */
import { costOf, costVerdict, formatCost, median, percentile, type Cost } from './ops-cost-stats';
import { printTable } from './text-table';

export interface Scrape {
  ms: number;
  /** the server's CPU time from request to answer (other work included when under load) */
  serverCpuMs: number;
  status: number;
  bytes: number;
  /** sample lines (not # HELP / # TYPE) */
  samples: number;
}

export interface StowFigures {
  seconds: number;
  instances: number;
  bytes: number;
  serverCpuMs: number;
}

export interface QidoFigures {
  latenciesMs: number[];
  serverCpuMs: number;
  /** results of each query, to compare the four archives' answers */
  results: number[];
}

/** One configuration in one round. */
export interface RoundFigures {
  stow: StowFigures;
  qido: QidoFigures;
  /** GET /metrics on the archive with nothing else running (metrics on only) */
  idleScrape?: Scrape;
}

export interface ConfigSummary {
  name: string;
  instancesPerSecond: number;
  mbPerSecond: number;
  serverCpuMsPerInstance: number;
  qidoP50Ms: number;
  qidoP95Ms: number;
  serverCpuMsPerQuery: number;
}

export interface CostRow {
  feature: string;
  stowTime: Cost;
  stowCpu: Cost;
  qidoP50: Cost;
  qidoP95: Cost;
  qidoCpu: Cost;
}

export interface OpsCostSetup {
  /** configuration names; the first is all on, the feature rows compare it with the others */
  configurations: readonly string[];
  /** the feature each other configuration turns off, by its index */
  features: ReadonlyArray<{ feature: string; off: number }>;
  slices: number;
  batch: number;
  concurrency: number;
  queries: number;
  studies: number;
  targetPercent: number;
}

const MB = 1e6;

export const qidoP50 = (f: RoundFigures): number => percentile(f.qido.latenciesMs, 50);
const qidoP95 = (f: RoundFigures): number => percentile(f.qido.latenciesMs, 95);

function summarize(name: string, mine: readonly RoundFigures[]): ConfigSummary {
  return {
    name,
    instancesPerSecond: median(mine.map((f) => f.stow.instances / f.stow.seconds)),
    mbPerSecond: median(mine.map((f) => f.stow.bytes / MB / f.stow.seconds)),
    serverCpuMsPerInstance: median(mine.map((f) => f.stow.serverCpuMs / f.stow.instances)),
    qidoP50Ms: median(mine.map(qidoP50)),
    qidoP95Ms: median(mine.map(qidoP95)),
    serverCpuMsPerQuery: median(mine.map((f) => f.qido.serverCpuMs / f.qido.latenciesMs.length)),
  };
}

/** All on (configuration 0) against configuration `off`, round by round. */
function costs(rounds: readonly RoundFigures[][], feature: string, off: number): CostRow {
  const pair = (figure: (f: RoundFigures) => number) =>
    costOf(
      rounds.map((r) => figure(r[0]!)),
      rounds.map((r) => figure(r[off]!)),
    );
  return {
    feature,
    stowTime: pair((f) => f.stow.seconds),
    stowCpu: pair((f) => f.stow.serverCpuMs),
    qidoP50: pair(qidoP50),
    qidoP95: pair(qidoP95),
    qidoCpu: pair((f) => f.qido.serverCpuMs),
  };
}

/** Prints the report of the measured rounds (warm-up left out); its figures, for the JSON report. */
export function printOpsCostReport(
  setup: OpsCostSetup,
  rounds: readonly RoundFigures[][],
): { configurations: ConfigSummary[]; costs: CostRow[]; idleScrapes: Scrape[] } {
  const summaries = setup.configurations.map((name, n) =>
    summarize(
      name,
      rounds.map((r) => r[n]!),
    ),
  );
  const rows = setup.features.map(({ feature, off }) => costs(rounds, feature, off));
  const idleScrapes = rounds.flatMap((r) => r.flatMap((f) => (f.idleScrape ? [f.idleScrape] : [])));
  const seriesMb = (rounds[0]?.[0]?.stow.bytes ?? 0) / MB;

  console.log(
    `\nSTOW-RS: ${setup.slices} real CT slices (${seriesMb.toFixed(1)} MB) per round, ${setup.batch} per request, ` +
      `${setup.concurrency} in flight; QIDO-RS: ${setup.queries} study and series queries one after another ` +
      `on ${setup.studies} studies. Medians of ${rounds.length} rounds:`,
  );
  printTable(
    ['configuration', 'STOW inst/s', 'MB/s', 'srv CPU ms/inst', 'QIDO p50 ms', 'p95 ms', 'srv CPU ms/query'],
    summaries.map((s) => [
      s.name,
      s.instancesPerSecond.toFixed(0),
      s.mbPerSecond.toFixed(1),
      s.serverCpuMsPerInstance.toFixed(2),
      s.qidoP50Ms.toFixed(2),
      s.qidoP95Ms.toFixed(2),
      s.serverCpuMsPerQuery.toFixed(2),
    ]),
  );

  const coverage = rows[0]?.stowTime.coverage ?? 0;
  console.log(
    `\ncost of the feature (all on against it off): median of the ${rounds.length} per-round ratios − 1 ` +
      `[interval of the median, ${(coverage * 100).toFixed(0)} % confidence` +
      `${coverage < 0.95 ? ': too few rounds for 95 %, --full has enough' : ''}]:`,
  );
  printTable(
    ['feature', 'STOW time', 'STOW srv CPU', 'QIDO p50', 'QIDO p95', 'QIDO srv CPU'],
    rows.map((r) => [
      r.feature,
      formatCost(r.stowTime),
      formatCost(r.stowCpu),
      formatCost(r.qidoP50),
      formatCost(r.qidoP95),
      formatCost(r.qidoCpu),
    ]),
  );

  if (idleScrapes.length > 0) {
    const cpu = median(idleScrapes.map((s) => s.serverCpuMs));
    const last = idleScrapes.at(-1)!;
    console.log(
      `\nGET /metrics alone (${idleScrapes.length} scrapes, outside the timed STOW window): p50 ${median(idleScrapes.map((s) => s.ms)).toFixed(1)} ms, ` +
        `${(last.bytes / 1000).toFixed(1)} kB, ${last.samples} samples, server CPU p50 ${cpu.toFixed(0)} ms: ` +
        `${(cpu / 150).toFixed(3)} % of a core at one scrape every 15 s, to add to the metrics cost above.`,
    );
  }

  console.log(`\ntarget: each feature under ${setup.targetPercent} % on STOW-RS throughput and QIDO-RS p50`);
  for (const r of rows)
    console.log(
      `  ${r.feature.padEnd(8)} STOW ${costVerdict(r.stowTime, setup.targetPercent)}, QIDO ${costVerdict(r.qidoP50, setup.targetPercent)}`,
    );
  return { configurations: summaries, costs: rows, idleScrapes };
}
