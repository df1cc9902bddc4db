import type { DicomJson } from '../../shared/dicom/dicom-json';
import { getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import type { IndexDb } from '../index/index-db';
import { searchIndex } from '../index/qido-search';
import type { FindRequest } from './find-identifier';

/**
 * The matches of a C-FIND request, found by the QIDO-RS search (searchIndex) page by page, so a
 * C-CANCEL (the caller stops iterating) ends the work between pages and memory holds one page.
 * PATIENT level has no QIDO-RS resource: its study-level query is run and the studies are
 * grouped by patient, as the index identifies patients (Patient ID within its issuer; a study
 * without Patient ID is a patient of its own), with the patient's study, series and instance
 * counts. Grouping needs every matching study first, so patients come after the last page.
 */
export function* findMatches(
  db: IndexDb,
  request: Pick<FindRequest, 'level' | 'query'>,
  options: { pageSize?: number; dicomWebBase?: string } = {},
): Generator<DicomJson, void, undefined> {
  const pageSize = options.pageSize ?? 500;
  const pages = searchPages(db, request.query, pageSize, options.dicomWebBase ?? '');
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

function* searchPages(db: IndexDb, query: FindRequest['query'], pageSize: number, base: string): Generator<DicomJson, void, undefined> {
  for (let offset = query.offset; ; offset += pageSize) {
    const page = searchIndex(db, { ...query, offset }, {}, pageSize, base);
    yield* page.items;
    if (!page.truncated) return;
  }
}

/** The index's patient identity (archive-index.ts upsertPatient). */
function patientKey(study: DicomJson): string {
  const patientId = getString(study, Tag.PatientID) ?? '';
  if (patientId === '') return `study:${getString(study, Tag.StudyInstanceUID) ?? ''}`;
  return `id:${JSON.stringify([getString(study, Tag.IssuerOfPatientID) ?? '', patientId])}`;
}
