/**
 * Image ids of the `dicomweb:` scheme, one per frame: `dicomweb:{study}/{series}/{instance}/{frame}`
 * (UIDs are digits and dots, so `/` cannot occur inside one). The instance's DICOM JSON, from the
 * series metadata fetched once, is kept here for the loader and the overlays.
 */
import type { DicomJson } from '../../../shared/dicom/dicom-json';

export const SCHEME = 'dicomweb';

export interface FrameRef {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  /** 1-based, as in Retrieve Frames */
  frame: number;
}

const instances = new Map<string, DicomJson>();

export function imageIdOf(ref: FrameRef): string {
  return `${SCHEME}:${ref.studyUid}/${ref.seriesUid}/${ref.sopUid}/${ref.frame}`;
}

export function parseImageId(imageId: string): FrameRef {
  const match = /^dicomweb:([0-9.]+)\/([0-9.]+)\/([0-9.]+)\/(\d+)$/.exec(imageId);
  if (!match) throw new Error(`not a dicomweb image id: ${imageId}`);
  return { studyUid: match[1]!, seriesUid: match[2]!, sopUid: match[3]!, frame: Number(match[4]) };
}

export function rememberInstance(sopUid: string, instance: DicomJson): void {
  instances.set(sopUid, instance);
}

export function instanceOf(sopUid: string): DicomJson | undefined {
  return instances.get(sopUid);
}

export function forgetInstances(): void {
  instances.clear();
}
