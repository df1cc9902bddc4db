import type { IndexDb } from '../index/index-db';

/** One encoded frame kept in object storage, as the index's `derived_frames` table records it (schema migration 3). */
export interface DerivedFrameRow {
  key: string;
  blobKey: string;
  frame: number;
  transferSyntax: string;
  bytes: number;
  createdAt: number;
  lastUsedAt: number;
  hits: number;
}

const COLUMNS = `key, blob_key AS blobKey, frame, transfer_syntax AS transferSyntax, bytes, created_at AS createdAt,
  last_used_at AS lastUsedAt, hits`;

/**
 * The `derived_frames` table behind named, prepared-once statements (STYLE.md rule 5). Uses of a
 * row (hit counter, last use) are gathered in memory and written once per turn of the event loop
 * in one transaction, so that reading a cached frame costs no SQLite write of its own.
 */
export class DerivedFrameRows {
  private readonly q;
  private readonly pendingUses = new Map<string, { hits: number; at: number }>();
  private usesScheduled = false;

  constructor(readonly db: IndexDb) {
    this.q = {
      byKey: db.prepare(`SELECT ${COLUMNS} FROM derived_frames WHERE key = ?`),
      insert: db.prepare(`INSERT INTO derived_frames (key, blob_key, frame, transfer_syntax, bytes, created_at, last_used_at, hits)
        VALUES (@key, @blobKey, @frame, @transferSyntax, @bytes, @createdAt, @lastUsedAt, 0)
        ON CONFLICT (key) DO UPDATE SET bytes = excluded.bytes, last_used_at = excluded.last_used_at`),
      use: db.prepare(`UPDATE derived_frames SET hits = hits + ?, last_used_at = max(last_used_at, ?) WHERE key = ?`),
      remove: db.prepare(`DELETE FROM derived_frames WHERE key = ?`),
      totalBytes: db.prepare(`SELECT coalesce(sum(bytes), 0) FROM derived_frames`).pluck(),
      leastRecent: db.prepare(`SELECT key, bytes FROM derived_frames ORDER BY last_used_at, key LIMIT ?`),
      ofBlob: db.prepare(`SELECT ${COLUMNS} FROM derived_frames WHERE blob_key = ?`),
      // Rows made from an instance the index no longer holds (deleted, or a crash mid-cleanup).
      dead: db.prepare(`SELECT key, bytes FROM derived_frames d WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE i.blob_key = d.blob_key)
        LIMIT ?`),
      keyExists: db.prepare(`SELECT 1 FROM derived_frames WHERE key = ?`).pluck(),
    };
  }

  get(key: string): DerivedFrameRow | undefined {
    return this.q.byKey.get(key) as DerivedFrameRow | undefined;
  }

  has(key: string): boolean {
    return this.q.keyExists.get(key) !== undefined;
  }

  /** Records an object just written (or rewritten) under `row.key`. */
  put(row: Omit<DerivedFrameRow, 'hits'>): void {
    this.q.insert.run(row);
  }

  /** Counts one read of `key` at `at` (ms), written with the others of this turn. */
  used(key: string, at: number): void {
    const pending = this.pendingUses.get(key);
    if (pending) {
      pending.hits++;
      pending.at = Math.max(pending.at, at);
    } else this.pendingUses.set(key, { hits: 1, at });
    if (this.usesScheduled) return;
    this.usesScheduled = true;
    setImmediate(() => this.writeUses());
  }

  /** Writes the uses gathered so far (also called before eviction reads the order of last use). */
  writeUses(): void {
    this.usesScheduled = false;
    if (this.pendingUses.size === 0) return;
    const uses = [...this.pendingUses];
    this.pendingUses.clear();
    this.db.transaction(() => {
      for (const [key, { hits, at }] of uses) this.q.use.run(hits, at, key);
    })();
  }

  remove(key: string): void {
    this.q.remove.run(key);
  }

  totalBytes(): number {
    return this.q.totalBytes.get() as number;
  }

  /** The `limit` rows used least recently, oldest first. */
  leastRecentlyUsed(limit: number): Array<{ key: string; bytes: number }> {
    return this.q.leastRecent.all(limit) as Array<{ key: string; bytes: number }>;
  }

  ofBlob(blobKey: string): DerivedFrameRow[] {
    return this.q.ofBlob.all(blobKey) as DerivedFrameRow[];
  }

  /** Up to `limit` rows whose stored instance is gone from the index. */
  dead(limit: number): Array<{ key: string; bytes: number }> {
    return this.q.dead.all(limit) as Array<{ key: string; bytes: number }>;
  }
}
