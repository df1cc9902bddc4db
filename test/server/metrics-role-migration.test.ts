import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_MIGRATIONS, openAccessDb } from '../../server/auth/access-db';
import { applyMigrations, schemaVersion } from '../../server/sqlite/migrate';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

const ADD_USER = 'INSERT INTO users (username, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, 1, 1)';

/**
 * Access migration 6 (the metrics role) on a database made by the archive before it: users.role's
 * CHECK is widened in place, so the accounts and what hangs off them (sessions, API tokens, with
 * ON DELETE CASCADE) stay, and the constraint still refuses a role that does not exist.
 */
describe('the metrics role on an existing access database', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('access-migration');
  });
  afterAll(() => removeTempDir(dir));

  it('keeps every account and session, then takes a metrics account and refuses an unknown role', () => {
    const file = path.join(dir, 'access.sqlite');
    const before = new Database(file);
    before.pragma('journal_mode = WAL');
    before.pragma('foreign_keys = ON');
    applyMigrations(before, ACCESS_MIGRATIONS, 'access database', 5);
    const { lastInsertRowid: userId } = before.prepare(ADD_USER).run('admin', 'admin', 'x');
    before
      .prepare('INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, 1, 2)')
      .run(Buffer.alloc(32, 1), userId, 'csrf');
    expect(() => before.prepare(ADD_USER).run('early', 'metrics', 'x')).toThrow(/CHECK constraint failed/);
    before.close();

    const db = openAccessDb(file);
    try {
      expect(schemaVersion(db)).toBe(ACCESS_MIGRATIONS.length);
      expect(db.prepare('SELECT username, role FROM users').all()).toEqual([{ username: 'admin', role: 'admin' }]);
      expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 1 });
      db.prepare(ADD_USER).run('scraper', 'metrics', 'x');
      expect(() => db.prepare(ADD_USER).run('nobody', 'superuser', 'x')).toThrow(/CHECK constraint failed/);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
