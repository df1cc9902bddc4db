/**
 * The archive URLs the viewer asks for: the DICOMweb resource paths of shared/dicomweb/paths.ts
 * under the archive's root, and the rendered resources it links to in <img> elements.
 */
import { framesPath, instancePath, seriesPath, studyPath } from '../../../shared/dicomweb/paths';
import { DICOMWEB_ROOT } from './base';

export function studyUrl(studyUid: string): string {
  return `${DICOMWEB_ROOT}/${studyPath(studyUid)}`;
}

export function seriesUrl(studyUid: string, seriesUid: string): string {
  return `${DICOMWEB_ROOT}/${seriesPath(studyUid, seriesUid)}`;
}

export function instanceUrl(studyUid: string, seriesUid: string, sopUid: string): string {
  return `${DICOMWEB_ROOT}/${instancePath(studyUid, seriesUid, sopUid)}`;
}

/** PS3.18 10.4.1.1.5: the frames of an instance, 1-based. */
export function framesUrl(studyUid: string, seriesUid: string, sopUid: string, frames: readonly number[]): string {
  return framesPath(instanceUrl(studyUid, seriesUid, sopUid), frames);
}

/** PS3.18 10.4.1.1.4: a small rendered image of the series (the archive picks a representative instance). */
export function seriesThumbnailUrl(studyUid: string, seriesUid: string, size = 96): string {
  return `${seriesUrl(studyUid, seriesUid)}/thumbnail?viewport=${size},${size}`;
}

/** PS3.18 10.4.1.1.3: one frame rendered by the archive (used for colour spaces we do not convert). */
export function renderedFrameUrl(studyUid: string, seriesUid: string, sopUid: string, frame: number): string {
  return `${framesUrl(studyUid, seriesUid, sopUid, [frame])}/rendered?accept=image/png`;
}
