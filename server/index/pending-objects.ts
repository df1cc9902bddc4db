import type { IndexDb } from './index-db';

/**
 * The durable record of instance objects that may exist in storage with no index row naming them
 * (issue 15): recorded before an object is written, and in the same transaction that drops or
 * replaces a row before its object is deleted; forgotten in the transaction that inserts the row,
 * or once the object is gone. What a crash leaves here is exactly what the start-up sweep
 * (server/ops/crash-sweep.ts) deletes, so it needs no grace period. A one-row write in WAL mode
 * with synchronous=NORMAL: no fsync, and it survives a crash of the process (a power cut can lose
 * the last records; `pacs check` finds those objects).
 */
export class PendingObjects {
  private readonly q;

  constructor(db: IndexDb) {
    this.q = {
      record: db.prepare(`INSERT INTO pending_objects (key, since) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET since = excluded.since`),
      forget: db.prepare(`DELETE FROM pending_objects WHERE key = ?`),
      unreferenced: db
        .prepare(`SELECT key FROM pending_objects p WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE i.blob_key = p.key) ORDER BY key`)
        .pluck(),
      forgetReferenced: db.prepare(`DELETE FROM pending_objects WHERE key IN (SELECT blob_key FROM instances)`),
      since: db.prepare(`SELECT since FROM pending_objects WHERE key = ?`).pluck(),
      count: db.prepare(`SELECT count(*) FROM pending_objects`).pluck(),
    };
  }

  /** Records keys (in the caller's transaction when there is one). */
  record(keys: Iterable<string>, now = Date.now()): void {
    for (const key of keys) this.q.record.run(key, now);
  }

  /** Forgets keys whose objects are gone or named by a row (in the caller's transaction when there is one). */
  forget(keys: Iterable<string>): void {
    for (const key of keys) this.q.forget.run(key);
  }

  /** Recorded keys no instance row names: the objects a crash may have left. */
  unreferenced(): string[] {
    return this.q.unreferenced.all() as string[];
  }

  /** Drops records of keys a row names (none are expected: the row's insert forgets its key). */
  forgetReferenced(): number {
    return this.q.forgetReferenced.run().changes;
  }

  /** When a key was recorded, or undefined. */
  since(key: string): number | undefined {
    return this.q.since.get(key) as number | undefined;
  }

  count(): number {
    return this.q.count.get() as number;
  }
}
