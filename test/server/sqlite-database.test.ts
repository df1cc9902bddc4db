import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, schemaVersion, type Migration } from '../../server/sqlite/migrate';
import { openDatabase, type DatabaseOptions } from '../../server/sqlite/open-database';
import { statementCache } from '../../server/sqlite/statement-cache';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

const MIGRATIONS: Migration[] = [
  `CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)`,
  (db) => {
    db.exec(`ALTER TABLE notes ADD COLUMN upper TEXT NOT NULL DEFAULT ''`);
    db.prepare(`UPDATE notes SET upper = ?`).run('BACKFILLED');
  },
  `CREATE TABLE tags (note_id INTEGER NOT NULL REFERENCES notes(id), tag TEXT NOT NULL)`,
];

const OPTIONS: DatabaseOptions = { what: 'test database', synchronous: 'FULL', migrations: MIGRATIONS };

describe('openDatabase and applyMigrations', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await makeTempDir('sqlite-database');
    file = path.join(dir, 'nested', 'db.sqlite');
  });
  afterEach(async () => {
    await removeTempDir(dir);
  });

  it('creates a fresh file with its folder, the asked settings and every migration', () => {
    const db = openDatabase(file, OPTIONS);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()).toEqual(['notes', 'tags']);
    db.close();

    const normal = openDatabase(file, { ...OPTIONS, synchronous: 'NORMAL', foreignKeys: false, busyTimeoutMs: 100 });
    expect(normal.pragma('synchronous', { simple: true })).toBe(1);
    expect(normal.pragma('foreign_keys', { simple: true })).toBe(0);
    expect(normal.pragma('busy_timeout', { simple: true })).toBe(100);
    normal.close();
  });

  it('upgrades an older file step by step, keeping and backfilling its rows', () => {
    const old = openDatabase(file, { ...OPTIONS, migrations: MIGRATIONS.slice(0, 1) });
    old.prepare(`INSERT INTO notes (text) VALUES (?)`).run('kept');
    expect(schemaVersion(old)).toBe(1);
    old.close();

    const db = openDatabase(file, OPTIONS);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare(`SELECT text, upper FROM notes`).all()).toEqual([{ text: 'kept', upper: 'BACKFILLED' }]);
    db.close();
  });

  it('stops at a target version when asked (tests build older files)', () => {
    const db = new Database(path.join(dir, 'plain.sqlite'));
    applyMigrations(db, MIGRATIONS, 'test database', 2);
    expect(schemaVersion(db)).toBe(2);
    applyMigrations(db, MIGRATIONS, 'test database');
    expect(schemaVersion(db)).toBe(3);
    db.close();
  });

  it('refuses a file newer than the code knows, and leaves it untouched', () => {
    openDatabase(file, OPTIONS).close();
    expect(() => openDatabase(file, { ...OPTIONS, migrations: MIGRATIONS.slice(0, 2) })).toThrow(
      `The test database ${file} has schema version 3, newer than this server knows (2).`,
    );
    const db = new Database(file);
    expect(schemaVersion(db)).toBe(3);
    db.close();
  });

  it('rolls a failing migration back and leaves the last version that completed', () => {
    const failing: Migration[] = [
      ...MIGRATIONS.slice(0, 1),
      (db) => {
        db.exec(`CREATE TABLE half_done (id INTEGER)`);
        throw new Error('backfill failed');
      },
    ];
    expect(() => openDatabase(file, { ...OPTIONS, migrations: failing })).toThrow('backfill failed');
    expect(() => openDatabase(file, { ...OPTIONS, migrations: [MIGRATIONS[0]!, 'CREATE TABLE notes (x)'] })).toThrow(/already exists/);
    const db = new Database(file);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all()).toEqual(['notes']);
    db.close();

    const fixed = openDatabase(file, OPTIONS);
    expect(schemaVersion(fixed)).toBe(3);
    fixed.close();
  });

  it('skips a step another connection applied after this one read the version', () => {
    openDatabase(file, { ...OPTIONS, migrations: MIGRATIONS.slice(0, 1) }).close();
    const first = new Database(file);
    const second = new Database(file);
    // `first` (say, the account CLI) migrates between `second` reading version 1 and taking the write lock.
    const pragma = second.pragma.bind(second);
    let raced = false;
    second.pragma = ((source: string, options?: Database.PragmaOptions) => {
      const result = pragma(source, options);
      if (!raced && source === 'user_version') {
        raced = true;
        applyMigrations(first, MIGRATIONS, 'test database', 2);
      }
      return result;
    }) as typeof second.pragma;
    applyMigrations(second, MIGRATIONS, 'test database');
    expect(raced).toBe(true);
    expect(schemaVersion(second)).toBe(3);
    first.close();
    second.close();
  });
});

describe('statementCache', () => {
  it('prepares each SQL text once', async () => {
    const dir = await makeTempDir('statement-cache');
    const db = new Database(path.join(dir, 'db.sqlite'));
    const statement = statementCache(db, 2);
    const a = statement('SELECT 1');
    expect(statement('SELECT 1')).toBe(a);
    statement('SELECT 2');
    statement('SELECT 3'); // past the limit: starts again
    expect(statement('SELECT 1')).not.toBe(a);
    expect(statement('SELECT 1').pluck().get()).toBe(1);
    db.close();
    await removeTempDir(dir);
  });
});
