import type { Readable } from 'node:stream';
import { isAppError } from '../../shared/errors';
import type { BlobInfo, BlobStore, ByteRange, ObjectCopy, StoredEntry } from '../storage/blob-store';

export const STORAGE_OPERATIONS = ['put', 'get', 'open_copy', 'head', 'delete', 'list', 'entries', 'remove_incomplete_uploads'] as const;
export type StorageOperation = (typeof STORAGE_OPERATIONS)[number];

/**
 * Why an operation failed: `not_found` (the key is missing, often expected), `aborted` (a put
 * whose body the caller ended, e.g. an instance that turned out not to be DICOM: no fault of
 * storage), `failure` (storage's own: every adapter error is an AppError).
 */
export type StorageFailure = 'not_found' | 'aborted' | 'failure';

/** Told how long each storage operation took, and why it failed if it did; must not throw. */
export type StorageMeter = (operation: StorageOperation, seconds: number, failure?: StorageFailure) => void;

/**
 * A BlobStore that times every operation of the one it wraps (the metrics' storage latency and
 * errors). `put` is timed until the object is durable, which includes receiving its bytes; `get`
 * and `openCopy` until the stream is open, not until it is read; `list` and `entries` until the
 * listing ends. Optional methods are present only when the inner store has them, since callers
 * choose their path by that (`openCopy`: pooled copies on fs only).
 */
export function meteredBlobStore(inner: BlobStore, meter: StorageMeter): BlobStore {
  const timed = async <T>(operation: StorageOperation, run: () => Promise<T>, body?: Readable): Promise<T> => {
    const started = performance.now();
    try {
      const result = await run();
      meter(operation, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      meter(operation, (performance.now() - started) / 1000, failureOf(error, body));
      throw error;
    }
  };
  async function* timedListing<T>(operation: StorageOperation, listing: () => AsyncIterable<T>): AsyncIterable<T> {
    const started = performance.now();
    try {
      yield* listing();
    } catch (error) {
      meter(operation, (performance.now() - started) / 1000, failureOf(error));
      throw error;
    }
    meter(operation, (performance.now() - started) / 1000);
  }
  const store: BlobStore = {
    description: inner.description,
    put: (key: string, body: Readable, options?: { size?: number }): Promise<BlobInfo> =>
      timed('put', () => inner.put(key, body, options), body),
    get: (key: string, range?: ByteRange): Promise<Readable> => timed('get', () => inner.get(key, range)),
    head: (key: string): Promise<BlobInfo> => timed('head', () => inner.head(key)),
    delete: (key: string): Promise<void> => timed('delete', () => inner.delete(key)),
    list: (prefix: string): AsyncIterable<string> => timedListing('list', () => inner.list(prefix)),
    entries: (prefix: string): AsyncIterable<StoredEntry> => timedListing('entries', () => inner.entries(prefix)),
    close: () => inner.close(),
  };
  if (inner.openCopy) {
    const openCopy = inner.openCopy.bind(inner);
    store.openCopy = (key: string): Promise<ObjectCopy> => timed('open_copy', () => openCopy(key));
  }
  if (inner.removeIncompleteUploads) {
    const remove = inner.removeIncompleteUploads.bind(inner);
    store.removeIncompleteUploads = (): Promise<number> => timed('remove_incomplete_uploads', remove);
  }
  return store;
}

function failureOf(error: unknown, body?: Readable): StorageFailure {
  if (isAppError(error)) return error.code === 'BLOB_NOT_FOUND' ? 'not_found' : 'failure';
  // Not translated by the adapter: the body's own error or premature close, passed through.
  return body?.destroyed ? 'aborted' : 'failure';
}
