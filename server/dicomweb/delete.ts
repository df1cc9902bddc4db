import type { Request, Response } from 'express';
import { AppError } from '../../shared/errors';
import type { ArchiveIndex } from '../index/archive-index';
import type { IndexWriter } from '../index/index-writer';
import type { BlobStore } from '../storage/blob-store';
import type { DerivedFrames } from '../stored/derived-frames';
import { resourceScope } from './resource-scope';

export interface DeleteDeps {
  index: ArchiveIndex;
  indexWriter: IndexWriter;
  blobStore: BlobStore;
  derived: DerivedFrames;
  log: (message: string, error?: unknown) => void;
}

/**
 * Delete Study / Series / Instance (not a PS3.18 transaction; the REST convention of dcm4chee and
 * Orthanc): index rows first, in one transaction, then the objects, then the frames derived from
 * them (each object, then its row: stored/derived-frames.ts). The transaction that drops the rows
 * records their objects as pending (index/pending-objects.ts); each is forgotten once deleted. An
 * object whose delete fails (or a crash before it) stays recorded, and the next start deletes it;
 * the index never points to a missing object.
 */
export function deleteResource(deps: DeleteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const { study, series, instance } = resourceScope(req);
    const keys = deps.index.delete(study, series, instance);
    if (keys === undefined) throw new AppError('NOT_FOUND', 'No such study, series or instance.');
    await deps.indexWriter.durable(); // the rows must be gone for good before their objects go
    const results = await Promise.allSettled(keys.map((key) => deps.blobStore.delete(key)));
    deps.index.pending.forget(keys.filter((_, n) => results[n]!.status === 'fulfilled'));
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed > 0) deps.log(`delete: ${failed} of ${keys.length} objects could not be removed from storage; the next start removes them`);
    await deps.derived.forget(keys);
    res.status(204).end();
  };
}
