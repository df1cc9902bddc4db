import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config';
import { openIndex } from '../index/open-index';
import { checkConsistency, type CheckReport, type Finding } from '../ops/consistency-check';
import type { BlobStore } from '../storage/blob-store';
import { FsBlobStore } from '../storage/fs-blob-store';
import { MinioBlobStore } from '../storage/minio-blob-store';
import { UsageError } from './usage-error';

const DEFAULT_GRACE = '24h';
/** With --json, the keys of each finding listed (the summary lists 10). */
const JSON_SAMPLE = 10_000;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `npm run pacs -- check [--repair] [--verify] [--grace <duration>] [--json]` (issue 15): the index and
 * object storage compared both ways (server/ops/consistency-check.ts), while the server runs or
 * not. Exit 0 when clean, 1 when something is wrong (even if --repair moved it), 2 on usage errors.
 */
export async function checkCommand(args: string[], config: Config): Promise<number> {
  const { repair, verify, graceMs, json } = parseCheckArgs(args);
  if (!existsSync(config.indexFile)) throw new Error(`No index at ${config.indexFile}: is PACS_DATA_DIR right?`);
  const db = openIndex(config.indexFile);
  let blobStore: BlobStore | undefined;
  try {
    blobStore = await openStorage(config, repair);
    const progress = process.stderr.isTTY ? progressLine() : undefined;
    const report = await checkConsistency(db, blobStore, {
      repair,
      verify,
      graceMs,
      ...(json ? { sample: JSON_SAMPLE } : {}),
      ...(progress ? { progress } : {}),
    });
    if (progress) process.stderr.write('\r\x1b[K');
    console.log(json ? JSON.stringify(report, null, 2) : summary(report, blobStore.description, repair, graceMs));
    return report.problems > 0 ? 1 : 0;
  } finally {
    await blobStore?.close();
    db.close();
  }
}

export function parseCheckArgs(args: string[]): { repair: boolean; verify: boolean; graceMs: number; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { repair: { type: 'boolean' }, verify: { type: 'boolean' }, grace: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`check: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    repair: parsed.values.repair === true,
    verify: parsed.values.verify === true,
    graceMs: parseDuration(parsed.values.grace ?? DEFAULT_GRACE),
    json: parsed.values.json === true,
  };
}

/** `90s`, `30m`, `24h`, `7d`, `0s`: how long an orphan is left alone. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new UsageError(`check: --grace takes a duration such as 0s, 30m, 24h or 7d, not ${JSON.stringify(text)}.`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

/**
 * The archive's storage, opened without FsBlobStore.open's clean-up: its temp files belong to a
 * server that may be running and writing them.
 */
async function openStorage(config: Config, repair: boolean): Promise<BlobStore> {
  if (config.storage.kind === 's3') return MinioBlobStore.open(config.storage);
  const root = path.join(config.storage.dataDir, 'objects');
  if (repair) await mkdir(path.join(root, '.tmp'), { recursive: true }); // the quarantine is written through it
  return new FsBlobStore(root);
}

function summary(report: CheckReport, storage: string, repair: boolean, graceMs: number): string {
  const lines = [`Index: ${report.instances} instances. Storage (${storage}): ${report.objects} objects under v1/instances/.`];
  const list = <T>(name: string, finding: Finding<T>, line: (item: T) => string) => {
    lines.push(`${name}: ${finding.count}`);
    for (const item of finding.first) lines.push(`  ${line(item)}`);
    if (finding.count > finding.first.length) lines.push(`  … and ${finding.count - finding.first.length} more`);
  };
  list('Missing objects (rows kept)', report.missing, (m) => `${m.key}  instance ${m.sopUid}`);
  list(
    'Wrong size (rows kept)',
    report.wrongSize,
    (w) => `${w.key}  instance ${w.sopUid}: ${w.stored} bytes stored, ${w.recorded} recorded`,
  );
  list('Orphan objects (no row names them)', report.orphans, (o) => `${o.key}  ${o.size} bytes, ${o.modifiedAt.toISOString()}`);
  if (report.recordedOrphans > 0) {
    lines.push(
      `  of which recorded by the archive within the grace (being written or deleted; after a crash its next start removes them): ${report.recordedOrphans}`,
    );
  }
  if (repair) {
    lines.push(
      `  moved to v1/quarantine/: ${report.quarantined}; left for being younger than the grace (${graceMs / 1000} s): ${report.inGrace}`,
    );
  }
  lines.push(`Quarantine: ${report.quarantine.deleted} deleted, ${report.quarantine.kept} kept`);
  if (report.verify) {
    list(
      'Corrupt objects (digest differs)',
      report.verify.corrupt,
      (c) => `${c.key}  instance ${c.sopUid}: ${c.stored}, recorded ${c.recorded}`,
    );
    lines.push(`  verified: ${report.verify.verified}; unverifiable (no digest recorded): ${report.verify.unverifiable}`);
  }
  lines.push(
    `Derived frame cache: ${report.derived.rowsWithoutObject} rows without an object, ${report.derived.objectsWithoutRow} objects without a row (the cache sweeps them)`,
  );
  lines.push(report.problems === 0 ? 'Result: consistent.' : `Result: ${report.problems} problems found.`);
  return lines.join('\n');
}

/** A progress line on the terminal, at most every 200 ms. */
function progressLine(): (phase: string, done: number, total?: number) => void {
  let last = 0;
  return (phase, done, total) => {
    const now = Date.now();
    if (now - last < 200 && done !== total) return;
    last = now;
    process.stderr.write(`\r\x1b[K${phase}: ${done}${total === undefined ? '' : ` of ${total}`}`);
  };
}
