/**
 * `npm run bench:backup`: how long `pacs backup` and `pacs restore` take (issue 15 item 3), on
 * the 5,000-study bench corpus (synthetic-archive.ts, each instance given a real object: its
 * data set as a small Part 10 file, as bench:dimse sends Orthanc) and on a 300-slice 512×512 CT
 * made from the real CT of the corpus (fixtures/real-ct-series.ts, stored by STOW-RS). For each:
 * the archive runs (`npm start`), a first backup, a second one (incremental: nothing new), the
 * archive stops, a restore into a fresh data dir; all through the CLI as a hospital runs it.
 * Verified: every command exits 0 and the restore verifies every object of the manifest.
 *
 *   npm run bench:backup                                      # 5,000 studies and 300 slices
 *   npm run bench:backup -- --studies 200 --slices 40         # small, while others work
 *   npm run bench:backup -- --target /mnt/other-disk/bench    # backups on another file system: copied, not hard-linked
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { realCtSeries } from '../../fixtures/real-ct-series';
import { fileMetaHeader } from '../../server/codecs/file-meta';
import { encodeDataSet } from '../../server/dimse/data-set-codec';
import type { BackupManifest } from '../../server/backup/backup-manifest';
import type { InstanceRecord } from '../../server/index/archive-index';
import { openIndex } from '../../server/index/open-index';
import { newInstanceKey } from '../../server/storage/object-keys';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { runEntryPoint } from '../helpers/run-entry-point';
import { benchReport, finish, runBench } from './run-bench';
import { startServer, stopServer, type BenchRun } from './server-process';
import { stowInBatches } from './stow-client';
import { buildSyntheticArchive } from './synthetic-archive';

const { values: args } = parseArgs({
  options: {
    studies: { type: 'string', default: '5000' },
    slices: { type: 'string', default: '300' },
    skip: { type: 'string', default: '' },
    target: { type: 'string' },
    json: { type: 'string' },
  },
});
const STUDIES = Number(args.studies);
const SLICES = Number(args.slices);
const SKIP = new Set(args.skip.split(',').filter(Boolean));

interface Dataset {
  label: string;
  /** Fills the data dir before the archive starts. */
  before?(dataDir: string): Promise<string>;
  /** Stores through the running archive. */
  after?(dicomWeb: string): Promise<string>;
}

interface Step {
  seconds: number;
  output: string;
}

interface Figures {
  dataset: string;
  what: string;
  instances: number;
  objects: number;
  megabytes: number;
  backup: Step;
  incremental: Step;
  restore: Step;
}

runBench('pacs-bench-backup-', async (run: BenchRun) => {
  const report = benchReport({ studies: STUDIES, slices: SLICES, skip: [...SKIP], target: args.target ?? null });
  const problems: string[] = [];
  const figures: Figures[] = [];
  const datasets: Dataset[] = [
    { label: 'corpus', before: (dataDir) => buildCorpus(dataDir) },
    { label: 'ct', after: (dicomWeb) => storeCt(dicomWeb) },
  ];
  for (const dataset of datasets.filter((d) => !SKIP.has(d.label))) {
    figures.push(await measure(run, dataset, problems));
  }
  printFigures(figures);
  report.figures = figures;
  return finish(report, problems, 'VERIFIED: every backup and restore exited 0 and every object verified', args.json);
});

async function measure(run: BenchRun, dataset: Dataset, problems: string[]): Promise<Figures> {
  const dataDir = path.join(run.dataDir, dataset.label);
  await fs.mkdir(dataDir);
  const env = { PACS_DATA_DIR: dataDir, PACS_LOG_LEVEL: 'error', PACS_DIMSE_PORT: '0' };
  let what = (await dataset.before?.(dataDir)) ?? '';
  const server = startServer(dataDir);
  const backupDir = path.join(args.target ?? run.dataDir, `${dataset.label}-backup-${process.pid}`);
  try {
    const dicomWeb = await server.dicomWeb;
    what = (await dataset.after?.(dicomWeb)) ?? what;
    console.log(`${dataset.label}: ${what}; backing up into ${backupDir}`);
    const backup = await timed(['backup', backupDir], env, problems);
    const incremental = await timed(['backup', backupDir], env, problems);
    await stopServer(server.child);
    const manifest = JSON.parse(await fs.readFile(path.join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
    const restoredDir = path.join(run.dataDir, `${dataset.label}-restored`);
    const restore = await timed(['restore', backupDir], { ...env, PACS_DATA_DIR: restoredDir }, problems);
    const { objects } = manifest.counts;
    if (!restore.output.includes(`${objects} of ${objects} objects`))
      problems.push(`${dataset.label}: the restore did not verify every object`);
    await fs.rm(restoredDir, { recursive: true, force: true });
    return {
      dataset: dataset.label,
      what,
      instances: manifest.counts.instances,
      objects,
      megabytes: manifest.counts.bytes / 1e6,
      backup,
      incremental,
      restore,
    };
  } finally {
    await stopServer(server.child);
    await fs.rm(backupDir, { recursive: true, force: true });
  }
}

/** Runs the CLI, timing it from the outside (process start included, as a cron job sees it). */
async function timed(cli: string[], env: Record<string, string>, problems: string[]): Promise<Step> {
  const started = performance.now();
  const result = await runEntryPoint('server/cli/pacs.ts', cli, env);
  const seconds = (performance.now() - started) / 1000;
  if (result.code !== 0) problems.push(`pacs ${cli[0]} exited ${result.code}: ${result.stderr.slice(0, 500)}`);
  const output = result.stdout
    .split('\n')
    .filter((line) => !/^objects: \d+%/.test(line))
    .join('\n');
  console.log(`  pacs ${cli[0]}: ${seconds.toFixed(1)} s\n    ${output.trim().split('\n').join('\n    ')}`);
  return { seconds, output };
}

/** The bench corpus in the index, each instance with its object: its data set as Part 10 (no pixel data). */
async function buildCorpus(dataDir: string): Promise<string> {
  const objectsDir = path.join(dataDir, 'objects');
  const objects: Array<{ sopUid: string; key: string; size: number }> = [];
  const built = buildSyntheticArchive(path.join(dataDir, 'index.sqlite'), {
    studies: STUDIES,
    patients: Math.ceil(STUDIES * 0.4),
    onInstance: (record) => {
      const key = newInstanceKey();
      const bytes = part10(record);
      mkdirSync(path.dirname(path.join(objectsDir, key)), { recursive: true });
      writeFileSync(path.join(objectsDir, key), bytes);
      objects.push({ sopUid: record.sopUid, key, size: bytes.length });
    },
  });
  const db = openIndex(path.join(dataDir, 'index.sqlite'));
  const point = db.prepare(`UPDATE instances SET blob_key = ?, size = ? WHERE sop_uid = ?`);
  db.transaction(() => objects.forEach((o) => point.run(o.key, o.size, o.sopUid)))();
  db.close();
  return `${built.studies} studies, ${built.instances} instances (data sets as small Part 10 objects)`;
}

function part10(record: InstanceRecord): Buffer {
  const { '7FE00010': _pixels, ...dataSet } = record.dataset;
  return Buffer.concat([
    fileMetaHeader({ sopClassUid: record.sopClassUid, sopInstanceUid: record.sopUid, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN }),
    encodeDataSet(dataSet, EXPLICIT_VR_LITTLE_ENDIAN),
  ]);
}

async function storeCt(dicomWeb: string): Promise<string> {
  const series = realCtSeries({ slices: SLICES });
  const { problems } = await stowInBatches(dicomWeb, series.instances);
  if (problems.length > 0) throw new Error(`STOW of the CT failed: ${problems[0]}`);
  const bytes = series.instances.reduce((sum, i) => sum + i.bytes.length, 0);
  return `a ${SLICES}-slice 512×512 CT (${(bytes / 1e6).toFixed(1)} MB, STOW-RS)`;
}

function printFigures(figures: Figures[]): void {
  const rate = (f: Figures, step: Step) =>
    `${step.seconds.toFixed(1)} s (${(f.megabytes / step.seconds).toFixed(1)} MB/s, ${(f.objects / step.seconds).toFixed(0)} objects/s)`;
  console.log('\n| data | instances | objects | MB | backup | again (incremental) | restore |');
  console.log('|---|---|---|---|---|---|---|');
  for (const f of figures) {
    console.log(
      `| ${f.dataset} | ${f.instances} | ${f.objects} | ${f.megabytes.toFixed(1)} | ${rate(f, f.backup)} | ${f.incremental.seconds.toFixed(1)} s | ${rate(f, f.restore)} |`,
    );
  }
}
