import { lazyRequire } from '../lazy-require';

/**
 * Value Representations (PS3.5 6.2), the VR of an element in an implicit VR data set (looked up
 * in dcmjs's copy of the PS3.6 data dictionary), and reading tags and lengths from header bytes.
 */

/** Explicit VR elements whose length is 4 bytes after 2 reserved bytes (PS3.5 7.1.2). */
export const LONG_LENGTH_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** VRs whose JSON form is InlineBinary or BulkDataURI (PS3.18 F.2.7). */
export const BINARY_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

const WORD_BYTES: Readonly<Record<string, number>> = {
  OW: 2,
  US: 2,
  SS: 2,
  AT: 2,
  OL: 4,
  UL: 4,
  SL: 4,
  FL: 4,
  OF: 4,
  FD: 8,
  OD: 8,
  OV: 8,
  SV: 8,
  UV: 8,
};

/** Bytes per word of a VR's value, the unit a big-endian value is byte-swapped in (PS3.5 7.3); 1 for bytes and text. */
export function vrWordBytes(vr: string): number {
  return WORD_BYTES[vr] ?? 1;
}

export const KNOWN_VRS: ReadonlySet<string> = new Set([
  'AE',
  'AS',
  'AT',
  'CS',
  'DA',
  'DS',
  'DT',
  'FD',
  'FL',
  'IS',
  'LO',
  'LT',
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'PN',
  'SH',
  'SL',
  'SQ',
  'SS',
  'ST',
  'SV',
  'TM',
  'UC',
  'UI',
  'UL',
  'UN',
  'UR',
  'US',
  'UT',
  'UV',
]);

export const UNDEFINED_LENGTH = 0xffffffff;

interface DictionaryEntry {
  vr: string;
}

// Its dictionary is a Proxy answering "(GGGG,EEEE)" keys; loaded by the first implicit VR element.
const dcmjs = lazyRequire<{ data: { DicomMetaDictionary: { dictionary: Record<string, DictionaryEntry | undefined> } } }>('dcmjs');

/** Dictionary VR per tag number, '' for tags the dictionary does not know. */
const cache = new Map<number, string>();

function dictionaryVr(tag: number): string {
  let vr = cache.get(tag);
  if (vr === undefined) {
    const hex = tagHex(tag);
    vr = dcmjs().data.DicomMetaDictionary.dictionary[`(${hex.slice(0, 4)},${hex.slice(4)})`]?.vr ?? '';
    cache.set(tag, vr);
  }
  return vr;
}

/**
 * The VR to use for an element of an implicit VR data set, or for an explicit one whose VR
 * bytes are not a VR. Ambiguous dictionary VRs are resolved the way PS3.5 Annex A says
 * readers may: "US or SS" by Pixel Representation, "OB or OW" as OW (implicit VR LE encodes
 * both the same way), "US or OW" (LUT Data) as US for a single entry and OW otherwise.
 */
export function implicitVr(tag: number, length: number, pixelRepresentation: number | undefined): string {
  const group = tag >>> 16;
  const element = tag & 0xffff;
  if (element === 0) return 'UL';
  if (group & 1 && element >= 0x0010 && element <= 0x00ff) return 'LO';
  const vr = dictionaryVr(tag);
  switch (vr) {
    case 'xs':
      return pixelRepresentation === 1 ? 'SS' : 'US';
    case 'ox':
      return 'OW';
    case 'lt':
      return length <= 2 ? 'US' : 'OW';
    case 'up':
      return 'UL';
    case '':
    case 'na':
      return length === UNDEFINED_LENGTH ? 'SQ' : 'UN';
    default:
      return KNOWN_VRS.has(vr) ? vr : 'UN';
  }
}

/** "7FE00010" for 0x7fe00010: the DICOM JSON key of a tag. */
export function tagHex(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** "(7FE0,0010)" for error messages and warnings. */
export function tagLabel(tag: number): string {
  const hex = tagHex(tag);
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

export function uint16(bytes: Uint8Array, at: number, le: boolean): number {
  return le ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
}

export function uint32(bytes: Uint8Array, at: number, le: boolean): number {
  return le
    ? (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
    : ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

export function tagAt(bytes: Uint8Array, le: boolean): number {
  return ((uint16(bytes, 0, le) << 16) | uint16(bytes, 2, le)) >>> 0;
}

/** Upper-case letter or space: bytes a broken writer may put where a VR belongs ("  " in some files). */
export function isVrLike(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || byte === 0x20;
}
