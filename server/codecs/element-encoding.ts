import { tagNumber } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import { LONG_LENGTH_VRS, UNDEFINED_LENGTH, vrWordBytes } from '../ingest/dicom-dictionary';
import { TEXT_VRS } from '../ingest/dicom-value-decoder';

/**
 * Writing DICOM elements in Explicit VR Little Endian (PS3.5 7.1.2): element, sequence, item and
 * delimiter headers, byte swapping of big endian words by VR, and small value encoders. Used by
 * the re-encoder in explicit-little-endian.ts.
 */

/** The item and delimiter tags (PS3.5 7.5), as numbers. */
export const ITEM = tagNumber(Tag.Item);
export const ITEM_DELIMITER = tagNumber(Tag.ItemDelimitationItem);
export const SEQUENCE_DELIMITER = tagNumber(Tag.SequenceDelimitationItem);

export function swap(value: Uint8Array, vr: string): Uint8Array {
  const width = vrWordBytes(vr);
  if (width === 1) return value;
  const copy = Buffer.from(value);
  const whole = copy.length - (copy.length % width);
  const words = copy.subarray(0, whole);
  if (width === 2) words.swap16();
  else if (width === 4) words.swap32();
  else words.swap64();
  return copy;
}

/**
 * An explicit VR little endian element, its value padded to even length (PS3.5 7.1.1): character
 * strings with a space, UI and binary values with a zero byte (PS3.5 6.2).
 */
export function encode(tag: number, vr: string, value: Uint8Array): Buffer {
  const padding = TEXT_VRS.has(vr) && vr !== 'UI' ? 0x20 : 0;
  const padded = value.length % 2 === 0 ? value : Buffer.concat([value, Uint8Array.of(padding)]);
  const long = LONG_LENGTH_VRS.has(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(tag >>> 16, 0);
  header.writeUInt16LE(tag & 0xffff, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(padded.length, 8);
  else header.writeUInt16LE(padded.length, 6);
  return Buffer.concat([header, padded]);
}

export function sequenceHeader(tag: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16LE(tag >>> 16, 0);
  header.writeUInt16LE(tag & 0xffff, 2);
  header.write('SQ', 4, 'latin1');
  header.writeUInt32LE(UNDEFINED_LENGTH, 8);
  return header;
}

/** An item's header, of undefined length unless `length` is given. */
export function itemHeader(length = UNDEFINED_LENGTH): Buffer {
  const header = delimiter(ITEM);
  header.writeUInt32LE(length, 4);
  return header;
}

export function delimiter(tag: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(tag >>> 16, 0);
  header.writeUInt16LE(tag & 0xffff, 2);
  return header;
}

export function tagOf(element: Buffer): number {
  return ((element.readUInt16LE(0) << 16) | element.readUInt16LE(2)) >>> 0;
}

export function uid(value: string): Uint8Array {
  return Buffer.from(value, 'latin1');
}

export function u32(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}
