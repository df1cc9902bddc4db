import { open, type FileHandle } from 'node:fs/promises';
import type { ArchiveIndex, InsertResult, InstanceRecord } from './archive-index';
import type { PendingObjects } from './pending-objects';

/**
 * Group commit for the index. Instances that finish storing in the same turn of the event loop
 * are written in one `BEGIN IMMEDIATE` transaction; then the WAL file is flushed with fdatasync
 * on libuv's thread pool, and only then does each caller get its result. With
 * `synchronous=NORMAL` SQLite itself does not fsync on commit, so the event loop never blocks on
 * the disk, yet nothing is acknowledged before its rows are durable (fsync is per file, so our
 * own handle on the -wal file flushes what SQLite wrote through its own).
 */
export class IndexWriter {
  private queue: Array<{ record: InstanceRecord; resolve: (r: InsertResult) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;
  private wal: Promise<FileHandle> | undefined;
  /** The flush in progress, and whether another must follow it for commits made meanwhile. */
  private syncing: Promise<void> | undefined;
  private syncAgain: Promise<void> | undefined;

  constructor(
    private readonly index: ArchiveIndex,
    private readonly maxBatch = 256,
  ) {}

  /** The record of objects being written (ingest records each key before its object, pending-objects.ts). */
  get pending(): PendingObjects {
    return this.index.pending;
  }

  insert(record: InstanceRecord): Promise<InsertResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves once every transaction committed so far is on disk. */
  durable(): Promise<void> {
    if (!this.syncing) {
      this.syncing = this.syncWal().finally(() => {
        this.syncing = undefined;
      });
      return this.syncing;
    }
    // A flush is running and may have started before our commit: chain exactly one more.
    this.syncAgain ??= this.syncing.then(() => {
      this.syncAgain = undefined;
      return this.durable();
    });
    return this.syncAgain;
  }

  async close(): Promise<void> {
    await this.syncing;
    await (await this.wal?.catch(() => undefined))?.close();
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const settled: Array<() => void> = [];
      try {
        const results = this.index.insertInstances(batch.map((item) => item.record));
        batch.forEach((item, n) => settled.push(() => item.resolve(results[n]!)));
      } catch {
        // One bad record must not fail the others: retry them one transaction each.
        for (const item of batch) {
          try {
            const result = this.index.insertInstance(item.record);
            settled.push(() => item.resolve(result));
          } catch (error) {
            settled.push(() => item.reject(error));
          }
        }
      }
      this.durable().then(
        () => settled.forEach((settle) => settle()),
        (error: unknown) => batch.forEach((item) => item.reject(error)),
      );
    }
  }

  private async syncWal(): Promise<void> {
    this.wal ??= open(`${this.index.db.name}-wal`, 'r+');
    await (await this.wal).datasync();
  }
}
