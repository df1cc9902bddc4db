import { getString, type DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { isValidUid } from '../../shared/dicom/uid';
import { AppError } from '../../shared/errors';
import { dicomDateTime } from '../consultation/content-date-time';
import { newUid } from '../consultation/new-uid';
import { personName, shortText } from '../consultation/opinion-text';
import { LOCAL_SCHEME } from '../consultation/sr-content';
import { hierarchicalReference, type InstanceReference } from './hierarchical-reference';
import { writePart10 } from './part10-file';
import { documentHeader, referencedRequest } from './study-modules';

export type { InstanceReference };

/**
 * A Basic Text SR document (PS3.3 A.35.1) in a series of the study it is about, as a Part 10 file
 * in Explicit VR Little Endian, UTF-8 (`ISO_IR 192`): the writer the consultation opinion and the
 * diagnostic report share. The caller gives the content tree; this module writes the Patient,
 * General Study and Patient Study modules (copied from the study), SR Document Series, General
 * Equipment, SR Document General (author, verification, predecessors, evidence) and SOP Common.
 */

export const BASIC_TEXT_SR_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.88.11';
export interface SrDocumentInput {
  /** Study-level DICOM JSON of the study, as the index holds it (patient and study attributes). */
  study: DicomJson;
  series: { number: number; description: string; /** An existing series of the document (a new version); new when absent. */ uid?: string };
  instanceNumber?: number;
  /** Content Date/Time and the instance's creation. */
  completedAt: Date;
  /** `name` in DICOM PN form ("Nguyễn^Văn An") or as one free-text name. */
  author: { name: string; institution?: string };
  /**
   * Signed: Verification Flag VERIFIED with this Verifying Observer (PS3.3 C.17.2; the
   * organization is type 1). Without it the document is UNVERIFIED.
   */
  verifiedBy?: { name: string; organization: string; at: Date };
  /** Predecessor Documents Sequence (0040,A360): the versions this one replaces. */
  predecessors?: readonly InstanceReference[];
  /** Current Requested Procedure Evidence Sequence: the instances the document is about. */
  evidence?: readonly InstanceReference[];
  /** The root CONTAINER's attributes (sr-content.ts `rootContainer`). */
  content: DicomJson;
  /** What the 99PACS coding scheme is, when the content uses it. */
  localSchemeName?: string;
  /** Another SR IOD with the same modules (e.g. Comprehensive SR for a TID 1500 measurement report); Basic Text SR by default. */
  sopClassUid?: string;
}

export interface SrDocument {
  /** The Part 10 file, Explicit VR Little Endian. */
  part10: Buffer;
  sopInstanceUid: string;
  seriesInstanceUid: string;
}

export function writeBasicTextSr(input: SrDocumentInput): SrDocument {
  const studyInstanceUid = getString(input.study, Tag.StudyInstanceUID)?.trim();
  if (!isValidUid(studyInstanceUid)) throw new AppError('INVALID_UID', 'The study has no valid Study Instance UID (PS3.5 9.1).');
  for (const instant of [input.completedAt, input.verifiedBy?.at]) {
    if (instant !== undefined && (!(instant instanceof Date) || Number.isNaN(instant.getTime())))
      throw new AppError('BAD_REQUEST', 'The completion time of the document is not a valid date.');
  }
  if (input.series.uid !== undefined && !isValidUid(input.series.uid))
    throw new AppError('INVALID_UID', 'The series of the document has no valid UID.');
  const sopClassUid = input.sopClassUid ?? BASIC_TEXT_SR_SOP_CLASS_UID;
  const seriesInstanceUid = input.series.uid ?? newUid();
  const sopInstanceUid = newUid();
  const offset = getString(input.study, Tag.TimezoneOffsetFromUTC);
  const when = dicomDateTime(input.completedAt, offset);

  const dataset: DicomJson = {
    ...documentHeader({ study: input.study, studyInstanceUid, sopClassUid, sopInstanceUid, when }),
    // SR Document Series
    [Tag.Modality]: { vr: 'CS', Value: ['SR'] },
    [Tag.SeriesInstanceUID]: { vr: 'UI', Value: [seriesInstanceUid] },
    [Tag.SeriesNumber]: { vr: 'IS', Value: [input.series.number] },
    [Tag.SeriesDate]: { vr: 'DA', Value: [when.date] },
    [Tag.SeriesTime]: { vr: 'TM', Value: [when.time] },
    [Tag.SeriesDescription]: { vr: 'LO', Value: [input.series.description] },
    [Tag.ReferencedPerformedProcedureStepSequence]: { vr: 'SQ', Value: [] }, // type 2
    // General Equipment
    [Tag.Manufacturer]: { vr: 'LO', Value: [] },
    // SOP Common: our private coding scheme, identified for receivers (PS3.3 C.12.1)
    ...(input.localSchemeName
      ? { [Tag.CodingSchemeIdentificationSequence]: { vr: 'SQ', Value: [localCodingScheme(input.localSchemeName)] } }
      : {}),
    // SR Document General
    [Tag.InstanceNumber]: { vr: 'IS', Value: [input.instanceNumber ?? 1] },
    [Tag.ContentDate]: { vr: 'DA', Value: [when.date] },
    [Tag.ContentTime]: { vr: 'TM', Value: [when.time] },
    [Tag.CompletionFlag]: { vr: 'CS', Value: ['COMPLETE'] },
    [Tag.VerificationFlag]: { vr: 'CS', Value: [input.verifiedBy ? 'VERIFIED' : 'UNVERIFIED'] },
    ...(input.verifiedBy ? { [Tag.VerifyingObserverSequence]: { vr: 'SQ', Value: [verifyingObserver(input.verifiedBy, offset)] } } : {}),
    [Tag.AuthorObserverSequence]: { vr: 'SQ', Value: [authorObserver(input.author)] },
    ...(input.predecessors && input.predecessors.length > 0
      ? {
          [Tag.PredecessorDocumentsSequence]: {
            vr: 'SQ',
            Value: [hierarchicalReference(studyInstanceUid, input.predecessors)],
          },
        }
      : {}),
    [Tag.ReferencedRequestSequence]: { vr: 'SQ', Value: [referencedRequest(input.study, studyInstanceUid)] },
    [Tag.PerformedProcedureCodeSequence]: { vr: 'SQ', Value: [] }, // type 2, empty
    ...(input.evidence && input.evidence.length > 0
      ? {
          [Tag.CurrentRequestedProcedureEvidenceSequence]: {
            vr: 'SQ',
            Value: [hierarchicalReference(studyInstanceUid, input.evidence)],
          },
        }
      : {}),
    // SR Document Content
    ...input.content,
  };

  const part10 = writePart10(dataset, sopClassUid, sopInstanceUid);
  return { part10, sopInstanceUid, seriesInstanceUid };
}

/** The author as a person observer (PS3.3 C.17.2, Author Observer Sequence). */
function authorObserver(author: SrDocumentInput['author']): DicomJson {
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

/**
 * Who signed, where and when (PS3.3 Table C.17-2 Verifying Observer Sequence): name and
 * organization type 1, identification code type 2 (empty), the date-time as DT in the offset
 * the document's other dates use.
 */
function verifyingObserver(verifier: NonNullable<SrDocumentInput['verifiedBy']>, studyOffset: string | undefined): DicomJson {
  const at = dicomDateTime(verifier.at, studyOffset);
  return {
    [Tag.VerifyingObserverName]: { vr: 'PN', Value: [{ Alphabetic: personName('verifying observer name', verifier.name) }] },
    [Tag.VerifyingObserverIdentificationCodeSequence]: { vr: 'SQ', Value: [] },
    [Tag.VerifyingOrganization]: { vr: 'LO', Value: [shortText('verifying organization', verifier.organization)] },
    [Tag.VerificationDateTime]: { vr: 'DT', Value: [`${at.date}${at.time}${at.timezoneOffset ?? ''}`] },
  };
}

/** Identifies the 99PACS scheme for receivers (PS3.3 Coding Scheme Identification Sequence). */
function localCodingScheme(name: string): DicomJson {
  return {
    [Tag.CodingSchemeDesignator]: { vr: 'SH', Value: [LOCAL_SCHEME] },
    [Tag.CodingSchemeName]: { vr: 'ST', Value: [name] },
    [Tag.CodingSchemeResponsibleOrganization]: { vr: 'ST', Value: ['pacs'] },
  };
}
