import type { DicomJson } from '../../shared/dicom/dicom-json';

/**
 * Which attributes of an instance belong to the patient, study and series records kept for
 * QIDO-RS (the default return keys of PS3.18 Tables 6.7.1-2, -2a, plus what a user searches by).
 * Taken from the first instance stored of each study / series.
 */
export const PATIENT_TAGS = [
  '00100010', // PatientName
  '00100020', // PatientID
  '00100021', // IssuerOfPatientID
  '00100024', // IssuerOfPatientIDQualifiersSequence
  '00100030', // PatientBirthDate
  '00100040', // PatientSex
  '00101000', // OtherPatientIDs
  '00101002', // OtherPatientIDsSequence
] as const;

export const STUDY_TAGS = [
  '00080005', // SpecificCharacterSet
  '00080020', // StudyDate
  '00080030', // StudyTime
  '00080050', // AccessionNumber
  '00080051', // IssuerOfAccessionNumberSequence
  '00080056', // InstanceAvailability
  '00080080', // InstitutionName
  '00080090', // ReferringPhysicianName
  '00080201', // TimezoneOffsetFromUTC
  '00081030', // StudyDescription
  '00081032', // ProcedureCodeSequence
  '00081060', // NameOfPhysiciansReadingStudy
  '00101010', // PatientAge
  '00101020', // PatientSize
  '00101030', // PatientWeight
  '0020000D', // StudyInstanceUID
  '00200010', // StudyID
  '00321060', // RequestedProcedureDescription
] as const;

export const SERIES_TAGS = [
  '00080005', // SpecificCharacterSet
  '00080060', // Modality
  '00080201', // TimezoneOffsetFromUTC
  '0008103E', // SeriesDescription
  '00080021', // SeriesDate
  '00080031', // SeriesTime
  '00081010', // StationName
  '00180015', // BodyPartExamined
  '00185100', // PatientPosition
  '0020000E', // SeriesInstanceUID
  '00200011', // SeriesNumber
  '00200060', // Laterality
  '00400244', // PerformedProcedureStepStartDate
  '00400245', // PerformedProcedureStepStartTime
  '00400275', // RequestAttributesSequence
] as const;

/**
 * Default return keys (PS3.18 Tables 6.7.1-2, -2a) that are returned empty when the stored
 * instance lacks them. The computed ones (ModalitiesInStudy, counts, RetrieveURL,
 * InstanceAvailability) are always set; optional ones (TimezoneOffsetFromUTC,
 * RequestAttributesSequence) only when stored.
 */
export const STUDY_RETURN_KEYS = [
  '00080020',
  '00080030',
  '00080050',
  '00080090',
  '00100010',
  '00100020',
  '00100030',
  '00100040',
  '00200010',
] as const;
export const SERIES_RETURN_KEYS = ['00080060', '0008103E', '00200011', '00400244', '00400245'] as const;

export function pick(dataset: DicomJson, tags: readonly string[]): DicomJson {
  const out: DicomJson = {};
  for (const tag of tags) {
    const element = dataset[tag];
    if (element !== undefined) out[tag] = element;
  }
  return out;
}
