import { characterSets, convertBytes } from 'dicom-character-set';
import type { PersonName } from '../../shared/dicom/dicom-json';
import { tagHex, tagLabel } from './dicom-dictionary';

/**
 * Value bytes of one element → the "Value" array of its DICOM JSON attribute (PS3.18 F.2.3-F.2.5).
 * Lenient in (STYLE.md rule 7): malformed values give a warning and the closest valid JSON, never
 * an exception. Warnings name the tag and VR only, never the value (it may be patient data).
 */

/** The Specific Character Set (0008,0005) in force, normalized for dicom-character-set. */
export interface Charset {
  readonly term: string | undefined;
  /** Bytes below 0x80 (without ESC) decode as ASCII: false only for JIS X 0201 Romaji (IR 13). */
  readonly asciiSafe: boolean;
}

export const DEFAULT_CHARSET: Charset = { term: undefined, asciiSafe: true };

export interface ValueContext {
  charset: Charset;
  littleEndian: boolean;
  warn: (message: string) => void;
}

/** VRs whose text is affected by the Specific Character Set (PS3.5 6.1.2.3). */
const CHARSET_VRS: ReadonlySet<string> = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);
const SINGLE_VALUE_VRS: ReadonlySet<string> = new Set(['LT', 'ST', 'UR', 'UT']);
export const TEXT_VRS: ReadonlySet<string> = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);
const NUMBER_SIZES: Readonly<Record<string, number>> = { AT: 4, FD: 8, FL: 4, SL: 4, SS: 2, SV: 8, UL: 4, US: 2, UV: 8 };
/** Element size of the binary VRs stored in the byte order of the transfer syntax. */
const SWAP_SIZES: Readonly<Record<string, number>> = { OD: 8, OF: 4, OL: 4, OV: 8, OW: 2 };
/** A DS/IS value JSON can carry as a number (PS3.5 6.2 DS syntax). */
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const LEADING_TRAILING_PADDING = /^[ \0]+|[ \0]+$/g;
const TRAILING_PADDING = /[ \0]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Normalizes the terms of (0008,0005); unknown terms are dropped with a warning. */
export function charsetFromValues(values: unknown[] | undefined, warn: (message: string) => void): Charset {
  const terms = (values ?? []).map((value) => {
    const raw = typeof value === 'string' ? value : '';
    const term = normalizeCharsetTerm(raw);
    if (term === undefined) warn(`Specific Character Set (0008,0005) has an unknown term; it is ignored`);
    return term ?? '';
  });
  while (terms.length > 1 && terms[terms.length - 1] === '') terms.pop();
  if (terms.length === 0 || (terms.length === 1 && terms[0] === '')) return DEFAULT_CHARSET;
  const term = terms.join('\\');
  return { term, asciiSafe: !terms.some((t) => t.endsWith('IR 13')) };
}

function normalizeCharsetTerm(raw: string): string | undefined {
  const term = raw.trim().toUpperCase();
  if (term === '' || term in characterSets) return term;
  if (term === 'UTF-8' || term === 'UTF8') return 'ISO_IR 192';
  const match = /^ISO[ _-]?(2022[ _-]?)?IR[ _-]?(\d+)$/.exec(term);
  if (!match) return undefined;
  const candidate = match[1] ? `ISO 2022 IR ${match[2]}` : `ISO_IR ${match[2]}`;
  return candidate in characterSets ? candidate : undefined;
}

/** The JSON "Value" array of a non-binary, non-SQ element; undefined for an empty value. */
export function decodeValue(tag: number, vr: string, bytes: Uint8Array, ctx: ValueContext): unknown[] | undefined {
  if (bytes.length === 0) return undefined;
  if (TEXT_VRS.has(vr)) return decodeTextValue(tag, vr, bytes, ctx);
  const size = NUMBER_SIZES[vr];
  if (size !== undefined) return decodeNumbers(tag, vr, size, bytes, ctx);
  ctx.warn(`${tagLabel(tag)} has an unsupported VR; its value is dropped`);
  return undefined;
}

function decodeTextValue(tag: number, vr: string, bytes: Uint8Array, ctx: ValueContext): unknown[] | undefined {
  const text = decodeText(tag, vr, bytes, ctx);
  if (SINGLE_VALUE_VRS.has(vr)) {
    const value = vr === 'UR' ? text.replace(LEADING_TRAILING_PADDING, '') : text.replace(TRAILING_PADDING, '');
    return value === '' ? undefined : [value];
  }
  const values: Array<string | null> = text.split('\\').map((part) => part.replace(LEADING_TRAILING_PADDING, '') || null);
  if (values.length === 1 && values[0] === null) return undefined;
  if (vr === 'PN') return values.map(personName);
  if (vr === 'DS' || vr === 'IS') return values.map((value) => decimalValue(tag, vr, value, ctx));
  return values;
}

function decodeText(tag: number, vr: string, bytes: Uint8Array, ctx: ValueContext): string {
  const ascii = isPlainAscii(bytes);
  if (!CHARSET_VRS.has(vr) || (ascii && ctx.charset.asciiSafe)) return latin1(bytes);
  if (ctx.charset.term === undefined) {
    ctx.warn(`${tagLabel(tag)} has non-ASCII text but no Specific Character Set; read as UTF-8 or Latin-1`);
    try {
      return utf8.decode(bytes);
    } catch {
      return latin1(bytes);
    }
  }
  try {
    return convertBytes(ctx.charset.term, bytes, { vr });
  } catch {
    ctx.warn(`${tagLabel(tag)} could not be decoded with the Specific Character Set; read as Latin-1`);
    return latin1(bytes);
  }
}

function isPlainAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x80 || byte === 0x1b) return false;
  }
  return true;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/** "Yamada^Tarou=山田^太郎=やまだ^たろう" → component groups, empty groups left out (F.2.2). */
function personName(value: string | null): PersonName | null {
  if (value === null) return null;
  const [alphabetic, ideographic, phonetic] = value.split('=').map((group) => group.replace(LEADING_TRAILING_PADDING, ''));
  const name: PersonName = {};
  if (alphabetic) name.Alphabetic = alphabetic;
  if (ideographic) name.Ideographic = ideographic;
  if (phonetic) name.Phonetic = phonetic;
  return alphabetic || ideographic || phonetic ? name : null;
}

function decimalValue(tag: number, vr: string, value: string | null, ctx: ValueContext): number | string | null {
  if (value === null) return null;
  if (NUMBER_PATTERN.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  ctx.warn(`${tagLabel(tag)} ${vr} has a value that is not a number; kept as a string`);
  return value;
}

function decodeNumbers(tag: number, vr: string, size: number, bytes: Uint8Array, ctx: ValueContext): unknown[] | undefined {
  if (bytes.length % size !== 0) ctx.warn(`${tagLabel(tag)} ${vr} value length is not a multiple of ${size}; the rest is ignored`);
  const count = Math.floor(bytes.length / size);
  if (count === 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const le = ctx.littleEndian;
  const values: unknown[] = new Array<unknown>(count);
  for (let i = 0, at = 0; i < count; i++, at += size) {
    switch (vr) {
      case 'US':
        values[i] = view.getUint16(at, le);
        break;
      case 'SS':
        values[i] = view.getInt16(at, le);
        break;
      case 'UL':
        values[i] = view.getUint32(at, le);
        break;
      case 'SL':
        values[i] = view.getInt32(at, le);
        break;
      case 'FL':
        values[i] = view.getFloat32(at, le);
        break;
      case 'FD':
        values[i] = view.getFloat64(at, le);
        break;
      case 'SV':
        values[i] = bigValue(view.getBigInt64(at, le));
        break;
      case 'UV':
        values[i] = bigValue(view.getBigUint64(at, le));
        break;
      case 'AT':
        values[i] = tagHex(((view.getUint16(at, le) << 16) | view.getUint16(at + 2, le)) >>> 0);
        break;
    }
  }
  return values;
}

/** SV/UV as a JSON number when exact, otherwise as a string (PS3.18 F.2.3 allows both). */
function bigValue(value: bigint): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

/** Base64 of a binary value in little endian byte order, as DICOM JSON carries it (F.2.7). */
export function inlineBinary(vr: string, bytes: Uint8Array, littleEndian: boolean): string {
  const size = SWAP_SIZES[vr];
  let data = bytes;
  if (!littleEndian && size !== undefined) {
    data = bytes.slice();
    for (let at = 0; at + size <= data.length; at += size) data.subarray(at, at + size).reverse();
  }
  return Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64');
}
