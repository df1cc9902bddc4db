import { createHmac } from 'node:crypto';
import { tagNumber } from '../../../shared/dicom/tag-forms';
import { Tag } from '../../../shared/dicom/tags';
import { implicitVr } from '../../ingest/dicom-dictionary';
import { BASIC_PROFILE_TABLE } from './basic-profile-table';

/**
 * The Basic Application Level Confidentiality Profile (PS3.15 E.1.1, Table E.1-1) as decisions:
 * what happens to one attribute, and the values written in place of protected ones. Shared by the
 * DICOM JSON (deidentify-json.ts) and Part 10 (deidentify-part10.ts) paths so both agree.
 */

export type ActionCode = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U' | 'Z/D' | 'X/Z' | 'X/D' | 'X/Z/D' | 'X/Z/U*';

/**
 * `keep`: the value as it is; a sequence is kept with the profile applied to each item (PS3.15
 * E.1.1: "Keeping a Sequence requires recursively applying the profile rules").
 * `remove` (X), `empty` (zero length, Z), `dummy` (non-zero dummy, D), `uid` (replacement UID, U).
 */
export type Action = 'keep' | 'remove' | 'empty' | 'dummy' | 'uid';

const CODES: ReadonlySet<string> = new Set(['D', 'Z', 'X', 'K', 'C', 'U', 'Z/D', 'X/Z', 'X/D', 'X/Z/D', 'X/Z/U*']);

const TABLE: ReadonlyMap<number, ActionCode> = new Map(
  BASIC_PROFILE_TABLE.trim()
    .split('\n')
    .map((line) => {
      const [tag = '', code = ''] = line.split(' ');
      if (!/^[0-9A-F]{8}$/.test(tag) || !CODES.has(code)) throw new Error(`basic-profile-table: bad line "${line}"`);
      return [Number.parseInt(tag, 16), code as ActionCode];
    }),
);

export const PATIENT_NAME = tagNumber(Tag.PatientName);
export const PATIENT_ID = tagNumber(Tag.PatientID);

/** Table E.1-1's code for a tag, the masked rows (curves, overlays) and private attributes included. */
export function actionCode(tag: number): ActionCode | undefined {
  const group = tag >>> 16;
  const element = tag & 0xffff;
  if (group & 1) return 'X'; // private attributes (and the illegal odd groups)
  if ((group & 0xff00) === 0x5000) return 'X'; // Curve Data (50xx,xxxx), retired
  if ((group & 0xff00) === 0x6000 && (element === 0x3000 || element === 0x4000)) return 'X'; // Overlay Data, Overlay Comments
  return TABLE.get(tag);
}

/**
 * What to do with one attribute. Combined codes need the IOD's Type of the attribute, which an
 * archive serving any SOP class does not track; they are resolved to the choice that conforms
 * whatever the Type is, leaking nothing either way:
 * - X/Z → Z (a zero-length value is allowed for Type 2 and Type 3);
 * - X/D and D → a dummy (non-zero length is allowed for every Type);
 * - Z/D and X/Z/D → Z when the stored value is already empty (then the IOD allows it empty),
 *   otherwise a dummy;
 * - X/Z/U* → the sequence is kept and the profile applied to its items, which replaces the
 *   contained instance UIDs (their own rows are U);
 * - C (clean) → a dummy, since we cannot tell which values are safe;
 * - K and attributes the table does not list → kept.
 * Text written as a dummy is ASCII, valid in every Specific Character Set.
 */
export function profileAction(tag: number, storedEmpty: boolean): Action {
  const code = actionCode(tag);
  switch (code) {
    case undefined:
    case 'K':
    case 'X/Z/U*':
      return 'keep';
    case 'X':
      return 'remove';
    case 'Z':
    case 'X/Z':
      return 'empty';
    case 'U':
      return 'uid';
    case 'Z/D':
    case 'X/Z/D':
      return storedEmpty ? 'empty' : 'dummy';
    case 'D':
    case 'X/D':
    case 'C':
      return 'dummy';
  }
}

/** Every text dummy: ASCII, 9 characters, fits the shortest string VRs (AE, CS, SH: 16). */
export const DUMMY_TEXT = 'ANONYMOUS';

/** Dummy values by VR (PS3.15 E.1.1 lets the de-identifier choose; none carries meaning). */
const DUMMY_STRINGS: Readonly<Record<string, string>> = {
  DA: '19000101',
  TM: '000000',
  DT: '19000101000000',
  AS: '000Y',
  DS: '0',
  IS: '0',
};
const BINARY_WIDTHS: Readonly<Record<string, number>> = {
  US: 2,
  SS: 2,
  UL: 4,
  SL: 4,
  FL: 4,
  FD: 8,
  SV: 8,
  UV: 8,
  AT: 4,
  OB: 2,
  OW: 2,
  OF: 4,
  OL: 4,
  OD: 8,
  OV: 8,
};

/** The VR a dummy is made for: the dictionary's when the element is stored as UN. */
export function effectiveVr(tag: number, vr: string): string {
  return vr === 'UN' ? implicitVr(tag, 0, undefined) : vr;
}

/** A text dummy for string VRs, undefined for binary ones, SQ and UI (which get replacements). */
export function dummyString(vr: string): string | undefined {
  if (vr === 'SQ' || vr === 'UI' || vr in BINARY_WIDTHS || vr === 'UN') return undefined;
  return DUMMY_STRINGS[vr] ?? DUMMY_TEXT;
}

/** Byte length of the zero-valued binary dummy of `vr` (one value), or 2 for anything else. */
export function dummyBinaryLength(vr: string): number {
  return BINARY_WIDTHS[vr] ?? 2;
}

/** Patient's Name of a de-identified share: ANONYMOUS^<label>, the label reduced to safe ASCII. */
export function dummyPatientName(label: string): string {
  const safe = label
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9 ._-]/g, '')
    .trim()
    .slice(0, 48);
  return safe === '' ? DUMMY_TEXT : `${DUMMY_TEXT}^${safe}`;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Patient ID pseudonym: ANON- and 10 base32 characters (50 bits) of HMAC-SHA256(secret, Patient ID). */
export function patientIdPseudonym(secret: Uint8Array, patientId: string): string {
  const digest = createHmac('sha256', secret).update(patientId, 'utf8').digest();
  let bits = 0n;
  for (let i = 0; i < 7; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let out = '';
  for (let i = 0; i < 10; i++) out += BASE32[Number((bits >> BigInt(51 - 5 * i)) & 31n)];
  return `ANON-${out}`;
}

/** Patient Identity Removed, De-identification Method and its Code Sequence: what PS3.15 E.1.1 item 6 asks to add. */
export const PATIENT_IDENTITY_REMOVED = tagNumber(Tag.PatientIdentityRemoved);
export const DEIDENTIFICATION_METHOD = tagNumber(Tag.DeidentificationMethod);
export const DEIDENTIFICATION_METHOD_CODE_SEQUENCE = tagNumber(Tag.DeidentificationMethodCodeSequence);
/** Two values: LO holds at most 64 characters, and (0012,0063) may have several (VM 1-n). */
export const METHOD_TEXT: readonly string[] = ['PS3.15 Annex E Basic Application Level Confidentiality Profile', 'on-the-fly share'];
/** CID 7050 code of the profile: (113100, DCM, "Basic Application Confidentiality Profile"). */
export const METHOD_CODE = { value: '113100', scheme: 'DCM', meaning: 'Basic Application Confidentiality Profile' } as const;
