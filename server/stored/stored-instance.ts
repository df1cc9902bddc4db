import { instancePath } from '../../shared/dicomweb/paths';
import { AppError } from '../../shared/errors';
import type { ArchiveIndex, IndexedInstance, InstanceBulk } from '../index/archive-index';
import type { StoredBulk } from '../index/stored-bulk';

/**
 * One stored instance, located once by its full UID path: its index row (object key and size,
 * transfer syntax, and the pixel description, all read by one query), where its bulk values and
 * pixel data lie in the object, and its resource path. Everything that reads the stored object
 * (frames, bulk data, the Explicit VR Little Endian encoding, rendering) starts from this.
 */
export interface StoredInstance {
  instance: InstanceBulk;
  bulk: StoredBulk;
  /** `studies/{s}/series/{se}/instances/{i}`, for Content-Location. */
  path: string;
  studyUid: string;
  seriesUid: string;
  sopUid: string;
}

/** The instance by the full UID path; 404 otherwise (a real SOP UID under another study or series too). */
export function locate(index: ArchiveIndex, studyUid: string, seriesUid: string, sopUid: string): StoredInstance {
  const located = findStored(index, studyUid, seriesUid, sopUid);
  if (!located) throw new AppError('NOT_FOUND', 'No such instance in this study and series.');
  return located;
}

/** The instance as the index lists it (what streaming the whole object needs). */
export function indexedInstance(located: StoredInstance): IndexedInstance {
  const { studyUid, seriesUid, sopUid, instance } = located;
  const { sopClassUid, transferSyntax, blobKey, size } = instance;
  return { studyUid, seriesUid, sopUid, sopClassUid, transferSyntax, blobKey, size };
}

/** The instance by the full UID path, or undefined. */
export function findStored(index: ArchiveIndex, studyUid: string, seriesUid: string, sopUid: string): StoredInstance | undefined {
  const instance = index.instanceBulk(studyUid, seriesUid, sopUid);
  if (!instance) return undefined;
  const path = instancePath(studyUid, seriesUid, sopUid);
  return { instance, bulk: JSON.parse(instance.bulk) as StoredBulk, path, studyUid, seriesUid, sopUid };
}
