import type Database from 'better-sqlite3';

/** The index's SQLite connection, as `openIndex` returns it. */
export type IndexDb = Database.Database;
