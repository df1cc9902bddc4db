import type { ArchiveIndex } from '../index/archive-index';
import type { BlobStore } from '../storage/blob-store';

/** What the WADO-RS and WADO-URI handlers and their read-side helpers are given. */
export interface WadoDeps {
  index: ArchiveIndex;
  blobStore: BlobStore;
  dicomWebBase: () => string;
  log: (message: string, error?: unknown) => void;
}
