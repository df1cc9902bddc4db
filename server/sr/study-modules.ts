import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import type { DicomDateTime } from '../consultation/content-date-time';

/**
 * The Patient, General Study and Patient Study modules of a document the archive adds to a
 * study, copied from the study as the index holds it, and the study's requested procedure.
 */

/** Patient, General Study and Patient Study attributes copied from the study, with their type. */
const COPIED_FROM_STUDY: ReadonlyArray<readonly [tag: string, vr: string, type: 2 | 3]> = [
  [Tag.PatientName, 'PN', 2],
  [Tag.PatientID, 'LO', 2],
  [Tag.IssuerOfPatientID, 'LO', 3],
  [Tag.PatientBirthDate, 'DA', 2],
  [Tag.PatientSex, 'CS', 2],
  [Tag.OtherPatientIDsSequence, 'SQ', 3],
  [Tag.StudyDate, 'DA', 2],
  [Tag.StudyTime, 'TM', 2],
  [Tag.ReferringPhysicianName, 'PN', 2],
  [Tag.StudyID, 'SH', 2],
  [Tag.AccessionNumber, 'SH', 2],
  [Tag.IssuerOfAccessionNumberSequence, 'SQ', 3],
  [Tag.StudyDescription, 'LO', 3],
  [Tag.ProcedureCodeSequence, 'SQ', 3],
  [Tag.NameOfPhysiciansReadingStudy, 'PN', 3],
  [Tag.PatientAge, 'AS', 3],
  [Tag.PatientSize, 'DS', 3],
  [Tag.PatientWeight, 'DS', 3],
];

/**
 * The patient and study attributes of the study, as stored; type 2 ones that the study lacks are
 * written empty. The values are decoded strings, so whatever the study's own character set,
 * writing them under ISO_IR 192 re-encodes them correctly.
 */
export function copiedStudyAttributes(study: DicomJson): DicomJson {
  const out: DicomJson = {};
  for (const [tag, vr, type] of COPIED_FROM_STUDY) {
    const element = study[tag];
    if (element?.Value !== undefined && element.Value.length > 0) out[tag] = { vr: element.vr || vr, Value: element.Value };
    else if (type === 2) out[tag] = { vr, Value: [] };
  }
  return out;
}

function valueOrEmpty(element: DicomJsonElement | undefined, vr: string): DicomJsonElement {
  return element?.Value !== undefined && element.Value.length > 0 ? { vr, Value: element.Value } : { vr, Value: [] };
}

/**
 * The study's requested procedure, identified by the study and its accession number
 * (PS3.3 C.17.2 Referenced Request Sequence; its type 2 attributes are empty when unknown).
 */
export function referencedRequest(study: DicomJson, studyInstanceUid: string): DicomJson {
  return {
    [Tag.AccessionNumber]: valueOrEmpty(study[Tag.AccessionNumber], 'SH'),
    ...(study[Tag.IssuerOfAccessionNumberSequence]?.Value?.length
      ? { [Tag.IssuerOfAccessionNumberSequence]: study[Tag.IssuerOfAccessionNumberSequence]! }
      : {}),
    [Tag.ReferencedStudySequence]: { vr: 'SQ', Value: [] },
    [Tag.StudyInstanceUID]: { vr: 'UI', Value: [studyInstanceUid] },
    [Tag.RequestedProcedureDescription]: valueOrEmpty(study[Tag.RequestedProcedureDescription], 'LO'),
    [Tag.RequestedProcedureCodeSequence]: { vr: 'SQ', Value: [] },
    [Tag.RequestedProcedureID]: { vr: 'SH', Value: [] },
    [Tag.PlacerOrderNumberImagingServiceRequest]: { vr: 'LO', Value: [] },
    [Tag.FillerOrderNumberImagingServiceRequest]: { vr: 'LO', Value: [] },
  };
}

/**
 * The first attributes of every document the archive writes: UTF-8, its creation time and UIDs
 * (SOP Common, with the study's offset from UTC when it has one), and the patient and study
 * modules copied from the study.
 */
export function documentHeader(input: {
  study: DicomJson;
  studyInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  when: DicomDateTime;
}): DicomJson {
  const { when } = input;
  return {
    [Tag.SpecificCharacterSet]: { vr: 'CS', Value: ['ISO_IR 192'] },
    [Tag.InstanceCreationDate]: { vr: 'DA', Value: [when.date] },
    [Tag.InstanceCreationTime]: { vr: 'TM', Value: [when.time] },
    [Tag.SOPClassUID]: { vr: 'UI', Value: [input.sopClassUid] },
    [Tag.SOPInstanceUID]: { vr: 'UI', Value: [input.sopInstanceUid] },
    ...(when.timezoneOffset ? { [Tag.TimezoneOffsetFromUTC]: { vr: 'SH', Value: [when.timezoneOffset] } } : {}),
    ...copiedStudyAttributes(input.study),
    [Tag.StudyInstanceUID]: { vr: 'UI', Value: [input.studyInstanceUid] },
  };
}

/**
 * A user's display name as a PN value for an observer (TID 1003): what a PN cannot hold (control
 * characters, backslash, "=" between component groups, more than 64 characters) is dropped
 * rather than refused, so an unusual account name never stops someone marking or measuring.
 */
export function observerName(name: string): string {
  const cleaned = [
    ...name
      .normalize('NFC')
      .replace(/[\u0000-\u001f\u007f\\=]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  ]
    .slice(0, 64)
    .join('');
  const components = cleaned.split('^').slice(0, 5).join('^');
  return components.trim() || 'Unknown';
}
