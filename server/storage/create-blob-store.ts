import path from 'node:path';
import type { StorageConfig } from '../config';
import type { BlobStore } from './blob-store';
import { FsBlobStore } from './fs-blob-store';
import { MinioBlobStore } from './minio-blob-store';

/** The blob store the configuration names: files under `<dataDir>/objects`, or an S3 bucket. */
export async function createBlobStore(cfg: StorageConfig): Promise<BlobStore> {
  switch (cfg.kind) {
    case 'fs':
      return FsBlobStore.open(path.join(cfg.dataDir, 'objects'));
    case 's3':
      return MinioBlobStore.open(cfg);
  }
}
