/**
 * One upload: the chosen files cut into batches, each batch read and sent as one STOW-RS request,
 * a bounded number of requests in flight, results and progress kept for the page to show. It
 * outlives the page's DOM, so a language switch (which re-mounts the page) loses nothing.
 */
import { storeInstances, type FileStoreResult, type StoreStatus } from '../dicomweb/store';
import type { PickedFile } from './collect-files';

/** A batch is cut at whichever limit comes first; one larger file is a batch of its own. */
export const BATCH_MAX_FILES = 20;
export const BATCH_MAX_BYTES = 20 * 1024 * 1024;
export const REQUESTS_IN_FLIGHT = 2;

/** `failed`: never reached the archive's judgement (unreadable file, request refused as a whole). */
export type UploadStatus = StoreStatus | 'failed';

export interface UploadResult extends Omit<FileStoreResult, 'status'> {
  status: UploadStatus;
  /** Why a `failed` file was not stored (the error, for the page to put into words). */
  error?: unknown;
}

export interface UploadProgress {
  totalFiles: number;
  doneFiles: number;
  totalBytes: number;
  doneBytes: number;
  running: boolean;
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
  private inFlight = 0;
  private totalFiles = 0;
  private totalBytes = 0;
  private doneBytes = 0;

  /** Queues more files (a second drop while the first is still being sent joins it). */
  add(files: readonly PickedFile[]): void {
    this.totalFiles += files.length;
    for (const { file } of files) this.totalBytes += file.size;
    this.queue.push(...planBatches(files));
    this.pump();
    this.changed();
  }

  get progress(): UploadProgress {
    return {
      totalFiles: this.totalFiles,
      doneFiles: this.results.length,
      totalBytes: this.totalBytes,
      doneBytes: this.doneBytes,
      running: this.inFlight > 0 || this.queue.length > 0,
    };
  }

  /** Study Instance UIDs that now hold files of this upload, in the order first met. */
  get studies(): string[] {
    const uids = new Set<string>();
    for (const r of this.results) if (r.studyInstanceUid && (r.status === 'stored' || r.status === 'duplicate')) uids.add(r.studyInstanceUid);
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
    const readable: { name: string; bytes: ArrayBuffer }[] = [];
    const results: UploadResult[] = [];
    for (const { file, path } of batch) {
      try {
        readable.push({ name: path, bytes: await file.arrayBuffer() });
      } catch (error) {
        results.push({ name: path, size: file.size, status: 'failed', error });
      }
    }
    try {
      results.push(...(await storeInstances(readable)));
    } catch (error) {
      results.push(...readable.map(({ name, bytes }): UploadResult => ({ name, size: bytes.byteLength, status: 'failed', error })));
    }
    this.results.push(...results);
    for (const { file } of batch) this.doneBytes += file.size;
  }
}
