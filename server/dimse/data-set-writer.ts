import type { DicomJson, DicomJsonElement, PersonName } from '../../shared/dicom/dicom-json';
import { IMPLICIT_VR_LITTLE_ENDIAN } from '../../shared/dicom/transfer-syntaxes';
import { LONG_LENGTH_VRS, UNDEFINED_LENGTH } from '../ingest/dicom-dictionary';

/**
 * The data sets of C-FIND matches written straight from DICOM JSON into Implicit or Explicit VR
 * Little Endian, byte for byte what dcmjs's writer gives (test/server/dimse-data-set-codec.test.ts
 * compares them) at a tenth of its cost: dcmjs builds a value-representation object and a write
 * stream per element, ~0.3 ms for a six-key match, more than the index search. Handled: every
 * string VR (text in UTF-8; PN as Alphabetic=Ideographic=Phonetic; IS and DS numbers as text,
 * DS as dcmjs shortens it to 16 characters), US/UL/SS/SL/FL/FD, empty values of any VR, and
 * sequences (items of undefined length, as dcmjs writes them). Anything else (AT, binary values,
 * a value too long for a 16-bit length) returns undefined and the caller uses dcmjs.
 */

const TEXT = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const NUMBERS: Record<string, { size: number; write: (buf: Buffer, value: number, at: number) => void }> = {
  US: { size: 2, write: (buf, v, at) => buf.writeUInt16LE(v, at) },
  SS: { size: 2, write: (buf, v, at) => buf.writeInt16LE(v, at) },
  UL: { size: 4, write: (buf, v, at) => buf.writeUInt32LE(v, at) },
  SL: { size: 4, write: (buf, v, at) => buf.writeInt32LE(v, at) },
  FL: { size: 4, write: (buf, v, at) => buf.writeFloatLE(v, at) },
  FD: { size: 8, write: (buf, v, at) => buf.writeDoubleLE(v, at) },
};
const ITEM_GROUP = 0xfffe;

class NotHandled extends Error {}

/** `dataSet` in Implicit (`syntax` 1.2.840.10008.1.2) or Explicit VR Little Endian, or undefined when dcmjs must write it. */
export function writeDataSet(dataSet: DicomJson, syntax: string): Buffer | undefined {
  const writer = new Writer(syntax === IMPLICIT_VR_LITTLE_ENDIAN);
  try {
    writer.dataSet(dataSet);
  } catch (error) {
    if (error instanceof NotHandled) return undefined;
    throw error;
  }
  return writer.bytes();
}

/** Written into, then copied out: one allocation per data set. Safe to share, the writer never yields. */
let scratch = Buffer.allocUnsafe(64 * 1024);

class Writer {
  private buf = scratch;
  private at = 0;

  constructor(private readonly implicit: boolean) {}

  bytes(): Buffer {
    const bytes = Buffer.allocUnsafe(this.at);
    this.buf.copy(bytes, 0, 0, this.at);
    return bytes;
  }

  dataSet(dataSet: DicomJson): void {
    for (const tag of Object.keys(dataSet).sort()) this.element(tag, dataSet[tag]!);
  }

  private element(tag: string, element: DicomJsonElement): void {
    const { vr } = element;
    if (element.InlineBinary !== undefined || element.BulkDataURI !== undefined) throw new NotHandled();
    const values = element.Value ?? [];
    if (vr === 'SQ') return this.sequence(tag, values as DicomJson[]);
    let text: string | undefined;
    if (TEXT.has(vr)) text = values.length === 1 && vr !== 'PN' ? textOf(vr, values[0]) : textsOf(vr, values);
    else if (values.length > 0 && !(vr in NUMBERS)) throw new NotHandled();
    const lengthAt = this.header(tag, vr);
    const start = this.at;
    if (text !== undefined) {
      this.ensure(text.length * 3 + 1);
      this.at += this.buf.write(text, this.at, 'utf8');
      if ((this.at - start) % 2 === 1) this.buf[this.at++] = vr === 'UI' ? 0 : 0x20;
    } else {
      const { size, write } = NUMBERS[vr] ?? { size: 0, write: () => undefined };
      this.ensure(size * values.length);
      for (const value of values) {
        if (typeof value !== 'number') throw new NotHandled();
        write(this.buf, value, this.at);
        this.at += size;
      }
    }
    const length = this.at - start;
    if (this.implicit || LONG_LENGTH_VRS.has(vr)) this.buf.writeUInt32LE(length, lengthAt);
    else if (length < 0x10000) this.buf.writeUInt16LE(length, lengthAt);
    else throw new NotHandled(); // dcmjs writes it as UN with a 32-bit length
  }

  private sequence(tag: string, items: DicomJson[]): void {
    this.buf.writeUInt32LE(UNDEFINED_LENGTH, this.header(tag, 'SQ'));
    for (const item of items) {
      this.tag(ITEM_GROUP, 0xe000, UNDEFINED_LENGTH);
      this.dataSet(item);
      this.tag(ITEM_GROUP, 0xe00d, 0);
    }
    this.tag(ITEM_GROUP, 0xe0dd, 0);
  }

  /** Writes the tag, and the VR in Explicit VR; returns where the length goes (its room is reserved). */
  private header(tag: string, vr: string): number {
    this.ensure(12);
    const number = parseInt(tag, 16);
    this.buf.writeUInt16LE(number >>> 16, this.at);
    this.buf.writeUInt16LE(number & 0xffff, this.at + 2);
    this.at += 4;
    if (this.implicit) {
      this.at += 4;
      return this.at - 4;
    }
    this.buf.write(vr, this.at, 'latin1');
    if (LONG_LENGTH_VRS.has(vr)) {
      this.buf.writeUInt16LE(0, this.at + 2);
      this.at += 8;
      return this.at - 4;
    }
    this.at += 4;
    return this.at - 2;
  }

  private tag(group: number, element: number, length: number): void {
    this.ensure(8);
    this.buf.writeUInt16LE(group, this.at);
    this.buf.writeUInt16LE(element, this.at + 2);
    this.buf.writeUInt32LE(length, this.at + 4);
    this.at += 8;
  }

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = scratch = bigger;
  }
}

function textsOf(vr: string, values: readonly unknown[]): string {
  // dcmjs drops empty person names from a list (dicomJson.pnObjectToString).
  return (vr === 'PN' ? values.filter(Boolean) : values).map((value) => textOf(vr, value)).join('\\');
}

function textOf(vr: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return vr === 'DS' ? decimalString(value) : String(value);
  if (vr === 'PN' && typeof value === 'object') {
    const pn = value as PersonName;
    return [pn.Alphabetic ?? '', pn.Ideographic ?? '', pn.Phonetic ?? ''].join('=').replace(/=*$/, '');
  }
  throw new NotHandled();
}

/** A DS value within its 16 characters, as dcmjs (DecimalString.convertToString) shortens it. */
function decimalString(value: number): string {
  const text = String(value);
  if (text.length <= 16) return text;
  const signChars = value < 0 ? 1 : 0;
  const log = Math.log10(Math.abs(value));
  if (log < -4 || log >= 14 - signChars) {
    const exponential = value.toExponential(16 - signChars);
    return exponential.length <= 16 ? exponential : value.toExponential(16 - (exponential.length - 16) - signChars);
  }
  const fixed = value.toFixed(16 - signChars);
  return fixed.length <= 16 ? fixed : value.toFixed(16 - signChars - (fixed.length - 16));
}
