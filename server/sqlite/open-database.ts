import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations, type Migration } from './migrate';

export interface DatabaseOptions {
  /** What the file is, for messages: "index", "access database", "audit trail". */
  what: string;
  /**
   * `FULL` syncs every commit; `NORMAL` in WAL mode syncs only at checkpoints, so a power cut can
   * lose the last commits unless the caller flushes the WAL itself (the index writer does).
   */
  synchronous: 'NORMAL' | 'FULL';
  /** `PRAGMA foreign_keys`, set on every connection (default on, as better-sqlite3 builds SQLite). */
  foreignKeys?: boolean;
  /** How long a statement waits for another process's lock before SQLITE_BUSY (default 5 s). */
  busyTimeoutMs?: number;
  migrations: readonly Migration[];
}

/**
 * Opens (creating it and its folder if needed) one of the archive's SQLite files in WAL mode with
 * the durability and foreign-key settings asked for, then applies its pending migrations. The
 * index, the access database and the audit trail all open through here, each with its own settings.
 */
export function openDatabase(file: string, options: DatabaseOptions): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    db.pragma(`foreign_keys = ${options.foreignKeys === false ? 'OFF' : 'ON'}`);
    applyMigrations(db, options.migrations, options.what);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
