import { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';
import type { BlobStore } from '../storage/blob-store';
import { DERIVED_KEY_PREFIX, derivedFrameKey } from '../storage/object-keys';
import type { ByteSpan } from './byte-streams';
import type { DerivedFrameRows } from './derived-frame-rows';

/**
 * The derived-representation cache (issue 11 item 3): frames of stored instances encoded in
 * another transfer syntax, kept in object storage under keys of their own
 * (`object-keys.ts derivedFrameKey`) and recorded in the index's `derived_frames` table, up to a
 * size cap with least-recently-used eviction. Concurrent requests for the same frame and syntax
 * share one encode. Encoding is deterministic, so a frame made again (after eviction, or when the
 * cache is off) has the same bytes, and a byte range of it stays valid under the same ETag.
 *
 * Order of writes and crash safety. Put: object, then row; eviction and deletion: object, then
 * row. So a crash can leave
 * - a row whose object is missing (crash between object delete and row delete): reading it finds
 *   no object, makes the frame again and writes the object back (it heals), and eviction of such a
 *   row tolerates the missing object;
 * - an object without a row (crash between object put and row insert): `sweep()` at start lists
 *   `v1/derived/` (bounded by the cap, not by the archive) and removes objects without a row;
 * - rows of an instance deleted meanwhile (crash after the index delete, or an encode that
 *   finished after it): `sweep()` removes them, object first.
 * Within one process the races are closed in memory: a key being removed is never written by a
 * concurrent encode (the encode serves its bytes without keeping them), and removal skips keys
 * whose encode is in flight. No foreign key ties rows to `instances`: a cascade would drop rows
 * and leave their objects behind.
 */

/** One encoded frame: its length and a way to open all of it or a range. */
export interface DerivedFrame {
  length: number;
  open: (range?: ByteSpan) => Promise<Readable>;
}

/** What names one derived frame: the stored object it is made from, the frame (1-based) and the transfer syntax. */
export interface DerivedSource {
  blobKey: string;
  frame: number;
  transferSyntax: string;
}

/**
 * The generation of the encoders: part of every derived key and of the frames' ETags. Bump it
 * when an encoder or its options change its output, so no cached or browser-held byte range of
 * an old codestream is ever combined with a new one.
 */
export const ENCODER_GENERATION = 1;

const EVICTION_BATCH = 256;

export class DerivedFrames {
  /** Encodes under way, by derived key, until their object and row are written (or given up). */
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  /** Keys whose object and row are being removed: an encode finishing meanwhile does not keep its bytes. */
  private readonly removing = new Set<string>();
  private total: number;
  private evicting: Promise<void> | undefined;
  private evictAgain = false;
  /** The background work started (puts, eviction), so `idle()` can wait for it (tests, shutdown). */
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    private readonly rows: DerivedFrameRows,
    private readonly blobStore: BlobStore,
    /** The cap in bytes; 0 keeps nothing (every read encodes). */
    readonly capBytes: number,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    this.total = rows.totalBytes();
  }

  /** Bytes of the objects the table records now. */
  get totalBytes(): number {
    return this.total;
  }

  keyOf(source: DerivedSource): string {
    return derivedFrameKey(source.blobKey, source.frame, source.transferSyntax, ENCODER_GENERATION);
  }

  /**
   * The encoded frame: from the cache when it holds it (a hit is counted), else made by `make`
   * (shared with concurrent callers for the same key) and kept in the background. Rejects only
   * when `make` does; then nothing is kept.
   */
  async frame(source: DerivedSource, make: () => Promise<Uint8Array>): Promise<DerivedFrame> {
    const key = this.keyOf(source);
    const row = this.capBytes > 0 && !this.inFlight.has(key) ? this.rows.get(key) : undefined;
    if (row) {
      this.rows.used(key, Date.now());
      return { length: row.bytes, open: (range) => this.read(key, row.bytes, source, make, range) };
    }
    return fromMemory(await this.made(key, source, make));
  }

  /** Waits for the puts and evictions started so far. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    this.rows.writeUses();
  }

  /**
   * Removes the derived frames of stored objects that are gone (called after the index delete):
   * each object, then its row. A failure leaves the row, so `sweep()` retries it at the next start.
   */
  async forget(blobKeys: readonly string[]): Promise<void> {
    for (const blobKey of blobKeys) {
      for (const row of this.rows.ofBlob(blobKey)) await this.remove(row.key, row.bytes);
    }
  }

  /**
   * Start-up clean-up of what a crash can leave (see the header): rows of instances no longer in
   * the index, then objects under `v1/derived/` without a row; then eviction, should the cap have
   * been lowered since the last start (to 0: everything goes).
   */
  sweep(): Promise<{ deadRows: number; orphanObjects: number }> {
    const run = this.sweepNow();
    const tracked = run.catch(() => undefined).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
    return run;
  }

  private async sweepNow(): Promise<{ deadRows: number; orphanObjects: number }> {
    let deadRows = 0;
    for (let batch = this.rows.dead(EVICTION_BATCH); batch.length > 0; batch = this.rows.dead(EVICTION_BATCH)) {
      for (const row of batch) {
        if (!(await this.remove(row.key, row.bytes))) return { deadRows, orphanObjects: 0 };
        deadRows++;
      }
    }
    let orphanObjects = 0;
    for await (const key of this.blobStore.list(DERIVED_KEY_PREFIX)) {
      if (this.rows.has(key) || this.inFlight.has(key) || this.removing.has(key)) continue;
      this.removing.add(key);
      try {
        await this.blobStore.delete(key);
        orphanObjects++;
      } finally {
        this.removing.delete(key);
      }
    }
    if (this.total > this.capBytes) this.scheduleEviction();
    return { deadRows, orphanObjects };
  }

  private made(key: string, source: DerivedSource, make: () => Promise<Uint8Array>): Promise<Buffer> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const bytes = make().then((out) => Buffer.from(out.buffer, out.byteOffset, out.byteLength));
    this.inFlight.set(key, bytes);
    const kept = bytes
      .then((buffer) => this.keep(key, source, buffer))
      .catch(() => undefined) // the encode's failure is the caller's; a storage failure was logged
      .finally(() => {
        this.inFlight.delete(key);
        this.background.delete(kept);
      });
    this.background.add(kept);
    return bytes;
  }

  /** Writes a new encoded frame: object, then row; then eviction if over the cap. */
  private async keep(key: string, source: DerivedSource, bytes: Buffer): Promise<void> {
    if (this.capBytes === 0 || bytes.length > this.capBytes || this.removing.has(key)) return;
    try {
      await this.blobStore.put(key, Readable.from([bytes]), { size: bytes.length });
    } catch (error) {
      this.log(`derived frame cache: could not store ${key}`, error);
      return;
    }
    if (this.removing.has(key)) return; // its removal deletes the object we just wrote
    const now = Date.now();
    const previous = this.rows.get(key);
    this.rows.put({ key, ...source, bytes: bytes.length, createdAt: now, lastUsedAt: now });
    this.total += bytes.length - (previous?.bytes ?? 0);
    if (this.total > this.capBytes) this.scheduleEviction();
  }

  /** A cached frame, or a range of it; an object gone (evicted meanwhile, or lost) is made again. */
  private async read(key: string, length: number, source: DerivedSource, make: () => Promise<Uint8Array>, range?: ByteSpan) {
    const span = range ?? { start: 0, end: length };
    try {
      return await this.blobStore.get(key, span);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'BLOB_NOT_FOUND') throw error;
    }
    const bytes = await this.made(key, source, make);
    if (bytes.length !== length) {
      // Deterministic encoders make the same bytes; anything else would break ranges under one ETag.
      throw new AppError('INTERNAL', `The derived frame ${key} was made again with ${bytes.length} bytes instead of ${length}.`);
    }
    return Readable.from([bytes.subarray(span.start, span.end)]);
  }

  private scheduleEviction(): void {
    if (this.evicting) {
      this.evictAgain = true;
      return;
    }
    const run = this.evict()
      .catch((error: unknown) => this.log('derived frame cache: eviction failed', error))
      .finally(() => {
        this.evicting = undefined;
        this.background.delete(run);
        if (this.evictAgain && this.total > this.capBytes) {
          this.evictAgain = false;
          this.scheduleEviction();
        }
      });
    this.evicting = run;
    this.background.add(run);
  }

  /** Least recently used first, until the recorded total is within the cap. */
  private async evict(): Promise<void> {
    this.rows.writeUses();
    while (this.total > this.capBytes) {
      const batch = this.rows.leastRecentlyUsed(EVICTION_BATCH).filter((row) => !this.inFlight.has(row.key));
      if (batch.length === 0) return;
      for (const row of batch) {
        if (this.total <= this.capBytes) return;
        if (!(await this.remove(row.key, row.bytes))) return;
      }
    }
  }

  /** Object first, then row (see the header); false when the object could not be deleted (the row stays). */
  private async remove(key: string, bytes: number): Promise<boolean> {
    if (this.removing.has(key)) return true;
    this.removing.add(key);
    try {
      await this.blobStore.delete(key);
      this.rows.remove(key);
      this.total -= bytes;
      return true;
    } catch (error) {
      this.log(`derived frame cache: could not delete ${key}`, error);
      return false;
    } finally {
      this.removing.delete(key);
    }
  }
}

function fromMemory(bytes: Buffer): DerivedFrame {
  return {
    length: bytes.length,
    open: async (range) => Readable.from([range ? bytes.subarray(range.start, range.end) : bytes]),
  };
}
