import type { IndexDb } from '../index/index-db';

export interface IndexSize {
  studies: number;
  series: number;
  instances: number;
  /** Bytes of the stored objects of all instances. */
  bytes: number;
}

/** Counts are taken again when older than this at a scrape. */
const COUNTS_MAX_AGE_MS = 15_000;
/** The byte total is summed again, in the background, when older than this... */
const BYTES_MAX_AGE_MS = 60_000;
/** ...and than this many times what the last sum took, so summing takes at most 1 % of a core (5 million instances: every ~15 minutes). */
const BYTES_AGE_PER_SUM_TIME = 100;
/** Instance rows per statement of the byte sum: ~1.5 ms each (500,000 instances: 0.6-0.8 s in all, no statement over ~20 ms). */
const CHUNK_ROWS = 2_500;

/**
 * The size of the index for /metrics, never holding the event loop for long on a large index.
 * The counts are SQLite's `count(*)`, which walks the smallest index (500,000 instances: 18 ms
 * from a cold cache, 0.3 ms warm). The byte total has no index to read and is a sum over every
 * instance row (a second for 500,000 rows in one statement), so it is summed by ranges of the
 * primary key with the event loop free between them, in the background: a scrape gets the last
 * total (at most BYTES_MAX_AGE_MS old), and waits only for the very first one.
 */
export class IndexSizeCounter {
  private readonly q;
  private counts: { at: number; studies: number; series: number; instances: number } | undefined;
  private bytes: { at: number; total: number; tookMs: number } | undefined;
  private summing: Promise<number> | undefined;

  constructor(db: IndexDb) {
    this.q = {
      studies: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM studies'),
      series: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM series'),
      instances: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM instances'),
      maxInstance: db.prepare<[], { max: number | null }>('SELECT max(pk) AS max FROM instances'),
      bytes: db.prepare<[number, number], { bytes: number }>(
        'SELECT coalesce(sum(size), 0) AS bytes FROM instances WHERE pk > ? AND pk <= ?',
      ),
    };
  }

  async read(now = Date.now()): Promise<IndexSize> {
    if (!this.counts || now - this.counts.at >= COUNTS_MAX_AGE_MS) {
      const n = (statement: { get(): { n: number } | undefined }) => statement.get()?.n ?? 0;
      this.counts = { at: now, studies: n(this.q.studies), series: n(this.q.series), instances: n(this.q.instances) };
    }
    if (!this.bytes || now - this.bytes.at >= Math.max(BYTES_MAX_AGE_MS, this.bytes.tookMs * BYTES_AGE_PER_SUM_TIME)) {
      this.summing ??= this.sumBytes().finally(() => (this.summing = undefined));
      if (!this.bytes) await this.summing;
    }
    const { studies, series, instances } = this.counts;
    return { studies, series, instances, bytes: this.bytes?.total ?? 0 };
  }

  private async sumBytes(): Promise<number> {
    let tookMs = 0;
    const maxPk = this.q.maxInstance.get()?.max ?? 0;
    let total = 0;
    for (let from = 0; from < maxPk; from += CHUNK_ROWS) {
      const chunkStarted = performance.now();
      total += this.q.bytes.get(from, from + CHUNK_ROWS)?.bytes ?? 0;
      tookMs += performance.now() - chunkStarted;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.bytes = { at: Date.now(), total, tookMs };
    return total;
  }
}
