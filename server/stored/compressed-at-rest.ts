import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntax,
} from '../../shared/dicom/transfer-syntaxes';
import { AppError } from '../../shared/errors';
import type { IndexWriter } from '../index/index-writer';
import { InstanceObjectSwap } from '../index/instance-object-swap';
import { Part10StreamParser, type ParsedPart10 } from '../ingest/part10-parser';
import { indexedForm, type IndexedNotice } from '../ingest/store-instance';
import { blobSha256 } from '../storage/blob-digest';
import { digestOf } from '../storage/object-digest';
import { newInstanceKey } from '../storage/object-keys';
import { collect } from './byte-streams';
import type { DerivedFrames } from './derived-frames';
import { IngestQuiet } from './ingest-quiet';
import { nativeFrameOf, storedFrames, type StoredImage } from './native-frame';
import type { StoredDeps } from './stored-deps';
import { findStored, type StoredInstance } from './stored-instance';
import { planTranscode, transcodeInstance } from './transcoded-instance';

/** What "received uncompressed" means: the native transfer syntaxes (PS3.5 A.1-A.5). */
const NATIVE_SYNTAXES: ReadonlySet<string> = new Set([
  IMPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
]);

/** Instances waiting at most; later ones stay as received. */
const MAX_QUEUED = 10_000;

/**
 * How long a replaced object outlives its swap. Readers that located the instance before it
 * still find it: a whole-study retrieval plans every instance first, then streams their objects
 * for as long as the link takes (minutes over a district link), and a re-store runs right after
 * ingest, when a study is most read.
 */
const REPLACED_GRACE_MS = 60 * 60_000;

/** One instance re-stored compressed: what the log line and the audit record say. */
export interface RestoredInstance {
  studyUid: string;
  sopUid: string;
  originalTransferSyntax: string;
  transferSyntax: string;
  originalSize: number;
  size: number;
  /** Read, encode, verify, write and swap, in milliseconds. */
  ms: number;
}

export type RestoreOutcome =
  | { kind: 'compressed'; restored: RestoredInstance }
  /** `notable`: an image the option was meant for (refused by the encoder, lossy once, not smaller), worth a log line. */
  | { kind: 'kept'; reason: string; notable: boolean };

export interface CompressionAtRestDeps extends StoredDeps {
  indexWriter: IndexWriter;
  derived: DerivedFrames;
  log: (message: string, error?: unknown) => void;
  info: (message: string) => void;
  /** Told of each instance re-stored (the audit trail). */
  onRestored?: (restored: RestoredInstance) => void;
  /** Told of each instance once the re-store is done with it, whatever the outcome (PACS_DERIVE_AT_INGEST comes next). */
  next?: (notice: IndexedNotice) => void;
  /** Records the new object's digest in the row (PACS_INGEST_DIGEST; on unless false). */
  digest?: boolean;
  /** Tests only: runs between the new object's write and the swap, to race a DELETE or a new STOW-RS against it. */
  beforeSwap?: (sopUid: string) => Promise<void>;
}

/**
 * `PACS_STORE_COMPRESSED` (Orthanc's IngestTranscoding, off by default): instances received in a
 * native transfer syntax are re-stored in a lossless one after STOW-RS has answered. STOW is
 * untouched: the instance is stored and indexed as received, and `enqueue` only records it. In
 * the background, one instance at a time, each waiting for ingest to be quiet (ingest-quiet.ts):
 * the stored object is re-encoded (transcoded-instance.ts, frames on the codec pool), parsed
 * again by the ingest parser, checked to decode to the received pixels frame by frame, written
 * as a new object, and swapped in by one index transaction that re-derives everything the row
 * holds that depends on the encoding. The old object is deleted after REPLACED_GRACE_MS, or at
 * shutdown. Instances whose pixels were lossy once, that the encoder refuses, or that would not
 * get smaller stay as received.
 *
 * Crashes, step by step: before the new object is complete nothing changed; between its write
 * and the swap it is an object no row names, recorded as pending (index/pending-objects.ts), and
 * the instance stays as received. The swap forgets the new object and records the old one, which
 * is deleted only once the swap is durable (the WAL flushed): a crash after the swap, or within
 * the grace, leaves the old object to the start-up sweep, never a row pointing at a missing
 * object. Instances queued
 * but not yet re-stored stay as received. A DELETE, or a DELETE and a new STOW of the same
 * instance, while it is re-encoded makes the swap's key comparison fail
 * (instance-object-swap.ts), and the new object is deleted.
 */
export class CompressionAtRest {
  private readonly queue: IndexedNotice[] = [];
  private readonly rows: InstanceObjectSwap;
  private readonly quiet = new IngestQuiet();
  private running: Promise<void> | undefined;
  private stopped = false;
  private dropped = 0;
  /** Objects swapped out, oldest first, each deleted when its grace ends (REPLACED_GRACE_MS). */
  private readonly replaced: Array<{ key: string; due: number }> = [];
  private retireTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: CompressionAtRestDeps,
    /** The lossless transfer syntax to store in (config.ts STORE_COMPRESSED_SYNTAXES). */
    readonly target: string,
  ) {
    this.rows = new InstanceObjectSwap(deps.index.db);
  }

  enqueue(notice: IndexedNotice): void {
    if (this.stopped) return;
    if (this.queue.length >= MAX_QUEUED) {
      if (this.dropped++ === 0) this.deps.log(`store compressed: more than ${MAX_QUEUED} instances waiting; later ones stay as received`);
      this.deps.next?.(notice);
      return;
    }
    this.queue.push(notice);
    this.quiet.arrived();
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Finishes the instance in hand and drops the rest, which stay as received; then deletes every
   * replaced object (shutdown, once the server takes no more requests: no reader is left).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.quiet.wakeAll();
    await this.running;
    clearTimeout(this.retireTimer);
    this.retireTimer = undefined;
    await this.deleteReplaced();
  }

  /** Objects swapped out whose grace has not ended yet. */
  get replacedKeys(): string[] {
    return this.replaced.map(({ key }) => key);
  }

  /** Deletes the replaced objects whose grace ends by `until` (all of them by default), and their derived frames. */
  async deleteReplaced(until = Infinity): Promise<void> {
    while (this.replaced.length > 0 && this.replaced[0]!.due <= until) {
      const { key } = this.replaced.shift()!;
      try {
        await this.deps.blobStore.delete(key);
        this.rows.pending.forget([key]);
        await this.deps.derived.forget([key]);
      } catch (error) {
        this.deps.log(`store compressed: a replaced object was not deleted (key ${key}); it is left as an orphan`, error);
      }
    }
  }

  private async drain(): Promise<void> {
    for (let notice = this.queue.shift(); notice && !this.stopped; notice = this.queue.shift()) {
      await this.quiet.wait();
      if (this.stopped) return;
      try {
        const outcome = await this.restore(notice);
        if (outcome.kind === 'compressed') this.restored(outcome.restored);
        else if (outcome.notable) this.deps.info(`store compressed: instance ${notice.sopUid} stays as received: ${outcome.reason}`);
      } catch (error) {
        // Deleted while it was read: nothing to say.
        if (this.rows.candidate(notice.sopUid)) this.deps.log('store compressed: an instance stays as received', error);
      }
      this.deps.next?.(notice);
    }
    this.dropped = 0;
  }

  /** Re-stores one instance in the target syntax, or says why it stays as it is. */
  async restore({ sopUid }: Pick<IndexedNotice, 'sopUid'>): Promise<RestoreOutcome> {
    const { index, blobStore, indexWriter } = this.deps;
    const row = this.rows.candidate(sopUid);
    if (!row) return kept('it was deleted');
    if (row.originalTransferSyntax !== null || !NATIVE_SYNTAXES.has(row.transferSyntax)) return kept('it was not received uncompressed');
    // PS3.3 C.7.6.1.1.5: pixels that were lossy once are not to be passed off as an original; keep them as they came.
    if (row.lossyImageCompression === '01') return kept('its pixels were compressed lossily before (Lossy Image Compression 01)', true);
    const located = findStored(index, row.studyUid, row.seriesUid, sopUid);
    if (!located || located.instance.blobKey !== row.blobKey) return kept('it was deleted or stored again');
    if (!located.bulk.pixelData?.length) return kept('it has no Pixel Data');
    let plan;
    try {
      plan = planTranscode(located, this.target);
    } catch (error) {
      if (error instanceof AppError) return kept(error.message, true);
      throw error;
    }
    const started = performance.now();
    const sha256 = await blobSha256(blobStore, row.blobKey);
    const bytes = await transcodeInstance({ index, blobStore }, plan);
    if (bytes.length >= row.size) return kept(`it is not smaller compressed (${bytes.length} bytes, ${row.size} as received)`, true);
    const parsed = parsePart10(bytes);
    if (parsed.transferSyntaxUid !== this.target || getString(parsed.dataset, Tag.SOPInstanceUID) !== sopUid) {
      throw new Error(`the re-encoded object of ${sopUid} is not in ${this.target} or names another instance`);
    }
    await this.verify(located, plan.image!, parsed, bytes);

    const key = newInstanceKey();
    this.rows.pending.record([key]);
    let swapped = false;
    try {
      await blobStore.put(key, Readable.from([bytes]), { size: bytes.length });
      await this.deps.beforeSwap?.(sopUid);
      swapped = this.rows.swap({
        sopUid,
        expectedBlobKey: row.blobKey,
        blobKey: key,
        size: bytes.length,
        transferSyntax: this.target,
        ...indexedForm(parsed, row.studyUid, row.seriesUid, sopUid),
        original: { transferSyntax: row.transferSyntax, size: row.size, sha256 },
        digest: this.deps.digest === false ? undefined : digestOf(bytes),
      });
    } finally {
      if (!swapped) await this.discard(key);
    }
    if (!swapped) return kept('it was deleted or stored again while it was re-encoded');
    // A power cut before the WAL flush would bring back the row naming the old object: keep that object until then, and
    // for readers that located the instance before the swap, REPLACED_GRACE_MS longer.
    await indexWriter.durable();
    this.retire(row.blobKey);
    return {
      kind: 'compressed',
      restored: {
        studyUid: row.studyUid,
        sopUid,
        originalTransferSyntax: row.transferSyntax,
        transferSyntax: this.target,
        originalSize: row.size,
        size: bytes.length,
        ms: performance.now() - started,
      },
    };
  }

  /**
   * The original is about to be deleted: every frame of the new object must decode (with the
   * archive's decoders) to exactly the pixels as received, before anything is written.
   */
  private async verify(located: StoredInstance, image: StoredImage, parsed: ParsedPart10, bytes: Buffer): Promise<void> {
    const pixel = parsed.pixelData;
    if (!pixel?.encapsulated || pixel.fragments?.length !== image.numberOfFrames) {
      throw new Error(`the re-encoded Pixel Data of ${located.sopUid} does not hold one fragment per frame`);
    }
    const encoded: StoredImage = {
      ...image,
      transferSyntax: this.target,
      pixel,
      photometricInterpretation: getString(parsed.dataset, Tag.PhotometricInterpretation)?.trim() ?? image.photometricInterpretation,
      planarConfiguration: 0,
    };
    for (let frame = 1; frame <= image.numberOfFrames; frame++) {
      const [stored] = await storedFrames(this.deps, located, image, [frame]);
      const received = await nativeFrameOf(image, await collect(await stored!.open()));
      const { offset, length } = pixel.fragments[frame - 1]!;
      const decoded = await nativeFrameOf(encoded, bytes.subarray(offset, offset + length));
      if (!sameBytes(decoded.pixels, received.pixels)) {
        throw new Error(`frame ${frame} of ${located.sopUid} in ${this.target} does not decode to the pixels received`);
      }
    }
  }

  /** A new object no row names: deleted, then forgotten; a failed delete leaves it recorded for the start-up sweep. */
  private async discard(key: string): Promise<void> {
    try {
      await this.deps.blobStore.delete(key);
      this.rows.pending.forget([key]);
    } catch (error) {
      this.deps.log(`store compressed: an object not swapped in could not be removed (key ${key}); the next start removes it`, error);
    }
  }

  private retire(key: string): void {
    this.replaced.push({ key, due: Date.now() + REPLACED_GRACE_MS });
    this.armRetirement();
  }

  private armRetirement(): void {
    if (this.retireTimer || this.replaced.length === 0 || this.stopped) return;
    this.retireTimer = setTimeout(
      () => {
        void this.deleteReplaced(Date.now()).finally(() => {
          this.retireTimer = undefined;
          this.armRetirement();
        });
      },
      Math.max(0, this.replaced[0]!.due - Date.now()),
    );
    this.retireTimer.unref();
  }

  private restored(r: RestoredInstance): void {
    const name = (uid: string) => `${transferSyntax(uid)?.name ?? 'unknown'} (${uid})`;
    this.deps.info(
      `store compressed: instance ${r.sopUid} re-stored in ${name(r.transferSyntax)}, received in ${name(r.originalTransferSyntax)}; ` +
        `${r.originalSize} → ${r.size} bytes in ${Math.round(r.ms)} ms`,
    );
    this.deps.onRestored?.(r);
  }
}

function kept(reason: string, notable = false): RestoreOutcome {
  return { kind: 'kept', reason, notable };
}

function parsePart10(bytes: Buffer): ParsedPart10 {
  const parser = new Part10StreamParser();
  parser.write(bytes);
  return parser.end();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
