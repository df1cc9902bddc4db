/**
 * One upload: the chosen files cut into batches, each batch read and sent as one STOW-RS request,
 * a bounded number of requests in flight, results and progress (bytes sent, as they go out) kept
 * for the page to show; it can be cancelled. It outlives the page's DOM, so a language switch
 * (which re-mounts the page) loses nothing.
 */
import { inspectPart10 } from '../dicomweb/inspect-part10';
import { StoreCancelledError } from '../dicomweb/post-with-progress';
import { findStoredInstances } from '../dicomweb/search';
import { storeInstances, type FileStoreResult, type FileToStore, type StoreStatus } from '../dicomweb/store';
import type { PickedFile } from './collect-files';

/** A batch is cut at whichever limit comes first; one larger file is a batch of its own. */
export const BATCH_MAX_FILES = 20;
export const BATCH_MAX_BYTES = 20 * 1024 * 1024;
export const REQUESTS_IN_FLIGHT = 2;
/**
 * After an abort the archive still completes the parts it had fully received (server/dicomweb/
 * stow.ts awaits them); it is asked which files it holds only after this pause.
 */
export const ABORT_SETTLE_MS = 1000;

/**
 * `failed`: never reached the archive's judgement (unreadable file, request refused as a whole).
 * `cancelled`: not stored because the user cancelled the upload (the archive does not hold it).
 */
export type UploadStatus = StoreStatus | 'failed' | 'cancelled';

export interface UploadResult extends Omit<FileStoreResult, 'status'> {
  status: UploadStatus;
  /** Why a `failed` file was not stored (the error, for the page to put into words). */
  error?: unknown;
}

export interface UploadProgress {
  totalFiles: number;
  doneFiles: number;
  totalBytes: number;
  /** Bytes of finished batches plus the bytes sent so far of the batches in flight. */
  doneBytes: number;
  running: boolean;
  cancelled: boolean;
}

export function planBatches(files: readonly PickedFile[], maxFiles = BATCH_MAX_FILES, maxBytes = BATCH_MAX_BYTES): PickedFile[][] {
  const batches: PickedFile[][] = [];
  let batch: PickedFile[] = [];
  let bytes = 0;
  for (const picked of files) {
    if (batch.length > 0 && (batch.length >= maxFiles || bytes + picked.file.size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(picked);
    bytes += picked.file.size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export class UploadSession {
  readonly results: UploadResult[] = [];
  private readonly queue: PickedFile[][] = [];
  private readonly listeners = new Set<() => void>();
  private readonly controller = new AbortController();
  /** File bytes sent so far of each batch in flight. */
  private readonly sending = new Map<PickedFile[], number>();
  private inFlight = 0;
  private totalFiles = 0;
  private totalBytes = 0;
  private doneBytes = 0;

  /** Queues more files (a second drop while the first is still being sent joins it). */
  add(files: readonly PickedFile[]): void {
    this.totalFiles += files.length;
    for (const { file } of files) this.totalBytes += file.size;
    if (this.cancelled) this.results.push(...files.map(cancelledResult));
    else this.queue.push(...planBatches(files));
    this.pump();
    this.changed();
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  /**
   * Aborts the requests in flight and drops the batches not sent yet. Files of an aborted request
   * that the archive stored anyway are reported stored (it is asked), the others cancelled.
   */
  cancel(): void {
    if (this.cancelled) return;
    this.controller.abort();
    for (const batch of this.queue.splice(0)) this.results.push(...batch.map(cancelledResult));
    this.changed();
  }

  get progress(): UploadProgress {
    let sent = 0;
    for (const bytes of this.sending.values()) sent += bytes;
    return {
      totalFiles: this.totalFiles,
      doneFiles: this.results.length,
      totalBytes: this.totalBytes,
      doneBytes: this.doneBytes + sent,
      running: this.inFlight > 0 || this.queue.length > 0,
      cancelled: this.cancelled,
    };
  }

  /** Study Instance UIDs that now hold files of this upload, in the order first met. */
  get studies(): string[] {
    const uids = new Set<string>();
    for (const r of this.results)
      if (r.studyInstanceUid && (r.status === 'stored' || r.status === 'duplicate')) uids.add(r.studyInstanceUid);
    return [...uids];
  }

  count(status: UploadStatus): number {
    return this.results.filter((r) => r.status === status).length;
  }

  /** Called after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private pump(): void {
    while (this.inFlight < REQUESTS_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.pump();
        this.changed();
      });
    }
  }

  private async send(batch: PickedFile[]): Promise<void> {
    const signal = this.controller.signal;
    const readable: FileToStore[] = [];
    const results: UploadResult[] = [];
    for (const picked of batch) {
      if (signal.aborted) {
        results.push(cancelledResult(picked));
        continue;
      }
      try {
        readable.push({ name: picked.path, bytes: await picked.file.arrayBuffer() });
      } catch (error) {
        results.push({ name: picked.path, size: picked.file.size, status: 'failed', error });
      }
    }
    const batchBytes = batch.reduce((sum, { file }) => sum + file.size, 0);
    this.sending.set(batch, 0);
    const onProgress = (sent: number, total: number) => {
      // The body is the files plus a few hundred bytes of part headers: scaled to the files' bytes.
      const bytes = total > 0 ? Math.floor((batchBytes * Math.min(sent, total)) / total) : 0;
      if (bytes <= (this.sending.get(batch) ?? 0)) return;
      this.sending.set(batch, bytes);
      this.changed();
    };
    let sentBytes = batchBytes;
    try {
      results.push(...(signal.aborted ? await this.reconcile(readable, false) : await storeInstances(readable, { signal, onProgress })));
    } catch (error) {
      if (error instanceof StoreCancelledError) {
        sentBytes = this.sending.get(batch) ?? 0; // the bar stays where the abort left it
        results.push(...(await this.reconcile(readable, true)));
      } else {
        results.push(...readable.map(({ name, bytes }): UploadResult => ({ name, size: bytes.byteLength, status: 'failed', error })));
      }
    }
    this.sending.delete(batch);
    this.results.push(...results);
    this.doneBytes += sentBytes;
  }

  /**
   * Files not sent, or sent in a request cut short by a cancel (`askArchive`): stored if the
   * archive holds them, else cancelled; files that are not instances keep their own status.
   */
  private async reconcile(files: readonly FileToStore[], askArchive: boolean): Promise<UploadResult[]> {
    const inspected = files.map((file) => ({ file, inspected: inspectPart10(file.bytes) }));
    const uids = inspected.flatMap(({ inspected: i }) => (i.kind === 'instance' && i.sopInstanceUid ? [i.sopInstanceUid] : []));
    let held = new Map<string, string>();
    if (askArchive && uids.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, ABORT_SETTLE_MS));
      held = await findStoredInstances(uids).catch(() => held); // unknown: reported cancelled
    }
    return inspected.map(({ file, inspected: i }): UploadResult => {
      const size = file.bytes.byteLength;
      if (i.kind !== 'instance') return { name: file.name, size, status: i.kind };
      const studyInstanceUid = i.sopInstanceUid ? held.get(i.sopInstanceUid) : undefined;
      if (!studyInstanceUid)
        return { name: file.name, size, status: 'cancelled', ...(i.sopInstanceUid ? { sopInstanceUid: i.sopInstanceUid } : {}) };
      return { name: file.name, size, status: 'stored', sopInstanceUid: i.sopInstanceUid!, studyInstanceUid };
    });
  }
}

function cancelledResult({ file, path }: PickedFile): UploadResult {
  return { name: path, size: file.size, status: 'cancelled' };
}
