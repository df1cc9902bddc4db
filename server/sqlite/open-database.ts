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
  let db: Database.Database | undefined;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    db.pragma(`foreign_keys = ${options.foreignKeys === false ? 'OFF' : 'ON'}`);
    applyMigrations(db, options.migrations, options.what);
    return db;
  } catch (error) {
    db?.close();
    throw diskFullError(file, options.what, error) ?? error;
  }
}

/** Below this much free space, a failed open is blamed on the disk: WAL mode must create a -shm and a -wal file. */
const FULL_BELOW_BYTES = 2 ** 20;

/**
 * An open that failed on a full disk says so. SQLite's own words do not: creating the -shm file
 * of WAL mode on a full disk fails as SQLITE_IOERR_SHMSIZE, "disk I/O error".
 */
function diskFullError(file: string, what: string, error: unknown): Error | undefined {
  const dir = path.dirname(file);
  let free: number;
  try {
    const stats = fs.statfsSync(dir);
    free = stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
  if (free >= FULL_BELOW_BYTES) return undefined;
  return new Error(`The disk holding the ${what} (${dir}) is full (${free} bytes free): free space on it, then start again.`, {
    cause: error,
  });
}
