import type { Response } from 'express';
import { instancePath } from '../../shared/dicomweb/paths';
import type { ArchiveIndex, IndexedInstance, InstanceBulkRow } from '../index/archive-index';
import type { StoredBulk } from '../index/stored-bulk';
import { shareViewOf } from '../sharing/share-view';
import type { StoredInstance } from '../stored/stored-instance';

/**
 * Index lookups within what the caller may reach. The access guard has already refused UIDs
 * outside a share; what remains is a study-level request of a share limited to some series,
 * which must see the study as those series only (retrieve, metadata, rendered, thumbnail, ZIP).
 */
function sharedSeries(res: Response, series: string | undefined): readonly string[] | undefined {
  return series === undefined ? shareViewOf(res)?.share.seriesUids : undefined;
}

export function findInstancesInScope(
  index: ArchiveIndex,
  res: Response,
  study: string,
  series?: string,
  instance?: string,
): IndexedInstance[] {
  const limited = sharedSeries(res, series);
  return limited ? limited.flatMap((uid) => index.findInstances(study, uid)) : index.findInstances(study, series, instance);
}

/** `findInstancesInScope` with each instance located for reading (pixel description and bulk locations), by one query. */
export function storedInstancesInScope(
  index: ArchiveIndex,
  res: Response,
  study: string,
  series?: string,
  instance?: string,
): StoredInstance[] {
  const limited = sharedSeries(res, series);
  const rows = limited ? limited.flatMap((uid) => index.instanceBulks(study, uid)) : index.instanceBulks(study, series, instance);
  return rows.map(storedInstanceOf);
}

function storedInstanceOf(row: InstanceBulkRow): StoredInstance {
  const { studyUid, seriesUid, sopUid } = row;
  const path = instancePath(studyUid, seriesUid, sopUid);
  return { instance: row, bulk: JSON.parse(row.bulk) as StoredBulk, path, studyUid, seriesUid, sopUid };
}

export function metadataJsonInScope(index: ArchiveIndex, res: Response, study: string, series?: string, instance?: string): string[] {
  const limited = sharedSeries(res, series);
  return limited ? limited.flatMap((uid) => index.metadataJson(study, uid)) : index.metadataJson(study, series, instance);
}

/** A `studies/{s}/series/{se}/instances/{i}` path as the caller knows it: replacement UIDs for an anonymized share. */
export function presentedPath(res: Response, path: string): string {
  const view = shareViewOf(res);
  if (!view?.anonymized) return path;
  return path
    .split('/')
    .map((part, n) => (n % 2 === 1 ? view.presented(part) : part))
    .join('/');
}
