import type { ArchiveIndex } from '../index/archive-index';
import type { BlobStore } from '../storage/blob-store';

/** What reading stored instances needs: the index that locates them and the store that holds their objects. */
export interface StoredDeps {
  index: ArchiveIndex;
  blobStore: BlobStore;
}
