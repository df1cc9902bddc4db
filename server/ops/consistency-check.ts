import { AppError } from '../../shared/errors';
import type { IndexDb } from '../index/index-db';
import { PendingObjects } from '../index/pending-objects';
import type { BlobStore, StoredEntry } from '../storage/blob-store';
import { isKnownDigest, storedDigest } from '../storage/object-digest';
import { DERIVED_KEY_PREFIX, INSTANCE_KEY_PREFIX, QUARANTINE_KEY_PREFIX, quarantineKey } from '../storage/object-keys';

export interface CheckOptions {
  /** Move orphans older than the grace to the quarantine, delete quarantined objects older than it. */
  repair: boolean;
  /** Read every object and compare its digest with the one recorded at ingest. */
  verify: boolean;
  /** Objects (and pending records) younger than this are in flight: never moved or deleted. */
  graceMs: number;
  /** How many keys of each finding the report keeps (default 10). */
  sample?: number;
  /** Told of progress: the phase, items done, and the total when known. */
  progress?: (phase: string, done: number, total?: number) => void;
  now?: () => number;
}

/** How many of something were found, and the first few. */
export interface Finding<T> {
  count: number;
  first: T[];
}

export interface CheckReport {
  /** Instance rows in the index, objects under v1/instances/ in storage. */
  instances: number;
  objects: number;
  /** Rows whose object is not in storage: reported, never deleted. */
  missing: Finding<{ key: string; sopUid: string }>;
  /** Rows whose object has another size than recorded. */
  wrongSize: Finding<{ key: string; sopUid: string; recorded: number; stored: number }>;
  /** Objects under v1/instances/ no row names. */
  orphans: Finding<{ key: string; size: number; modifiedAt: Date }>;
  /**
   * Of those, the ones recorded as pending within the grace (index/pending-objects.ts): the
   * archive's own, being written or deleted, or left by a crash for its next start to remove.
   * Listed, not counted as problems.
   */
  recordedOrphans: number;
  /** Orphans moved to the quarantine by this run (--repair), and those left for being younger than the grace. */
  quarantined: number;
  inGrace: number;
  /** Objects in the quarantine: deleted by this run (--repair, older than the grace) and kept. */
  quarantine: { deleted: number; kept: number };
  /** --verify: objects read whose digest matched, did not, and rows with no digest recorded (stored before PACS_INGEST_DIGEST). */
  verify?: { verified: number; corrupt: Finding<{ key: string; sopUid: string; recorded: string; stored: string }>; unverifiable: number };
  /** The derived-frame cache (a cache: reported, not counted as a problem; derived-frames.ts sweeps it). */
  derived: { rowsWithoutObject: number; objectsWithoutRow: number };
  /** Findings that make `pacs check` exit 1. */
  problems: number;
}

const PAGE = 500;
const VERIFY_CONCURRENCY = 4;

/**
 * Compares the index with object storage both ways (issue 15 item 4), online: it reads the index
 * through its own connection (WAL: the server goes on writing) and lists storage into a TEMP
 * table of that connection, so both directions are SQL joins that scale with the archive, not
 * with memory. Rows are read after the listing, so an instance indexed meanwhile is looked up
 * again before it is called missing; an orphan is only moved when both it and its pending record
 * (index/pending-objects.ts) are older than the grace, so in-flight ingest and an object replaced
 * by the compressed re-store (still read for an hour) are never touched. Nothing in the index is
 * ever changed, except pending records of the orphans moved.
 */
export async function checkConsistency(db: IndexDb, blobStore: BlobStore, options: CheckOptions): Promise<CheckReport> {
  const now = options.now ?? Date.now;
  const sample = options.sample ?? 10;
  const progress = options.progress ?? (() => undefined);
  const pending = new PendingObjects(db);

  db.exec(`DROP TABLE IF EXISTS temp.stored_objects; DROP TABLE IF EXISTS temp.derived_objects;
    CREATE TEMP TABLE stored_objects (key TEXT PRIMARY KEY, size INTEGER NOT NULL, modified INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TEMP TABLE derived_objects (key TEXT PRIMARY KEY) WITHOUT ROWID;`);
  const objects = await listInto(db, blobStore.entries(INSTANCE_KEY_PREFIX), 'stored_objects', (n) => progress('listing objects', n));
  await listInto(db, blobStore.entries(DERIVED_KEY_PREFIX), 'derived_objects', (n) => progress('listing derived frames', n));

  const report: CheckReport = {
    instances: db.prepare(`SELECT count(*) FROM instances`).pluck().get() as number,
    objects,
    missing: { count: 0, first: [] },
    wrongSize: { count: 0, first: [] },
    orphans: { count: 0, first: [] },
    recordedOrphans: 0,
    quarantined: 0,
    inGrace: 0,
    quarantine: { deleted: 0, kept: 0 },
    derived: { rowsWithoutObject: 0, objectsWithoutRow: 0 },
    problems: 0,
  };

  // Index → storage.
  const unlisted = db
    .prepare(
      `SELECT i.blob_key AS key, i.sop_uid AS sopUid, i.size AS size FROM instances i
      WHERE NOT EXISTS (SELECT 1 FROM temp.stored_objects s WHERE s.key = i.blob_key)`,
    )
    .all() as Array<{ key: string; sopUid: string; size: number }>;
  const stillIndexed = db.prepare(`SELECT size FROM instances WHERE blob_key = ?`).pluck();
  for (const row of unlisted) {
    const size = await sizeOf(blobStore, row.key);
    if (stillIndexed.get(row.key) === undefined) continue; // deleted meanwhile
    if (size === undefined) add(report.missing, { key: row.key, sopUid: row.sopUid }, sample);
    else if (size !== row.size) add(report.wrongSize, { key: row.key, sopUid: row.sopUid, recorded: row.size, stored: size }, sample);
  }
  const misSized = db
    .prepare(
      `SELECT i.blob_key AS key, i.sop_uid AS sopUid, i.size AS recorded, s.size AS stored
      FROM instances i JOIN temp.stored_objects s ON s.key = i.blob_key WHERE s.size <> i.size ORDER BY i.blob_key`,
    )
    .all() as Array<{ key: string; sopUid: string; recorded: number; stored: number }>;
  for (const row of misSized) add(report.wrongSize, row, sample);

  // Quarantined by an earlier run, listed before this run adds to it.
  for await (const entry of blobStore.entries(QUARANTINE_KEY_PREFIX)) {
    if (options.repair && now() - entry.modifiedAt.getTime() >= options.graceMs) {
      await blobStore.delete(entry.key);
      report.quarantine.deleted++;
    } else report.quarantine.kept++;
  }

  // Storage → index.
  const orphanPage = db.prepare(`SELECT s.key AS key, s.size AS size, s.modified AS modified, p.since AS since
    FROM temp.stored_objects s LEFT JOIN main.pending_objects p ON p.key = s.key
    WHERE s.key > ? AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.blob_key = s.key) ORDER BY s.key LIMIT ${PAGE}`);
  for (let after = ''; ;) {
    const rows = orphanPage.all(after) as Array<{ key: string; size: number; modified: number; since: number | null }>;
    if (rows.length === 0) break;
    after = rows.at(-1)!.key;
    for (const row of rows) {
      add(report.orphans, { key: row.key, size: row.size, modifiedAt: new Date(row.modified) }, sample);
      if (row.since !== null && now() - row.since < options.graceMs) report.recordedOrphans++;
      if (!options.repair) continue;
      const age = now() - Math.max(row.modified, row.since ?? 0);
      if (age < options.graceMs || stillIndexed.get(row.key) !== undefined) {
        report.inGrace++;
        continue;
      }
      if (await moveToQuarantine(blobStore, row.key)) report.quarantined++;
      pending.forget([row.key]);
    }
  }

  if (options.verify) report.verify = await verifyDigests(db, blobStore, sample, progress);

  report.derived.rowsWithoutObject = db
    .prepare(`SELECT count(*) FROM derived_frames d WHERE NOT EXISTS (SELECT 1 FROM temp.derived_objects o WHERE o.key = d.key)`)
    .pluck()
    .get() as number;
  report.derived.objectsWithoutRow = db
    .prepare(`SELECT count(*) FROM temp.derived_objects o WHERE NOT EXISTS (SELECT 1 FROM derived_frames d WHERE d.key = o.key)`)
    .pluck()
    .get() as number;
  db.exec(`DROP TABLE temp.stored_objects; DROP TABLE temp.derived_objects;`);

  report.problems =
    report.missing.count + report.wrongSize.count + report.orphans.count - report.recordedOrphans + (report.verify?.corrupt.count ?? 0);
  return report;
}

/** Streams a listing into a TEMP table in transactions of PAGE rows; returns how many. */
async function listInto(db: IndexDb, entries: AsyncIterable<StoredEntry>, table: string, progress: (n: number) => void): Promise<number> {
  const insert =
    table === 'stored_objects'
      ? db.prepare(`INSERT OR REPLACE INTO temp.stored_objects (key, size, modified) VALUES (@key, @size, @modified)`)
      : db.prepare(`INSERT OR REPLACE INTO temp.derived_objects (key) VALUES (@key)`);
  const write = db.transaction((batch: StoredEntry[]) => {
    for (const e of batch)
      insert.run(table === 'stored_objects' ? { key: e.key, size: e.size, modified: e.modifiedAt.getTime() } : { key: e.key });
  });
  let batch: StoredEntry[] = [];
  let count = 0;
  for await (const entry of entries) {
    batch.push(entry);
    if (batch.length === PAGE) {
      write(batch);
      count += batch.length;
      batch = [];
      progress(count);
    }
  }
  write(batch);
  count += batch.length;
  progress(count);
  return count;
}

/** Reads every listed object of a row and compares its digest with the recorded one, a few objects at a time. */
async function verifyDigests(
  db: IndexDb,
  blobStore: BlobStore,
  sample: number,
  progress: (phase: string, done: number, total?: number) => void,
): Promise<NonNullable<CheckReport['verify']>> {
  const result: NonNullable<CheckReport['verify']> = { verified: 0, corrupt: { count: 0, first: [] }, unverifiable: 0 };
  const total = db.prepare(`SELECT count(*) FROM instances`).pluck().get() as number;
  const page = db.prepare(`SELECT i.pk AS pk, i.blob_key AS key, i.sop_uid AS sopUid, i.digest AS digest
    FROM instances i JOIN temp.stored_objects s ON s.key = i.blob_key AND s.size = i.size WHERE i.pk > ? ORDER BY i.pk LIMIT ${PAGE}`);
  const current = db.prepare(`SELECT digest FROM instances WHERE blob_key = ?`).pluck();
  let done = 0;
  for (let after = 0; ;) {
    const rows = page.all(after) as Array<{ pk: number; key: string; sopUid: string; digest: string | null }>;
    if (rows.length === 0) break;
    after = rows.at(-1)!.pk;
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let row = rows[next++]; row; row = rows[next++]) {
        if (row.digest === null || !isKnownDigest(row.digest)) result.unverifiable++;
        else {
          const stored = await storedDigest(blobStore, row.key).catch((error: unknown) => {
            if (error instanceof AppError && error.code === 'BLOB_NOT_FOUND') return undefined; // deleted meanwhile
            throw error;
          });
          if (stored === undefined || current.get(row.key) !== row.digest) continue;
          if (stored.digest === row.digest) result.verified++;
          else add(result.corrupt, { key: row.key, sopUid: row.sopUid, recorded: row.digest, stored: stored.digest }, sample);
        }
        progress('verifying', ++done, total);
      }
    };
    await Promise.all(Array.from({ length: VERIFY_CONCURRENCY }, worker));
  }
  return result;
}

/** Copies an orphan to its quarantine key, then deletes it; false when it is gone already. */
async function moveToQuarantine(blobStore: BlobStore, key: string): Promise<boolean> {
  const size = await sizeOf(blobStore, key);
  if (size === undefined) return false;
  await blobStore.put(quarantineKey(key), await blobStore.get(key), { size });
  await blobStore.delete(key);
  return true;
}

async function sizeOf(blobStore: BlobStore, key: string): Promise<number | undefined> {
  try {
    return (await blobStore.head(key)).size;
  } catch (error) {
    if (error instanceof AppError && error.code === 'BLOB_NOT_FOUND') return undefined;
    throw error;
  }
}

function add<T>(finding: Finding<T>, item: T, sample: number): void {
  finding.count++;
  if (finding.first.length < sample) finding.first.push(item);
}
