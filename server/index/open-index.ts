import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { IndexDb } from './index-db';
import { MIGRATIONS } from './schema';

/**
 * Opens (creating if needed) the SQLite index: WAL, foreign keys on, then pending migrations.
 * synchronous=NORMAL: commits do not fsync on the event loop; `IndexWriter` flushes the WAL on
 * the thread pool before anything is acknowledged (group commit), so an instance acknowledged by
 * STOW-RS still survives a power cut.
 */
export function openIndex(file: string): IndexDb {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies the pending migrations up to `target` (all by default; tests build older files). */
export function migrate(db: IndexDb, target = MIGRATIONS.length): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The index ${db.name} has schema version ${current}, newer than this server knows (${MIGRATIONS.length}).`);
  }
  for (let version = current; version < target; version++) {
    const migration = MIGRATIONS[version]!;
    db.transaction(() => {
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
