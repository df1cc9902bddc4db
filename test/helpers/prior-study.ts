import fs from 'node:fs';
import path from 'node:path';
import { newUid } from '../../fixtures/generate-ct-series';
import { Tag } from '../../shared/dicom/tags';
import { CORPUS_DIR } from './corpus';
import { dcmjs } from './synthetic-series';

/**
 * Studies of one patient made from the corpus's real 40-slice CT (the corpus has no two studies
 * of one patient): its files with new Study, Series, SOP Instance and Frame of Reference UIDs and
 * the attributes given (Study Date, Patient ID, Issuer of Patient ID…), rewritten with dcmjs
 * before STOW. `zShift` moves every slice along z, as a prior scanned with another table origin.
 */

export const CT_DIR = path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia');
/** The CT's files in Instance Number order (their names are 1-036 … 1-075 in that order). */
export const CT_FILES = fs
  .readdirSync(CT_DIR)
  .sort()
  .map((name) => path.join(CT_DIR, name));

export interface RewrittenSeries {
  studyUid: string;
  seriesUid: string;
  sopUids: string[];
  files: Buffer[];
}

export interface SeriesRewrite {
  /** Keyword → value set on every instance (StudyDate, PatientID, SeriesDescription…). */
  attributes?: Record<string, unknown>;
  /** mm added to Image Position (Patient) z. */
  zShift?: number;
  /** Only the first `slices` files. */
  slices?: number;
  /** Join this study (default: a new one). */
  studyUid?: string;
  frameOfReferenceUid?: string;
}

export function rewrittenCtSeries(rewrite: SeriesRewrite = {}): RewrittenSeries {
  const studyUid = rewrite.studyUid ?? newUid();
  const seriesUid = newUid();
  const frameOfReferenceUid = rewrite.frameOfReferenceUid ?? newUid();
  const sopUids: string[] = [];
  const files = CT_FILES.slice(0, rewrite.slices ?? CT_FILES.length).map((file) => {
    const bytes = fs.readFileSync(file);
    const part10 = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
    const sopUid = newUid();
    sopUids.push(sopUid);
    // Only the rewritten elements go through dcmjs's keyword form: naturalizing the whole data set
    // would turn the CT's private elements into guessed VRs.
    const position = part10.dict[Tag.ImagePositionPatient] as { Value: number[] };
    const [x, y, z] = position.Value.map(Number) as [number, number, number];
    Object.assign(
      part10.dict,
      dcmjs.data.DicomMetaDictionary.denaturalizeDataset({
        ...rewrite.attributes,
        StudyInstanceUID: studyUid,
        SeriesInstanceUID: seriesUid,
        SOPInstanceUID: sopUid,
        FrameOfReferenceUID: frameOfReferenceUid,
        ImagePositionPatient: [x, y, z + (rewrite.zShift ?? 0)],
      }),
    );
    part10.meta[Tag.MediaStorageSOPInstanceUID] = { ...part10.meta[Tag.MediaStorageSOPInstanceUID], Value: [sopUid] };
    return Buffer.from(part10.write());
  });
  return { studyUid, seriesUid, sopUids, files };
}
