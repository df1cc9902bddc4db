import type { ArchiveIndex } from '../index/archive-index';
import type { BlobStore } from '../storage/blob-store';
import { AppError } from '../../shared/errors';

/** What the start-up sweep removed. */
export interface SweepReport {
  /** Objects written for instances that were never acknowledged (or whose rows were dropped before the crash). */
  objects: number;
  /** Unfinished uploads (S3 multipart) abandoned. */
  uploads: number;
}

/**
 * Removes the leftovers of the archive's own crash before it serves (issue 15 item 4): every
 * object recorded as pending (index/pending-objects.ts) that no row names is deleted, then its
 * record. Nothing else writes then, so no grace period is needed. fs temp files went when the
 * store opened (FsBlobStore.open); S3's unfinished multipart uploads go here.
 */
export async function sweepCrashLeftovers(deps: {
  index: ArchiveIndex;
  blobStore: BlobStore;
  log?: (message: string, error?: unknown) => void;
}): Promise<SweepReport> {
  const { index, blobStore } = deps;
  index.pending.forgetReferenced();
  let objects = 0;
  for (const key of index.pending.unreferenced()) {
    // Counted only when there: a crash between the record and the first byte leaves no object.
    if (await exists(blobStore, key)) objects++;
    await blobStore.delete(key);
    index.pending.forget([key]);
  }
  // Not every S3 server lists multipart uploads (s3rver answers NotImplemented): that must not keep the archive from starting.
  const uploads = await Promise.resolve(blobStore.removeIncompleteUploads?.()).catch((error: unknown) => {
    deps.log?.('start-up sweep: unfinished uploads could not be listed or aborted', error);
    return 0;
  });
  return { objects, uploads: uploads ?? 0 };
}

async function exists(blobStore: BlobStore, key: string): Promise<boolean> {
  try {
    await blobStore.head(key);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'BLOB_NOT_FOUND') return false;
    throw error;
  }
}
