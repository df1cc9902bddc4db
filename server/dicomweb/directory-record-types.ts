import { Tag } from '../../shared/dicom/tags';

/**
 * Which DICOMDIR record a file-set member gets by its SOP Class (PS3.3 F.4, Table F.4-1; UIDs of
 * PS3.4 B.5), and the keys of the record types that hold plain values only (PS3.3 F.5), as DCMTK's
 * dcmmkdir files them. Classes not named here (images, segmentations, presentation states,
 * annotations…) get an IMAGE record.
 */

/** A key: its tag, VR and, for a Type 1 key, what stands in when the instance has no value. */
export type DirectoryKey = [tag: string, vr: string, standIn?: string];

export type InstanceRecordType = 'IMAGE' | 'SR DOCUMENT' | 'KEY OBJECT DOC' | FlatRecordType;
type FlatRecordType =
  | 'RT DOSE'
  | 'RT STRUCTURE SET'
  | 'RT PLAN'
  | 'RT TREAT RECORD'
  | 'WAVEFORM'
  | 'ENCAP DOC'
  | 'VALUE MAP'
  | 'REGISTRATION'
  | 'FIDUCIAL'
  | 'RAW DATA';

const STORAGE = '1.2.840.10008.5.1.4.1.1.';
/** Every SR Storage SOP Class is 1.2.840.10008.5.1.4.1.1.88.x; of that arc only .59 is not an SR. */
const SR_ARC = `${STORAGE}88.`;
/** Every Waveform Storage SOP Class (ECG, hemodynamic, audio, EEG…) is 1.2.840.10008.5.1.4.1.1.9.x. */
const WAVEFORM_ARC = `${STORAGE}9.`;

const BY_CLASS: Record<string, Exclude<InstanceRecordType, 'IMAGE' | 'SR DOCUMENT' | 'WAVEFORM'>> = {
  [`${STORAGE}88.59`]: 'KEY OBJECT DOC',
  [`${STORAGE}481.2`]: 'RT DOSE',
  [`${STORAGE}481.3`]: 'RT STRUCTURE SET',
  [`${STORAGE}481.5`]: 'RT PLAN',
  [`${STORAGE}481.8`]: 'RT PLAN', // RT Ion Plan
  [`${STORAGE}481.4`]: 'RT TREAT RECORD', // RT Beams, Brachy, Summary, Ion Beams Treatment Records
  [`${STORAGE}481.6`]: 'RT TREAT RECORD',
  [`${STORAGE}481.7`]: 'RT TREAT RECORD',
  [`${STORAGE}481.9`]: 'RT TREAT RECORD',
  [`${STORAGE}104.1`]: 'ENCAP DOC', // PDF, CDA, STL, OBJ, MTL
  [`${STORAGE}104.2`]: 'ENCAP DOC',
  [`${STORAGE}104.3`]: 'ENCAP DOC',
  [`${STORAGE}104.4`]: 'ENCAP DOC',
  [`${STORAGE}104.5`]: 'ENCAP DOC',
  [`${STORAGE}67`]: 'VALUE MAP',
  [`${STORAGE}66.1`]: 'REGISTRATION', // Spatial and Deformable Spatial Registration
  [`${STORAGE}66.3`]: 'REGISTRATION',
  [`${STORAGE}66.2`]: 'FIDUCIAL',
  [`${STORAGE}66`]: 'RAW DATA',
};

export function recordTypeOf(sopClassUid: string): InstanceRecordType {
  const named = BY_CLASS[sopClassUid];
  if (named) return named;
  if (sopClassUid.startsWith(SR_ARC)) return 'SR DOCUMENT';
  if (sopClassUid.startsWith(WAVEFORM_ARC)) return 'WAVEFORM';
  return 'IMAGE';
}

// Stand-ins of Type 1 keys the instance lacks (Type 1 in the instance too, so rarely needed): the
// dummy date of the STUDY record, a label that says there was none, the commonest defined term.
const DATE: DirectoryKey = [Tag.ContentDate, 'DA', '19000101'];
const TIME: DirectoryKey = [Tag.ContentTime, 'TM', '000000'];
const UNNAMED = 'UNNAMED';
const CONTENT_IDENTIFICATION: DirectoryKey[] = [
  DATE,
  TIME,
  [Tag.ContentLabel, 'CS', UNNAMED],
  [Tag.ContentDescription, 'LO'],
  [Tag.ContentCreatorName, 'PN'],
];

/** Content Date and Time, Type 1 in SR DOCUMENT and KEY OBJECT DOC records (F.5.24, F.5.29). */
export const CONTENT_KEYS: DirectoryKey[] = [DATE, TIME];

/** The keys of each record type without sequence keys, besides Instance Number (PS3.3 F.5). */
export const FLAT_KEYS: Record<FlatRecordType, DirectoryKey[]> = {
  'RT DOSE': [[Tag.DoseSummationType, 'CS', 'PLAN']],
  'RT STRUCTURE SET': [
    [Tag.StructureSetLabel, 'SH', UNNAMED],
    [Tag.StructureSetDate, 'DA'],
    [Tag.StructureSetTime, 'TM'],
  ],
  'RT PLAN': [
    [Tag.RTPlanLabel, 'SH', UNNAMED],
    [Tag.RTPlanDate, 'DA'],
    [Tag.RTPlanTime, 'TM'],
  ],
  'RT TREAT RECORD': [
    [Tag.TreatmentDate, 'DA'],
    [Tag.TreatmentTime, 'TM'],
  ],
  WAVEFORM: [DATE, TIME],
  // Concept Name Code Sequence (Type 2) and HL7 Instance Identifier (1C, of a CDA) are added by the caller.
  'ENCAP DOC': [
    [Tag.ContentDate, 'DA'],
    [Tag.ContentTime, 'TM'],
    [Tag.DocumentTitle, 'ST'],
    [Tag.MIMETypeOfEncapsulatedDocument, 'LO', 'application/octet-stream'],
  ],
  'VALUE MAP': CONTENT_IDENTIFICATION,
  REGISTRATION: CONTENT_IDENTIFICATION,
  FIDUCIAL: CONTENT_IDENTIFICATION,
  'RAW DATA': [DATE, TIME],
};
