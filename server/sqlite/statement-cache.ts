import type Database from 'better-sqlite3';

/**
 * Statements of a query whose SQL is built from a filter (which conditions are present), prepared
 * once per shape of the SQL text instead of once per call. The SQL must hold only placeholders,
 * never values, so the shapes are few; past `limit` the cache starts again rather than grow.
 */
export function statementCache(db: Database.Database, limit = 64): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= limit) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
