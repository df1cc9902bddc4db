import type Database from 'better-sqlite3';

/**
 * One schema step: SQL, or a function for backfills that need our own code. Never edit a
 * released migration: append a new one.
 */
export type Migration = string | ((db: Database.Database) => void);

/** The schema version of an open database (`PRAGMA user_version`; 0 for a new file). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings `db` to schema version `target` (all of `migrations` by default): migration n takes
 * version n to n + 1, each in its own `BEGIN IMMEDIATE` transaction together with its
 * `user_version`, so a failing step leaves the file at the last version that completed
 * (STYLE.md rule 5). A file newer than `migrations` is refused: this code would misread it.
 * `what` names the file in that message ("index", "access database").
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[], what: string, target = migrations.length): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(`The ${what} ${db.name} has schema version ${current}, newer than this server knows (${migrations.length}).`);
  }
  for (let version = current; version < target; version++) {
    const migration = migrations[version]!;
    db.transaction(() => {
      // Another process (the account CLI beside the server) may have applied it meanwhile.
      if (schemaVersion(db) > version) return;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
