import type { DicomJson } from '../../shared/dicom/dicom-json';
import { getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { parseQidoQuery } from '../../shared/dicomweb/qido-query';
import type { ArchiveIndex, IndexedInstance } from '../index/archive-index';
import { searchIndex } from '../index/qido-search';
import type { QueryModel } from './find-key-levels';

/** Failed: Identifier does not match SOP Class (PS3.4 C.4.2.1.5, C.4.3.1.4), with its Error Comment. */
export interface RetrieveRefusal {
  kind: 'refusal';
  status: 0xa900;
  errorComment: string;
}

export interface RetrieveMatch {
  kind: 'instances';
  /** In the index's order: study by study, series by series, by Instance Number. */
  instances: IndexedInstance[];
}

const LEVELS = ['PATIENT', 'STUDY', 'SERIES', 'IMAGE'] as const;
type Level = (typeof LEVELS)[number];

/** The unique key of each level (PS3.4 C.6.1.1, C.6.2.1). */
const UNIQUE_KEY: Record<Level, string> = {
  PATIENT: Tag.PatientID,
  STUDY: Tag.StudyInstanceUID,
  SERIES: Tag.SeriesInstanceUID,
  IMAGE: Tag.SOPInstanceUID,
};

function refuse(errorComment: string): RetrieveRefusal {
  return { kind: 'refusal', status: 0xa900, errorComment: errorComment.slice(0, 64) };
}

/**
 * The instances a C-MOVE or C-GET identifier names (PS3.4 C.4.2.2.1, C.4.3.2.1: the hierarchical
 * retrieve of the Patient Root and Study Root models): at its Query/Retrieve Level the unique key
 * of that level, one value or a list of UIDs, and a single value of the unique key of each level
 * above (Patient ID from STUDY level down in Patient Root; no PATIENT level in Study Root).
 * Other keys are not matched (only unique keys take part in a retrieve) and are ignored. UIDs
 * not in the archive name nothing; they are not an error.
 */
export function retrieveInstances(index: ArchiveIndex, identifier: DicomJson, model: QueryModel): RetrieveMatch | RetrieveRefusal {
  const levelText = getString(identifier, Tag.QueryRetrieveLevel)?.trim() ?? '';
  const level = LEVELS.find((l) => l === levelText);
  if (!level) return refuse(levelText === '' ? 'Query/Retrieve Level (0008,0052) is missing' : `Unknown Query/Retrieve Level ${levelText}`);
  if (model === 'study' && level === 'PATIENT') return refuse('PATIENT level is not in the Study Root model');
  const top = model === 'patient' ? 0 : 1;
  const depth = LEVELS.indexOf(level);
  const keys: string[][] = [];
  for (let n = top; n <= depth; n++) {
    const name = LEVELS[n]!;
    const values = valuesOf(identifier, UNIQUE_KEY[name]);
    if (values.length === 0) return refuse(`${name} level key ${keyName(name)} is missing`);
    if (n < depth && values.length > 1) return refuse(`${keyName(name)} takes one value above the retrieve level`);
    if (name === 'PATIENT' && /[*?\\]/.test(values[0]!)) return refuse('Patient ID takes no wildcard in a retrieve');
    keys[n] = values;
  }
  const patientId = model === 'patient' ? keys[0]![0] : undefined;
  const studies = level === 'PATIENT' ? studiesOfPatient(index, patientId!) : keys[1]!;
  const instances: IndexedInstance[] = [];
  for (const study of studies) {
    if (patientId !== undefined && level !== 'PATIENT' && !ofPatient(index, study, patientId)) continue;
    if (depth <= 1) instances.push(...index.findInstances(study));
    else if (depth === 2) for (const series of keys[2]!) instances.push(...index.findInstances(study, series));
    else for (const sop of keys[3]!) instances.push(...index.findInstances(study, keys[2]![0]!, sop));
  }
  // A UID named twice is sent once.
  const seen = new Set<string>();
  return { kind: 'instances', instances: instances.filter((i) => !seen.has(i.sopUid) && seen.add(i.sopUid)) };
}

function valuesOf(identifier: DicomJson, tag: string): string[] {
  const values = identifier[tag]?.Value ?? [];
  return values.map((v) => String(v).trim()).filter((v) => v !== '');
}

function keyName(level: Level): string {
  return { PATIENT: 'PatientID', STUDY: 'StudyInstanceUID', SERIES: 'SeriesInstanceUID', IMAGE: 'SOPInstanceUID' }[level];
}

/** The studies whose Patient ID is exactly this one (any issuer), by the QIDO-RS search page by page. */
function studiesOfPatient(index: ArchiveIndex, patientId: string): string[] {
  const query = parseQidoQuery([['PatientID', patientId]], 'study');
  const studies: string[] = [];
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const page = searchIndex(index.db, { ...query, offset }, {}, pageSize, '');
    for (const study of page.items) {
      const uid = getString(study, Tag.StudyInstanceUID);
      if (uid) studies.push(uid);
    }
    if (!page.truncated) return studies;
  }
}

function ofPatient(index: ArchiveIndex, studyUid: string, patientId: string): boolean {
  const json = index.studyJson(studyUid);
  if (json === undefined) return false;
  return (getString(JSON.parse(json) as DicomJson, Tag.PatientID) ?? '').trim() === patientId;
}
