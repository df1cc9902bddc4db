import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';

/**
 * Object storage behind one interface (STYLE.md rule 4). Keys come only from `object-keys.ts`,
 * never from request input. Implementations translate their own errors into `AppError`
 * (`BLOB_NOT_FOUND` for a missing key, `STORAGE_FAILURE` for anything else).
 */
export interface BlobStore {
  /** Human-readable backend name for logs: "fs:/path" or "s3:bucket@host". */
  readonly description: string;
  /**
   * Stores the whole stream under `key`, atomically: until the promise resolves nobody can
   * read a partial object, and if the stream errors or `put` rejects nothing is left behind.
   * Overwrites an existing object with the same key.
   */
  put(key: string, body: Readable, options?: { size?: number }): Promise<BlobInfo>;
  /** A stream of the object, or of `range` (inclusive start, exclusive end) if given. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /**
   * The whole object opened for copying out with reused buffers (fs only: `pooled-file-copy.ts`);
   * backends without it are read with `get`. Rejects with BLOB_NOT_FOUND when missing.
   */
  openCopy?(key: string): Promise<ObjectCopy>;
  /** Size of the object; rejects with BLOB_NOT_FOUND when missing. */
  head(key: string): Promise<BlobInfo>;
  /** Removes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every key under `prefix`, for maintenance (orphan sweeps, backups). */
  list(prefix: string): AsyncIterable<string>;
  /** Every object under `prefix` with its size and last modification (the consistency check's grace period). */
  entries(prefix: string): AsyncIterable<StoredEntry>;
  /**
   * Abandons the unfinished uploads a crash left behind (S3 multipart uploads, which S3 keeps
   * and bills until aborted) and resolves with how many; stores without such uploads lack it.
   */
  removeIncompleteUploads?(): Promise<number>;
  /** Releases resources (nothing for fs). */
  close(): Promise<void>;
}

/** An opened object whose bytes `copyTo` hands to `write` in order, reusing each chunk's memory once `write` resolves. */
export interface ObjectCopy {
  copyTo(write: (chunk: Uint8Array) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface BlobInfo {
  key: string;
  size: number;
}

export interface StoredEntry extends BlobInfo {
  modifiedAt: Date;
}

/** Byte range with inclusive `start` and exclusive `end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Guards a range against programming errors (ranges come from our index, never from clients). */
export function checkRange({ start, end }: ByteRange): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new AppError('INTERNAL', `Invalid byte range ${start}-${end}.`);
  }
}
