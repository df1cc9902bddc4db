import type { Request } from 'express';
import { instancePath } from '../../shared/dicomweb/paths';
import { AppError } from '../../shared/errors';
import type { ArchiveIndex, InstanceBulk } from '../index/archive-index';
import type { StoredBulk } from '../index/stored-bulk';
import { resourceScope } from '../dicomweb/resource-scope';

export interface LocatedInstance {
  instance: InstanceBulk;
  bulk: StoredBulk;
  /** `studies/{s}/series/{se}/instances/{i}`, for Content-Location. */
  path: string;
}

/** The instance of `/studies/:study/series/:series/instances/:instance/…`, by the full UID path; 404 otherwise. */
export function locateInstance(index: ArchiveIndex, req: Request): LocatedInstance {
  const { study, series, instance: sop } = resourceScope(req);
  // The frames and bulkdata routes always name all three UIDs.
  const instance = index.instanceBulk(study, series!, sop!);
  if (!instance) throw new AppError('NOT_FOUND', 'No such instance in this study and series.');
  return locatedInstance(instance, study, series!, sop!);
}

/** An index row found by its full UID path, with its bulk locations read. */
export function locatedInstance(instance: InstanceBulk, study: string, series: string, sop: string): LocatedInstance {
  return { instance, bulk: JSON.parse(instance.bulk) as StoredBulk, path: instancePath(study, series, sop) };
}
