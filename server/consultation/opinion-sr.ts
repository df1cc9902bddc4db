import { createRequire } from 'node:module';
import { getString, type DicomJson, type DicomJsonElement } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import { dicomDateTime } from './content-date-time';
import { newUid } from './new-uid';
import { longText, personName, shortText } from './opinion-text';
import { CONCEPTS, LOCAL_SCHEME, personNameItem, rootContainer, textItem } from './sr-content';

/**
 * The opinion of a remote consultation as a DICOM Basic Text SR (PS3.3 A.35.1), in a new series
 * of the study it is about, so that it travels with the study to any PACS.
 *
 * Modules written: Patient, General Study, Patient Study (copied from the study), SR Document
 * Series, General Equipment, SR Document General, SR Document Content, SOP Common.
 *
 * Verification Flag is UNVERIFIED: VERIFIED means "attested to (signed) by a Verifying Observer
 * or Legal Authenticator named in the document, who is accountable for its content" (PS3.3
 * C.17.2), and the consultation workflow has no signing step; the author is named in the
 * Author Observer Sequence and in the content tree's observer context (TID 1002/1003) instead.
 */

export interface OpinionSrInput {
  /** Study-level DICOM JSON of the study, as the index holds it (patient and study attributes). */
  study: DicomJson;
  /** Our id of the consultation (e.g. a UUID); written as a TEXT item. */
  consultationId: string;
  /** The clinical question (any language, multi-line). */
  question: string;
  /** The specialist's opinion (any language, multi-line, at most 64 KiB of UTF-8). */
  opinion: string;
  /** `name` in DICOM PN form ("Nguyễn^Văn An") or as one free-text name. */
  author: { name: string; institution?: string; contact?: string };
  requester?: { name: string; institution?: string };
  urgency?: string;
  completedAt: Date;
  /**
   * The study's instances the opinion is about, for the Current Requested Procedure Evidence
   * Sequence; omitted when not given.
   */
  evidence?: ReadonlyArray<{ seriesInstanceUid: string; sopClassUid: string; sopInstanceUid: string }>;
}

export interface OpinionSr {
  /** The Part 10 file, Explicit VR Little Endian. */
  part10: Buffer;
  sopInstanceUid: string;
  seriesInstanceUid: string;
}

export const BASIC_TEXT_SR_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.88.11';
export const OPINION_SERIES_NUMBER = 9901;
export const OPINION_SERIES_DESCRIPTION = 'Consultation opinion';
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** The archive's Implementation Class UID (PS3.10 7.1), the one server/codecs/explicit-little-endian.ts writes. */
const IMPLEMENTATION_CLASS_UID = '2.25.197307452463411419331296306282924185927';

// dcmjs ships no type declarations: only DicomDict (data set + file meta → Part 10 bytes) is used.
interface DcmjsDicomDict {
  dict: DicomJson;
  write(): ArrayBuffer;
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: { DicomDict: new (meta: DicomJson) => DcmjsDicomDict };
};

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

export function buildOpinionSr(input: OpinionSrInput): OpinionSr {
  const studyInstanceUid = getString(input.study, Tag.StudyInstanceUID)?.trim();
  if (!isValidUid(studyInstanceUid)) throw new AppError('INVALID_UID', 'The study has no valid Study Instance UID (PS3.5 9.1).');
  if (!(input.completedAt instanceof Date) || Number.isNaN(input.completedAt.getTime())) {
    throw new AppError('BAD_REQUEST', 'The completion time of the opinion is not a valid date.');
  }
  const seriesInstanceUid = newUid();
  const sopInstanceUid = newUid();
  const when = dicomDateTime(input.completedAt, getString(input.study, Tag.TimezoneOffsetFromUTC));

  const dataset: DicomJson = {
    [Tag.SpecificCharacterSet]: { vr: 'CS', Value: ['ISO_IR 192'] },
    [Tag.InstanceCreationDate]: { vr: 'DA', Value: [when.date] },
    [Tag.InstanceCreationTime]: { vr: 'TM', Value: [when.time] },
    [Tag.SOPClassUID]: { vr: 'UI', Value: [BASIC_TEXT_SR_SOP_CLASS_UID] },
    [Tag.SOPInstanceUID]: { vr: 'UI', Value: [sopInstanceUid] },
    ...(when.timezoneOffset ? { [Tag.TimezoneOffsetFromUTC]: { vr: 'SH', Value: [when.timezoneOffset] } } : {}),
    ...copiedStudyAttributes(input.study),
    [Tag.StudyInstanceUID]: { vr: 'UI', Value: [studyInstanceUid] },
    // SR Document Series
    [Tag.Modality]: { vr: 'CS', Value: ['SR'] },
    [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [seriesInstanceUid] },
    [Tag.SeriesNumber]: { vr: 'IS', Value: [OPINION_SERIES_NUMBER] },
    [Tag.SeriesDate]: { vr: 'DA', Value: [when.date] },
    [Tag.SeriesTime]: { vr: 'TM', Value: [when.time] },
    [Tag.SeriesDescription]: { vr: 'LO', Value: [OPINION_SERIES_DESCRIPTION] },
    [Tag.ReferencedPerformedProcedureStepSequence]: { vr: 'SQ', Value: [] }, // type 2
    // General Equipment
    [Tag.Manufacturer]: { vr: 'LO', Value: [] },
    // SOP Common: our private coding scheme, identified for receivers (PS3.3 C.12.1)
    [Tag.CodingSchemeIdentificationSequence]: { vr: 'SQ', Value: [localCodingScheme()] },
    // SR Document General
    [Tag.InstanceNumber]: { vr: 'IS', Value: [1] },
    [Tag.ContentDate]: { vr: 'DA', Value: [when.date] },
    [Tag.ContentTime]: { vr: 'TM', Value: [when.time] },
    [Tag.CompletionFlag]: { vr: 'CS', Value: ['COMPLETE'] },
    [Tag.VerificationFlag]: { vr: 'CS', Value: ['UNVERIFIED'] },
    [Tag.AuthorObserverSequence]: { vr: 'SQ', Value: [authorObserver(input.author)] },
    [Tag.ReferencedRequestSequence]: { vr: 'SQ', Value: [referencedRequest(input.study, studyInstanceUid)] },
    [Tag.PerformedProcedureCodeSequence]: { vr: 'SQ', Value: [] }, // type 2, empty
    ...(input.evidence && input.evidence.length > 0
      ? { [Tag.CurrentRequestedProcedureEvidenceSequence]: { vr: 'SQ', Value: [evidenceItem(studyInstanceUid, input.evidence)] } }
      : {}),
    // SR Document Content
    ...rootContainer(CONCEPTS.consultNote, contentItems(input)),
  };

  const file = new dcmjs.data.DicomDict({
    [Tag.FileMetaInformationVersion]: { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    [Tag.MediaStorageSOPClassUID]: { vr: 'UI', Value: [BASIC_TEXT_SR_SOP_CLASS_UID] },
    [Tag.MediaStorageSOPInstanceUID]: { vr: 'UI', Value: [sopInstanceUid] },
    [Tag.TransferSyntaxUID]: { vr: 'UI', Value: [EXPLICIT_VR_LITTLE_ENDIAN] },
    [Tag.ImplementationClassUID]: { vr: 'UI', Value: [IMPLEMENTATION_CLASS_UID] },
  });
  file.dict = dataset;
  return { part10: Buffer.from(file.write()), sopInstanceUid, seriesInstanceUid };
}

/**
 * The patient and study attributes of the study, as stored; type 2 ones that the study lacks are
 * written empty. The values are decoded strings, so whatever the study's own character set,
 * writing them under ISO_IR 192 re-encodes them correctly.
 */
function copiedStudyAttributes(study: DicomJson): DicomJson {
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
function referencedRequest(study: DicomJson, studyInstanceUid: string): DicomJson {
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

/** The author as a person observer (PS3.3 C.17.2, Author Observer Sequence). */
function authorObserver(author: OpinionSrInput['author']): DicomJson {
  return {
    [Tag.ObserverType]: { vr: 'CS', Value: ['PSN'] },
    [Tag.PersonName]: { vr: 'PN', Value: [{ Alphabetic: personName('author name', author.name) }] },
    [Tag.PersonIdentificationCodeSequence]: { vr: 'SQ', Value: [] },
    [Tag.InstitutionName]: {
      vr: 'LO',
      Value: author.institution !== undefined ? [shortText('author institution', author.institution)] : [],
    },
    [Tag.InstitutionCodeSequence]: { vr: 'SQ', Value: [] },
  };
}

/** Hierarchical SOP Instance Reference (PS3.3 Table C.17-3): the instances grouped by series. */
function evidenceItem(studyInstanceUid: string, evidence: NonNullable<OpinionSrInput['evidence']>): DicomJson {
  const bySeries = new Map<string, DicomJson[]>();
  for (const { seriesInstanceUid, sopClassUid, sopInstanceUid } of evidence) {
    if (![seriesInstanceUid, sopClassUid, sopInstanceUid].every(isValidUid)) {
      throw new AppError('INVALID_UID', 'An evidence reference has a UID that is not valid (PS3.5 9.1).');
    }
    const sops = bySeries.get(seriesInstanceUid) ?? [];
    sops.push({
      [Tag.ReferencedSOPClassUID]: { vr: 'UI', Value: [sopClassUid] },
      [Tag.ReferencedSOPInstanceUID]: { vr: 'UI', Value: [sopInstanceUid] },
    });
    bySeries.set(seriesInstanceUid, sops);
  }
  const series = [...bySeries].map(([uid, sops]) => ({
    [Tag.ReferencedSOPSequence]: { vr: 'SQ', Value: sops },
    [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [uid] },
  }));
  return {
    [Tag.ReferencedSeriesSequence]: { vr: 'SQ', Value: series },
    [Tag.StudyInstanceUID]: { vr: 'UI', Value: [studyInstanceUid] },
  };
}

/**
 * The content tree under the root "Consult note" CONTAINER: the observer context first
 * (TID 1002: who made the observations), then the question, the opinion and the consultation's
 * own identifiers.
 */
function contentItems(input: OpinionSrInput): DicomJson[] {
  const items = [personNameItem('HAS OBS CONTEXT', CONCEPTS.personObserverName, personName('author name', input.author.name))];
  if (input.author.institution !== undefined) {
    items.push(textItem('HAS OBS CONTEXT', CONCEPTS.personObserverOrganization, shortText('author institution', input.author.institution)));
  }
  // Not Person's Telecom Information in the Author Observer Sequence: the SR Document General
  // Module does not list it there (dciodvfy: "not present in standard DICOM IOD").
  if (input.author.contact !== undefined) {
    items.push(textItem('HAS OBS CONTEXT', CONCEPTS.observerContact, shortText('author contact', input.author.contact)));
  }
  items.push(textItem('CONTAINS', CONCEPTS.request, longText('question', input.question)));
  items.push(textItem('CONTAINS', CONCEPTS.impression, longText('opinion', input.opinion)));
  if (input.requester) {
    items.push(personNameItem('CONTAINS', CONCEPTS.requester, personName('requester name', input.requester.name)));
    if (input.requester.institution !== undefined) {
      items.push(textItem('CONTAINS', CONCEPTS.requesterOrganization, shortText('requester institution', input.requester.institution)));
    }
  }
  if (input.urgency !== undefined) items.push(textItem('CONTAINS', CONCEPTS.urgency, shortText('urgency', input.urgency)));
  items.push(textItem('CONTAINS', CONCEPTS.consultationId, shortText('consultation id', input.consultationId)));
  return items;
}

/** Identifies the 99PACS scheme for receivers (PS3.3 Coding Scheme Identification Sequence). */
function localCodingScheme(): DicomJson {
  return {
    [Tag.CodingSchemeDesignator]: { vr: 'SH', Value: [LOCAL_SCHEME] },
    [Tag.CodingSchemeName]: { vr: 'ST', Value: ['PACS consultation concepts'] },
    [Tag.CodingSchemeResponsibleOrganization]: { vr: 'ST', Value: ['pacs'] },
  };
}
