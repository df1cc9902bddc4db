import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';

/**
 * Which attributes of an instance belong to the patient, study and series records kept for
 * QIDO-RS (the default return keys of PS3.18 Tables 6.7.1-2, -2a, plus what a user searches by).
 * Taken from the first instance stored of each study / series.
 */
export const PATIENT_TAGS = [
  Tag.PatientName,
  Tag.PatientID,
  Tag.IssuerOfPatientID,
  Tag.IssuerOfPatientIDQualifiersSequence,
  Tag.PatientBirthDate,
  Tag.PatientSex,
  Tag.OtherPatientIDs,
  Tag.OtherPatientIDsSequence,
] as const;

export const STUDY_TAGS = [
  Tag.SpecificCharacterSet,
  Tag.StudyDate,
  Tag.StudyTime,
  Tag.AccessionNumber,
  Tag.IssuerOfAccessionNumberSequence,
  Tag.InstanceAvailability,
  Tag.InstitutionName,
  Tag.ReferringPhysicianName,
  Tag.TimezoneOffsetFromUTC,
  Tag.StudyDescription,
  Tag.ProcedureCodeSequence,
  Tag.NameOfPhysiciansReadingStudy,
  Tag.PatientAge,
  Tag.PatientSize,
  Tag.PatientWeight,
  Tag.StudyInstanceUID,
  Tag.StudyID,
  Tag.RequestedProcedureDescription,
] as const;

export const SERIES_TAGS = [
  Tag.SpecificCharacterSet,
  Tag.Modality,
  Tag.TimezoneOffsetFromUTC,
  Tag.SeriesDescription,
  Tag.SeriesDate,
  Tag.SeriesTime,
  Tag.StationName,
  Tag.BodyPartExamined,
  Tag.PatientPosition,
  Tag.SeriesInstanceUID,
  Tag.SeriesNumber,
  Tag.Laterality,
  Tag.PerformedProcedureStepStartDate,
  Tag.PerformedProcedureStepStartTime,
  Tag.RequestAttributesSequence,
] as const;

/**
 * Default return keys (PS3.18 Tables 6.7.1-2, -2a) that are returned empty when the stored
 * instance lacks them. The computed ones (ModalitiesInStudy, counts, RetrieveURL,
 * InstanceAvailability) are always set; optional ones (TimezoneOffsetFromUTC,
 * RequestAttributesSequence) only when stored.
 */
export const STUDY_RETURN_KEYS = [
  Tag.StudyDate,
  Tag.StudyTime,
  Tag.AccessionNumber,
  Tag.ReferringPhysicianName,
  Tag.PatientName,
  Tag.PatientID,
  Tag.PatientBirthDate,
  Tag.PatientSex,
  Tag.StudyID,
] as const;
export const SERIES_RETURN_KEYS = [
  Tag.Modality,
  Tag.SeriesDescription,
  Tag.SeriesNumber,
  Tag.PerformedProcedureStepStartDate,
  Tag.PerformedProcedureStepStartTime,
] as const;

export function pick(dataset: DicomJson, tags: readonly string[]): DicomJson {
  const out: DicomJson = {};
  for (const tag of tags) {
    const element = dataset[tag];
    if (element !== undefined) out[tag] = element;
  }
  return out;
}
