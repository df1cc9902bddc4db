import Database from 'better-sqlite3';

/** Pages copied per step: every page at once, see below. */
const ALL_PAGES = 0x7fffffff;

/**
 * A consistent copy of a live SQLite file through SQLite's online backup API (better-sqlite3
 * `db.backup`), while the archive keeps writing to it. The pages go over in one step, under one
 * read transaction: in WAL mode that never blocks the archive's writers, and a backup copied in
 * small steps would start again from the first page after every write by another process (the
 * archive commits several times a second under ingest) and might never finish.
 */
export async function snapshotDatabase(sourceFile: string, targetFile: string): Promise<void> {
  const source = new Database(sourceFile, { fileMustExist: true, timeout: 5000 });
  try {
    await source.backup(targetFile, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
  // A self-contained file: no -wal beside it to copy or lose.
  const copy = new Database(targetFile);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/** Makes a snapshot (or a restored file) a single file again after changes made through WAL. */
export function closeAsSingleFile(db: Database.Database): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  db.close();
}
