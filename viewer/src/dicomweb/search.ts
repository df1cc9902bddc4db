/**
 * QIDO-RS searches the viewer makes (PS3.18 10.6.1): studies for the worklist, the series of a
 * study for the viewer, and instances by UID for the upload.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part18/sect_10.6.html
 */
import { getNumber, getString, getStrings, type DicomJson, type PersonName } from '../../../shared/dicom/dicom-json';
import { DICOM_JSON } from '../../../shared/dicomweb/media-types';
import { Tag } from '../../../shared/dicom/tags';
import { DICOMWEB_ROOT, fetchOk } from './base';
import { studyUrl } from './resource-urls';

export interface StudyQuery {
  /** Words of the name; sent with fuzzymatching=true (any order, case and accents ignored). */
  patientName?: string;
  patientId?: string;
  accessionNumber?: string;
  /** DICOM DA bounds (YYYYMMDD), either may be open. */
  studyDateFrom?: string;
  studyDateTo?: string;
  modality?: string;
  limit: number;
  offset: number;
}

export interface StudySummary {
  studyInstanceUid: string;
  /** Alphabetic group, `^` as spaces. */
  patientName: string;
  patientId: string;
  accessionNumber: string;
  /** DICOM DA / TM as stored ('' when absent). */
  studyDate: string;
  studyTime: string;
  modalities: string[];
  studyDescription: string;
  numberOfSeries: number | undefined;
  numberOfInstances: number | undefined;
}

export interface StudyResults {
  studies: StudySummary[];
  /** The archive said more studies match than it returned (QIDO `Warning` header): page on with offset. */
  hasMore: boolean;
}

/** The QIDO parameters for a query (empty criteria are left out; a date range as `A-B`, `A-` or `-B`). */
export function studyQueryParams(query: StudyQuery): URLSearchParams {
  const params = new URLSearchParams();
  const name = query.patientName?.trim();
  if (name) {
    params.set('PatientName', name);
    params.set('fuzzymatching', 'true');
  }
  if (query.patientId?.trim()) params.set('PatientID', query.patientId.trim());
  if (query.accessionNumber?.trim()) params.set('AccessionNumber', query.accessionNumber.trim());
  if (query.studyDateFrom || query.studyDateTo) {
    const from = query.studyDateFrom ?? '';
    const to = query.studyDateTo ?? '';
    params.set('StudyDate', from === to ? from : `${from}-${to}`);
  }
  if (query.modality) params.set('ModalitiesInStudy', query.modality);
  params.set('limit', String(query.limit));
  params.set('offset', String(query.offset));
  return params;
}

export async function searchForStudies(query: StudyQuery, signal?: AbortSignal): Promise<StudyResults> {
  const res = await fetchOk(`${DICOMWEB_ROOT}/studies?${studyQueryParams(query)}`, { headers: { accept: DICOM_JSON }, signal });
  const text = await res.text();
  const items = (text ? JSON.parse(text) : []) as DicomJson[];
  return { studies: items.map(toStudySummary), hasMore: res.headers.has('warning') };
}

export function toStudySummary(ds: DicomJson): StudySummary {
  return {
    studyInstanceUid: getString(ds, Tag.StudyInstanceUID) ?? '',
    patientName: formatPersonName(ds[Tag.PatientName]?.Value?.[0] as PersonName | undefined),
    patientId: getString(ds, Tag.PatientID) ?? '',
    accessionNumber: getString(ds, Tag.AccessionNumber) ?? '',
    studyDate: getString(ds, Tag.StudyDate) ?? '',
    studyTime: getString(ds, Tag.StudyTime) ?? '',
    modalities: getStrings(ds, Tag.ModalitiesInStudy).filter(Boolean),
    studyDescription: getString(ds, Tag.StudyDescription) ?? '',
    numberOfSeries: getNumber(ds, Tag.NumberOfStudyRelatedSeries),
    numberOfInstances: getNumber(ds, Tag.NumberOfStudyRelatedInstances),
  };
}

/** The studies with these UIDs the caller may see (one Search for Studies with a UID list), to name the patient and study of a list of UIDs. */
export async function searchForStudiesByUid(uids: readonly string[]): Promise<StudySummary[]> {
  const unique = [...new Set(uids)];
  if (unique.length === 0) return [];
  const params = new URLSearchParams({ StudyInstanceUID: unique.join(','), limit: String(unique.length) });
  const res = await fetchOk(`${DICOMWEB_ROOT}/studies?${params}`, { headers: { accept: DICOM_JSON } });
  const text = await res.text();
  return ((text ? JSON.parse(text) : []) as DicomJson[]).map(toStudySummary);
}

/** Search for Series in a study, every series with the attributes the series browser shows. */
export async function searchForSeries(studyUid: string): Promise<DicomJson[]> {
  const includefield = [Tag.SeriesDescription, Tag.SeriesNumber, Tag.NumberOfSeriesRelatedInstances, Tag.Modality].join(',');
  const res = await fetchOk(`${studyUrl(studyUid)}/series?includefield=${includefield}`, { headers: { accept: DICOM_JSON } });
  const text = await res.text();
  return text ? (JSON.parse(text) as DicomJson[]) : [];
}

/**
 * Which of these SOP Instance UIDs the archive holds, with their Study Instance UID (Search for
 * Instances with a UID list): what an aborted upload had stored after all.
 */
export async function findStoredInstances(sopInstanceUids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (sopInstanceUids.length === 0) return found;
  const query = new URLSearchParams({
    SOPInstanceUID: sopInstanceUids.join(','),
    includefield: 'StudyInstanceUID',
    limit: String(sopInstanceUids.length),
  });
  const res = await fetchOk(`${DICOMWEB_ROOT}/instances?${query}`, { headers: { Accept: DICOM_JSON } });
  for (const ds of (await res.json()) as DicomJson[]) {
    const sop = getString(ds, Tag.SOPInstanceUID);
    const study = getString(ds, Tag.StudyInstanceUID);
    if (sop && study) found.set(sop, study);
  }
  return found;
}

/** A PN value for display: the Alphabetic group with its `^` separators as spaces. */
export function formatPersonName(name: PersonName | string | undefined): string {
  const alphabetic = typeof name === 'string' ? name : name?.Alphabetic;
  return (alphabetic ?? '').replace(/\^+/g, ' ').replace(/\s+/g, ' ').trim();
}
