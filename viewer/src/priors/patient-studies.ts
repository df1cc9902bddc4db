/**
 * The patient's studies for the patient panel: Search for Studies (PS3.18 10.6.1) by Patient ID
 * and, when the current study has one, Issuer of Patient ID (0010,0021), since a Patient ID is
 * unique only within its issuer. The answer is checked again: the ID the same character for
 * character (QIDO reads `*` and `?` in a value as wildcards) and the issuer the same (both absent
 * counts as the same; an archive that ignores the issuer key is caught here). Newest first.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part18/sect_10.6.html
 */
import { getString, type DicomJson } from '../../../shared/dicom/dicom-json';
import { DICOM_JSON } from '../../../shared/dicomweb/media-types';
import { Tag } from '../../../shared/dicom/tags';
import { DICOMWEB_ROOT, fetchOk } from '../dicomweb/base';
import { toStudySummary, type StudySummary } from '../dicomweb/search';

/** Who the studies belong to: Patient ID within its issuer. */
export interface PatientIdentity {
  patientId: string;
  issuer: string;
}

export interface PatientStudy extends StudySummary {
  issuer: string;
}

/** More than a patient has in practice; the panel says so when the archive has more. */
export const PATIENT_STUDY_LIMIT = 100;

export function patientIdentityOf(instance: DicomJson | undefined): PatientIdentity | undefined {
  const patientId = getString(instance, Tag.PatientID)?.trim() ?? '';
  return patientId ? { patientId, issuer: getString(instance, Tag.IssuerOfPatientID)?.trim() ?? '' } : undefined;
}

/** The QIDO parameters of the search; without an issuer, the issuer is only asked back (an empty value would match any). */
export function patientStudiesQuery(patient: PatientIdentity): URLSearchParams {
  return new URLSearchParams({
    PatientID: patient.patientId,
    ...(patient.issuer ? { IssuerOfPatientID: patient.issuer } : {}),
    includefield: [Tag.IssuerOfPatientID, Tag.StudyDescription].join(','),
    limit: String(PATIENT_STUDY_LIMIT),
  });
}

/** Only this patient's studies, newest first (study date, then time; undated last). */
export function samePatientNewestFirst(patient: PatientIdentity, studies: readonly PatientStudy[]): PatientStudy[] {
  return studies
    .filter((s) => s.patientId.trim() === patient.patientId && s.issuer === patient.issuer)
    .sort((a, b) => `${b.studyDate}${b.studyTime}`.localeCompare(`${a.studyDate}${a.studyTime}`));
}

export async function searchForPatientStudies(
  patient: PatientIdentity,
  signal?: AbortSignal,
): Promise<{ studies: PatientStudy[]; hasMore: boolean }> {
  const res = await fetchOk(`${DICOMWEB_ROOT}/studies?${patientStudiesQuery(patient)}`, { headers: { accept: DICOM_JSON }, signal });
  const text = await res.text();
  const found = ((text ? JSON.parse(text) : []) as DicomJson[]).map((ds) => ({
    ...toStudySummary(ds),
    issuer: getString(ds, Tag.IssuerOfPatientID)?.trim() ?? '',
  }));
  return { studies: samePatientNewestFirst(patient, found), hasMore: res.headers.has('warning') };
}
