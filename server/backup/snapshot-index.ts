import Database from 'better-sqlite3';
import { ArchiveIndex } from '../index/archive-index';
import { openIndex } from '../index/open-index';
import { closeAsSingleFile } from './sqlite-snapshot';

/** An instance of the snapshot and the object it points at. */
export interface SnapshotInstance {
  sopUid: string;
  seriesUid: string;
  studyUid: string;
  blobKey: string;
  size: number;
  /** The digest recorded at ingest (instances.digest), or null. */
  digest: string | null;
}

/** The same instance's row in the live index now: its object may have been replaced since the snapshot. */
export interface LiveInstance extends SnapshotInstance {
  row: Record<string, unknown>;
}

const INSTANCE = `SELECT i.sop_uid AS sopUid, se.series_uid AS seriesUid, st.study_uid AS studyUid, i.blob_key AS blobKey, i.size AS size, i.digest AS digest
  FROM instances i JOIN series se ON se.pk = i.series_pk JOIN studies st ON st.pk = se.study_pk`;

/** Columns of an instance row that name it and its place: a replaced object changes every other column (instance-object-swap.ts). */
const IDENTITY_COLUMNS = new Set(['pk', 'sop_uid', 'series_pk', 'created_at']);

/**
 * The index snapshot of a backup, opened to read the objects it references and to make it agree
 * with what was copied: an instance deleted from the archive before its object could be copied
 * is dropped (as DELETE does: empty series and studies go too), one whose object was replaced
 * (PACS_STORE_COMPRESSED) takes the live row's object columns, and the derived-frame cache is
 * emptied (its objects are not copied: a cache is rebuilt on demand).
 */
export class SnapshotIndex {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): SnapshotIndex {
    return new SnapshotIndex(openIndex(file));
  }

  instances(): SnapshotInstance[] {
    return this.db.prepare(`${INSTANCE} ORDER BY i.blob_key`).all() as SnapshotInstance[];
  }

  counts(): { studies: number; series: number; instances: number } {
    const count = (table: string) => this.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return { studies: count('studies'), series: count('series'), instances: count('instances') };
  }

  drop(instance: SnapshotInstance): void {
    new ArchiveIndex(this.db).delete(instance.studyUid, instance.seriesUid, instance.sopUid);
  }

  replaceObject(live: LiveInstance): void {
    const columns = (this.db.pragma('table_info(instances)') as Array<{ name: string }>)
      .map((c) => c.name)
      .filter((c) => !IDENTITY_COLUMNS.has(c));
    const set = columns.map((c) => `"${c}" = @${c}`).join(', ');
    const values = Object.fromEntries(columns.map((c) => [c, live.row[c] ?? null]));
    this.db.prepare(`UPDATE instances SET ${set} WHERE sop_uid = @sop_uid`).run({ ...values, sop_uid: live.sopUid });
  }

  /**
   * Empties the derived-frame cache's rows and the record of objects being written (none of
   * those objects is in the backup), then closes the snapshot as one self-contained file.
   */
  finish(): void {
    this.db.exec('DELETE FROM derived_frames');
    const tables = this.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all() as string[];
    if (tables.includes('pending_objects')) this.db.exec('DELETE FROM pending_objects');
    closeAsSingleFile(this.db);
  }

  close(): void {
    this.db.close();
  }
}

/** The archive's live index, read-only: where the backup asks what became of an instance whose object vanished. */
export class LiveIndex {
  private readonly query;

  constructor(private readonly db: Database.Database) {
    this.query = db.prepare(`${INSTANCE.replace('SELECT ', 'SELECT i.*, ')} WHERE i.sop_uid = ?`);
  }

  static open(file: string): LiveIndex {
    return new LiveIndex(new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 }));
  }

  instance(sop: string): LiveInstance | undefined {
    const row = this.query.get(sop) as (SnapshotInstance & Record<string, unknown>) | undefined;
    if (!row) return undefined;
    const { sopUid, seriesUid, studyUid, blobKey, size, digest } = row;
    return { sopUid, seriesUid, studyUid, blobKey, size, digest, row };
  }

  close(): void {
    this.db.close();
  }
}
