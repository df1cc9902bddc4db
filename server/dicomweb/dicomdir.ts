import { tagNumber } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import { codeItem, type Code } from '../../shared/dicom/code-item';
import { getItem, getString, type DicomJson, type DicomJsonElement, type PersonName } from '../../shared/dicom/dicom-json';
import { EXPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { delimiter, encode, itemHeader, SEQUENCE_DELIMITER, sequenceHeader, uid, u32 } from '../codecs/element-encoding';
import { encodeDicomJsonElement } from '../codecs/dicom-json-element';
import { fileMetaHeader } from '../codecs/file-meta';
import { CONTENT_KEYS, FLAT_KEYS, recordTypeOf, type DirectoryKey, type InstanceRecordType } from './directory-record-types';
import { newUid } from '../consultation/new-uid';

/**
 * The DICOMDIR of a file-set (PS3.10 8, PS3.3 F.5 Basic Directory IOD): PATIENT → STUDY →
 * SERIES → one record per instance, IMAGE, SR DOCUMENT, KEY OBJECT DOC, RT PLAN… by its SOP
 * Class, in Explicit VR Little Endian, and the File ID of each member. Written by
 * hand with the element encoder: dcmjs writes no offsets, and every record's size is known before
 * its offsets, so a two-pass layout (sizes, then offsets) is short.
 */

/** Media Storage Directory Storage (PS3.4 Annex B.5). */
export const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

/** One file of the set, described by its (possibly de-identified) data set as DICOM JSON. */
export interface FileSetMember {
  dataset: DicomJson;
  sopClassUid: string;
  sopInstanceUid: string;
  /** The transfer syntax of the file as written into the set. */
  transferSyntax: string;
}

export interface FileSet {
  dicomdir: Buffer;
  /** Each member's File ID as a path (`DICOM/P0000001/S0000001/SE000001/IM000001`), in the order given. */
  paths: string[];
}

/** An element of a record, already encoded. */
type Element = [tag: number, encoded: Buffer];

type RecordType = 'PATIENT' | 'STUDY' | 'SERIES' | InstanceRecordType;

interface DirectoryRecord {
  type: RecordType;
  keys: Element[];
  children: DirectoryRecord[];
}

const t = (keyword: keyof typeof Tag): number => tagNumber(Tag[keyword]);
const ISO_IR_192 = 'ISO_IR 192';

/** A File-set ID (PS3.3 F.3.2.1, CS of at most 16 characters): upper-case letters, digits, space and underscore. */
export function isFileSetId(value: string): boolean {
  return /^[A-Z0-9_ ]{0,16}$/.test(value);
}

export function buildFileSet(members: readonly FileSetMember[], fileSetId: string): FileSet {
  const patients = new Map<string, DirectoryRecord>();
  const studies = new Map<string, DirectoryRecord>();
  const series = new Map<string, DirectoryRecord>();
  const paths: string[] = [];
  const ids = new Map<DirectoryRecord, string>();
  // Records are grouped by Patient ID + name, Study and Series Instance UID; File ID components
  // are numbered within their parent (PS3.10 8.5: at most 8 components of 8 characters).
  const child = (
    map: Map<string, DirectoryRecord>,
    key: string,
    parent: DirectoryRecord | undefined,
    make: (component: string, n: number) => DirectoryRecord,
    prefix: string,
    width: number,
  ) => {
    let record = map.get(key);
    if (!record) {
      const n = (parent ? parent.children : [...map.values()]).length + 1;
      const component = `${prefix}${String(n).padStart(width, '0')}`;
      record = make(component, n);
      ids.set(record, `${parent ? ids.get(parent) : 'DICOM'}/${component}`);
      parent?.children.push(record);
      map.set(key, record);
    }
    return record;
  };
  for (const member of members) {
    const ds = member.dataset;
    const patientKey = `${text(ds, Tag.PatientID)}\u0000${text(ds, Tag.PatientName)}`;
    const patient = child(
      patients,
      patientKey,
      undefined,
      (id) =>
        record(
          'PATIENT',
          valuesOf(ds, [
            [Tag.PatientName, 'PN'],
            [Tag.PatientID, 'LO', id],
          ]),
        ),
      'P',
      7,
    );
    const studyUid = text(ds, Tag.StudyInstanceUID);
    const study = child(
      studies,
      studyUid,
      patient,
      (id) => record('STUDY', valuesOf(ds, [...STUDY_KEYS, [Tag.StudyID, 'SH', id]])),
      'S',
      7,
    );
    const seriesUid = text(ds, Tag.SeriesInstanceUID);
    const seriesRecord = child(
      series,
      `${studyUid}/${seriesUid}`,
      study,
      (_, n) => record('SERIES', valuesOf(ds, [...SERIES_KEYS, [Tag.SeriesNumber, 'IS', String(n)]])),
      'SE',
      6,
    );
    const position = seriesRecord.children.length + 1;
    const instance = instanceRecord(recordTypeOf(member.sopClassUid), ds, String(position));
    const path = `${ids.get(seriesRecord)}/IM${String(position).padStart(6, '0')}`;
    instance.keys.push(
      element(t('ReferencedFileID'), 'CS', latin1(path.replaceAll('/', '\\'))),
      element(t('ReferencedSOPClassUIDInFile'), 'UI', uid(member.sopClassUid)),
      element(t('ReferencedSOPInstanceUIDInFile'), 'UI', uid(member.sopInstanceUid)),
      element(t('ReferencedTransferSyntaxUIDInFile'), 'UI', uid(member.transferSyntax)),
    );
    seriesRecord.children.push(instance);
    paths.push(path);
  }
  return { dicomdir: layOut([...patients.values()], fileSetId), paths };
}

type Key = DirectoryKey;

const STUDY_KEYS: Key[] = [
  // No date is known (e.g. removed by de-identification): the usual dummy of de-identification tools.
  [Tag.StudyDate, 'DA', '19000101'],
  [Tag.StudyTime, 'TM', '000000'],
  [Tag.AccessionNumber, 'SH'],
  [Tag.StudyDescription, 'LO'],
  [Tag.StudyInstanceUID, 'UI'],
];
const SERIES_KEYS: Key[] = [
  [Tag.Modality, 'CS'],
  [Tag.SeriesInstanceUID, 'UI'],
];

// Stand-ins of Type 1 document keys the instance lacks: a flag that claims nothing (not complete,
// not verified), a title from the context group of the class.
const SR_FLAG_KEYS: Key[] = [
  [Tag.CompletionFlag, 'CS', 'PARTIAL'],
  [Tag.VerificationFlag, 'CS', 'UNVERIFIED'],
];
/** CID 7010 "Of Interest" and LOINC "Diagnostic Imaging Report" (TID 2000's title). */
const TITLE_STAND_IN: Record<'SR DOCUMENT' | 'KEY OBJECT DOC', Code> = {
  'KEY OBJECT DOC': { value: '113000', scheme: 'DCM', meaning: 'Of Interest' },
  'SR DOCUMENT': { value: '18748-4', scheme: 'LN', meaning: 'Diagnostic Imaging Report' },
};

/**
 * The instance's record (PS3.3 F.5), its keys as DCMTK's dcmmkdir copies them: IMAGE with its
 * Instance Number; the record types of plain values with theirs (directory-record-types.ts), an
 * ENCAP DOC also with its title code (Type 2) and HL7 Instance Identifier (1C, a CDA's); SR
 * DOCUMENT (F.5.24) and KEY OBJECT DOC (F.5.29) with Content Date and Time, the title (Concept
 * Name Code Sequence), for an SR its Completion and Verification Flags and, when VERIFIED, the
 * Verification DateTime of the last Verifying Observer, and the root's HAS CONCEPT MOD content
 * items (Content Sequence, Type 1C: present only when the root has some).
 */
function instanceRecord(type: InstanceRecordType, ds: DicomJson, position: string): DirectoryRecord {
  const instanceNumber: Key = [Tag.InstanceNumber, 'IS', position];
  if (type === 'IMAGE') return record(type, valuesOf(ds, [instanceNumber]));
  if (type === 'SR DOCUMENT' || type === 'KEY OBJECT DOC') return documentRecord(type, ds, instanceNumber);
  const values = valuesOf(ds, [instanceNumber, ...FLAT_KEYS[type]]);
  if (type !== 'ENCAP DOC') return record(type, values);
  const hl7 = text(ds, Tag.HL7InstanceIdentifier);
  if (hl7) values.push([tagNumber(Tag.HL7InstanceIdentifier), 'ST', hl7]);
  const title = getItem(ds, Tag.ConceptNameCodeSequence);
  return record(type, values, [[Tag.ConceptNameCodeSequence, { vr: 'SQ', Value: title ? [title] : [] }]]);
}

function documentRecord(type: 'SR DOCUMENT' | 'KEY OBJECT DOC', ds: DicomJson, instanceNumber: Key): DirectoryRecord {
  const [date, time] = valuesOf(ds, CONTENT_KEYS) as [Value, Value];
  const values = [...valuesOf(ds, type === 'SR DOCUMENT' ? [instanceNumber, ...SR_FLAG_KEYS] : [instanceNumber]), date, time];
  if (type === 'SR DOCUMENT' && getString(ds, Tag.VerificationFlag) === 'VERIFIED') {
    // Signed without a date-time (not from this archive): the content date-time stands in.
    const last = getItem(ds, Tag.VerifyingObserverSequence, (ds[Tag.VerifyingObserverSequence]?.Value?.length ?? 0) - 1);
    values.push([tagNumber(Tag.VerificationDateTime), 'DT', text(last ?? {}, Tag.VerificationDateTime) || `${date[2]}${time[2]}`]);
  }
  const title = getItem(ds, Tag.ConceptNameCodeSequence) ?? codeItem(TITLE_STAND_IN[type]);
  const sequences: Array<[string, DicomJsonElement]> = [[Tag.ConceptNameCodeSequence, { vr: 'SQ', Value: [title] }]];
  const modifiers = (ds[Tag.ContentSequence]?.Value ?? []).filter(
    (item) => getString(item as DicomJson, Tag.RelationshipType) === 'HAS CONCEPT MOD',
  );
  if (modifiers.length > 0) sequences.push([Tag.ContentSequence, { vr: 'SQ', Value: modifiers }]);
  return record(type, values, sequences);
}

type Value = readonly [tag: number, vr: string, value: string];

/**
 * The member's values of `keys` (Type 1 and 2 keys of PS3.3 F.5). A Type 1 key the instances
 * leave empty (Patient ID, Study ID, Study Date and Time, Series and Instance Number, the
 * document keys above) gets a stand-in, as DCMTK's dcmmkdir --invent does: the record's File ID
 * component, its position, or a dummy value.
 */
function valuesOf(ds: DicomJson, keys: Key[]): Value[] {
  return keys.map(([tag, vr, standIn]) => [tagNumber(tag), vr, text(ds, tag) || (standIn ?? '')] as const);
}

function record(type: RecordType, values: Value[], sequences: Array<[tag: string, element: DicomJsonElement]> = []): DirectoryRecord {
  // Values are written in UTF-8; a record holding any non-ASCII value says so (Type 1C, F.5).
  const wide = [...values.map(([, , value]) => value), ...sequences.map(([, sq]) => JSON.stringify(sq))].some((value) =>
    /[^\x00-\x7f]/.test(value),
  );
  const keys: Element[] = values.map(([tag, vr, value]) => element(tag, vr, vr === 'UI' ? uid(value) : Buffer.from(value, 'utf8')));
  keys.push(...sequences.map(([tag, sq]): Element => [tagNumber(tag), encodeDicomJsonElement(tag, sq)]));
  if (wide) keys.push(element(t('SpecificCharacterSet'), 'CS', latin1(ISO_IR_192)));
  return { type, keys, children: [] };
}

function element(tag: number, vr: string, value: Uint8Array): Element {
  return [tag, encode(tag, vr, value)];
}

/** All values of an attribute as they are written in a data set: backslash-separated; PN groups joined by "=". */
function text(ds: DicomJson, tag: string): string {
  return (ds[tag]?.Value ?? [])
    .map((value) => {
      if (value === null || value === undefined) return '';
      if (typeof value !== 'object') return String(value);
      const name = value as PersonName;
      return [name.Alphabetic ?? '', name.Ideographic ?? '', name.Phonetic ?? ''].join('=').replace(/=+$/, '');
    })
    .join('\\');
}

function latin1(value: string): Buffer {
  return Buffer.from(value, 'latin1');
}

/** Depth first, each record followed by its lower-level records: the usual order of a DICOMDIR. */
function flatten(records: DirectoryRecord[], out: DirectoryRecord[] = []): DirectoryRecord[] {
  for (const r of records) {
    out.push(r);
    flatten(r.children, out);
  }
  return out;
}

function encodeRecord(r: DirectoryRecord, next: number, lower: number): Buffer {
  const own: Element[] = [
    element(t('OffsetOfTheNextDirectoryRecord'), 'UL', u32(next)),
    // Retired since 2007 but still Type 1 to older readers (and dciodvfy): FFFFH, the record is in use.
    element(t('RecordInUseFlag'), 'US', Uint8Array.of(0xff, 0xff)),
    element(t('OffsetOfReferencedLowerLevelDirectoryEntity'), 'UL', u32(lower)),
    element(t('DirectoryRecordType'), 'CS', latin1(r.type)),
  ];
  const elements = [...own, ...r.keys].sort((a, b) => a[0] - b[0]);
  const body = Buffer.concat(elements.map(([, encoded]) => encoded));
  return Buffer.concat([itemHeader(body.length), body]);
}

/**
 * Pass 1 sizes every record (offsets are fixed-size UL values) and so places it; pass 2 writes
 * them with the offsets of their next sibling and first child, counted from the first byte of
 * the file (the preamble), as PS3.3 F.3.2.1 says.
 */
function layOut(roots: DirectoryRecord[], fileSetId: string): Buffer {
  const start = Buffer.concat([
    fileMetaHeader({ sopClassUid: MEDIA_STORAGE_DIRECTORY, sopInstanceUid: newUid(), transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN }),
    encode(t('FileSetID'), 'CS', latin1(fileSetId)),
  ]);
  const header = Buffer.concat([
    start,
    encode(t('OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity'), 'UL', u32(0)),
    encode(t('OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity'), 'UL', u32(0)),
    encode(t('FileSetConsistencyFlag'), 'US', Uint8Array.of(0, 0)),
    sequenceHeader(t('DirectoryRecordSequence')),
  ]);
  const records = flatten(roots);
  const offsets = new Map<DirectoryRecord, number>();
  let position = header.length;
  for (const r of records) {
    offsets.set(r, position);
    position += encodeRecord(r, 0, 0).length;
  }
  const at = (r: DirectoryRecord | undefined): number => (r ? offsets.get(r)! : 0);
  const nextOf = new Map<DirectoryRecord, DirectoryRecord | undefined>();
  for (const siblings of [roots, ...records.map((r) => r.children)]) siblings.forEach((r, n) => nextOf.set(r, siblings[n + 1]));
  // The root offsets are UL values at fixed places in the header: written in place.
  header.writeUInt32LE(at(roots[0]), start.length + 8);
  header.writeUInt32LE(at(roots.at(-1)), start.length + 12 + 8);
  return Buffer.concat([
    header,
    ...records.map((r) => encodeRecord(r, at(nextOf.get(r)), at(r.children[0]))),
    delimiter(SEQUENCE_DELIMITER),
  ]);
}
