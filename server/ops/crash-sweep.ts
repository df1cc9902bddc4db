import type { ArchiveIndex } from '../index/archive-index';
import type { BlobStore } from '../storage/blob-store';

/** What the start-up sweep removed. */
export interface SweepReport {
  /** Objects written for instances that were never acknowledged. */
  objects: number;
  /** Unfinished uploads (S3 multipart) abandoned. */
  uploads: number;
}

/** Removes the leftovers of the archive's own crash before it serves (issue 15 item 4): being built. */
export async function sweepCrashLeftovers(deps: { index: ArchiveIndex; blobStore: BlobStore }): Promise<SweepReport> {
  void deps;
  return { objects: 0, uploads: 0 };
}
