import { applyMigrations } from '../sqlite/migrate';
import { openDatabase } from '../sqlite/open-database';
import type { IndexDb } from './index-db';
import { MIGRATIONS } from './schema';

/**
 * Opens (creating if needed) the SQLite index: WAL, foreign keys on, then pending migrations.
 * synchronous=NORMAL: commits do not fsync on the event loop; `IndexWriter` flushes the WAL on
 * the thread pool before anything is acknowledged (group commit), so an instance acknowledged by
 * STOW-RS still survives a power cut.
 */
export function openIndex(file: string): IndexDb {
  return openDatabase(file, { what: 'index', synchronous: 'NORMAL', foreignKeys: true, migrations: MIGRATIONS });
}

/** Applies the pending migrations up to `target` (all by default; tests build older files). */
export function migrate(db: IndexDb, target = MIGRATIONS.length): void {
  applyMigrations(db, MIGRATIONS, 'index', target);
}
