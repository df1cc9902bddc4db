import type { DicomJson } from '../../shared/dicom/dicom-json';
import { getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import type { IndexDb } from '../index/index-db';
import { searchItems, searchKeys } from '../index/qido-search';
import type { FindRequest } from './find-identifier';

/** Row keys read at once: one sort of the matches per this many, not per page. */
const KEYS_AT_ONCE = 10_000;

/**
 * The matches of a C-FIND request, found by the QIDO-RS search (searchKeys, then searchItems)
 * page by page, so a C-CANCEL (the caller stops iterating) ends the work between pages and
 * memory holds one page and the keys of up to 10,000 matches. Only the return keys are built
 * (and at PATIENT level what grouping needs).
 * PATIENT level has no QIDO-RS resource: its study-level query is run and the studies are
 * grouped by patient, as the index identifies patients (Patient ID within its issuer; a study
 * without Patient ID is a patient of its own), with the patient's study, series and instance
 * counts. Grouping needs every matching study first, so patients come after the last page.
 */
export function* findMatches(
  db: IndexDb,
  request: Pick<FindRequest, 'level' | 'query' | 'returnKeys'>,
  options: { pageSize?: number; dicomWebBase?: string } = {},
): Generator<DicomJson, void, undefined> {
  const pageSize = options.pageSize ?? 500;
  const only = new Set(request.returnKeys.map((key) => key.tag));
  if (request.level === 'PATIENT') for (const tag of PATIENT_IDENTITY) only.add(tag);
  const pages = searchPages(db, request.query, pageSize, options.dicomWebBase ?? '', only);
  if (request.level !== 'PATIENT') {
    yield* pages;
    return;
  }
  const patients = new Map<string, { first: DicomJson; studies: number; series: number; instances: number }>();
  for (const study of pages) {
    const key = patientKey(study);
    const patient = patients.get(key) ?? { first: study, studies: 0, series: 0, instances: 0 };
    patient.studies += 1;
    patient.series += Number(study[Tag.NumberOfStudyRelatedSeries]?.Value?.[0] ?? 0);
    patient.instances += Number(study[Tag.NumberOfStudyRelatedInstances]?.Value?.[0] ?? 0);
    patients.set(key, patient);
  }
  for (const { first, studies, series, instances } of patients.values()) {
    yield {
      ...first,
      [Tag.NumberOfPatientRelatedStudies]: { vr: 'IS', Value: [studies] },
      [Tag.NumberOfPatientRelatedSeries]: { vr: 'IS', Value: [series] },
      [Tag.NumberOfPatientRelatedInstances]: { vr: 'IS', Value: [instances] },
    };
  }
}

function* searchPages(
  db: IndexDb,
  query: FindRequest['query'],
  pageSize: number,
  base: string,
  only: ReadonlySet<string>,
): Generator<DicomJson, void, undefined> {
  for (let offset = query.offset; ; offset += KEYS_AT_ONCE) {
    const { keys, truncated } = searchKeys(db, { ...query, offset }, {}, KEYS_AT_ONCE);
    for (let start = 0; start < keys.length; start += pageSize)
      yield* searchItems(db, query, {}, keys.slice(start, start + pageSize), base, only);
    if (!truncated) return;
  }
}

/** What patientKey and the counts of a patient read from a study. */
const PATIENT_IDENTITY = [Tag.PatientID, Tag.IssuerOfPatientID, Tag.StudyInstanceUID];

/** The index's patient identity (archive-index.ts upsertPatient). */
function patientKey(study: DicomJson): string {
  const patientId = getString(study, Tag.PatientID) ?? '';
  if (patientId === '') return `study:${getString(study, Tag.StudyInstanceUID) ?? ''}`;
  return `id:${JSON.stringify([getString(study, Tag.IssuerOfPatientID) ?? '', patientId])}`;
}
