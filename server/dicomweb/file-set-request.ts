import type { Request, Response } from 'express';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { AppError } from '../../shared/errors';
import type { ArchiveIndex, IndexedInstance } from '../index/archive-index';
import type { ShareView } from '../sharing/share-view';
import { buildFileSet, isFileSetId, type FileSet } from './dicomdir';
import type { ResourceScope } from './resource-scope';
import { metadataJsonInScope } from './share-scope';

export const DEFAULT_FILE_SET_ID = 'PACS_EXPORT';

/**
 * Whether a ZIP download asks to be a DICOM File-set (`dicomdir=true`, with an optional
 * `filesetid=`): its File-set ID, or undefined for the plain ZIP. A bad value is a 400.
 */
export function fileSetIdRequested(req: Request): string | undefined {
  const params = new URL(req.originalUrl, 'http://localhost').searchParams;
  const flag = params.get('dicomdir');
  if (flag === null || flag === 'false') return undefined;
  if (flag !== 'true') throw new AppError('INVALID_QUERY', `dicomdir must be true or false, not "${flag.slice(0, 20)}".`);
  const id = params.get('filesetid') ?? DEFAULT_FILE_SET_ID;
  if (!isFileSetId(id))
    throw new AppError('INVALID_QUERY', 'filesetid must be at most 16 upper-case letters, digits, spaces or underscores (PS3.3 F.3.2.1).');
  return id;
}

/**
 * The file-set of the instances of a ZIP download, described from the index's DICOM JSON. An
 * anonymized share gets the de-identified values and the syntax its objects are written in
 * (compressed pixel data kept, anything else Explicit VR Little Endian: anonymized-instance.ts).
 */
export function fileSetOf(
  index: ArchiveIndex,
  res: Response,
  scope: ResourceScope,
  instances: readonly IndexedInstance[],
  view: ShareView | undefined,
  fileSetId: string,
): FileSet {
  const datasets = new Map<string, DicomJson>();
  for (const json of metadataJsonInScope(index, res, scope.study, scope.series, scope.instance)) {
    const ds = JSON.parse(json) as DicomJson;
    datasets.set(getString(ds, Tag.SOPInstanceUID) ?? '', ds);
  }
  const members = instances.map((item) => {
    const stored = datasets.get(item.sopUid) ?? {};
    const dataset = view ? view.present([stored])[0]! : stored;
    return {
      dataset,
      sopClassUid: item.sopClassUid,
      sopInstanceUid: view ? view.presented(item.sopUid) : item.sopUid,
      transferSyntax: view && !transferSyntax(item.transferSyntax)?.encapsulated ? EXPLICIT_VR_LITTLE_ENDIAN : item.transferSyntax,
    };
  });
  return buildFileSet(members, fileSetId);
}
