import type { Response } from 'express';
import type { ArchiveIndex, IndexedInstance } from '../index/archive-index';
import { shareViewOf } from '../sharing/share-view';

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
