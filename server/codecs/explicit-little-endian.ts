import { inflateRawSync, inflateSync } from 'node:zlib';
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntax,
} from '../../shared/dicom/transfer-syntaxes';
import { tagNumber } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import { AppError } from '../../shared/errors';
import { LONG_LENGTH_VRS, UNDEFINED_LENGTH } from '../ingest/dicom-dictionary';
import { Reader, truncated, type Header, type Syntax } from './element-reader';
import {
  ITEM,
  ITEM_DELIMITER,
  SEQUENCE_DELIMITER,
  delimiter,
  encode,
  itemHeader,
  sequenceHeader,
  swap,
  tagOf,
  u32,
  uid,
} from './element-encoding';
import { zlibWrapped } from './zlib-wrapped';

export { encode };

/**
 * Re-encodes a stored Part 10 object in Explicit VR Little Endian (PS3.5 7.1.2, A.2) element by
 * element: values are copied byte for byte (swapped by VR from big endian, VRs looked up for
 * implicit VR), so every attribute but the ones replaced keeps its exact value. Sequences and
 * items are written with undefined length, group lengths (gggg,0000) of the data set, retired
 * and no longer right once lengths change, are dropped. Top-level `replace` elements take the
 * place of the stored ones or are inserted in tag order (Pixel Data, Photometric
 * Interpretation… after decoding). When the Pixel Data replacement is encapsulated (frames
 * encoded by server/codecs), the object is written in that transfer syntax instead: the
 * encapsulated syntaxes encode everything but Pixel Data as Explicit VR Little Endian (PS3.5
 * A.4), so the rest of the walk is the same. An optional `filter` sees every other element, File Meta
 * included, at every depth, and may keep, remove or replace it (de-identification).
 * Written here rather than with dcmjs's reader and writer: those decode every value (text through
 * the character set, numbers through JavaScript numbers) and format it again, so values would
 * not survive byte for byte, and they hold the whole data set as objects; this walk only needs
 * the element framing that `server/ingest` already knows.
 */

export interface ReplacedElement {
  vr: string;
  /**
   * The new value, or a function of the stored one (little endian; undefined when the data set
   * has none, or holds a sequence there), e.g. to append to a multi-valued attribute; a function
   * that returns undefined leaves the element out.
   */
  value: Uint8Array | ((stored: Uint8Array | undefined) => Uint8Array | undefined);
  /**
   * The value is the items of encapsulated Pixel Data (encapsulated-pixel-data.ts), written with
   * undefined length and a Sequence Delimitation Item (PS3.5 A.4), and the File Meta Transfer
   * Syntax UID becomes this transfer syntax.
   */
  encapsulatedIn?: string;
}

export interface ExplicitLittleEndianInput {
  file: Uint8Array;
  /** Transfer syntax of the stored object (from the index, which read the file meta). */
  transferSyntax: string;
  /** For a File Meta Information header when the stored object has none (PS3.10 7.1). */
  sopClassUid: string;
  sopInstanceUid: string;
  /**
   * Top-level elements to write instead of the stored ones, keyed by tag number; File Meta
   * elements (group 0002) among them replace or join the File Meta Information, a Transfer
   * Syntax UID among them names the syntax written (for a data set without Pixel Data).
   */
  replace: ReadonlyMap<number, ReplacedElement>;
  /** Decides, element by element, what is written; not asked about `replace` elements. */
  filter?: ElementFilter;
  /**
   * Top-level encapsulated Pixel Data that `replace` does not replace is copied item by item and
   * the File Meta keeps the stored transfer syntax (a data set re-written as stored). Without
   * this, encapsulated Pixel Data must be replaced.
   */
  keepEncapsulated?: boolean;
}

/**
 * What to write for one element: 'keep' copies it (a kept sequence's items are filtered in turn),
 * 'remove' leaves it out (a sequence with everything in it), bytes replace its value (for a
 * sequence: the encoded items). `path` holds the enclosing sequence tags and item indexes, top
 * level first ([] at the top level and for File Meta); `value` is little endian, and empty for
 * sequences and encapsulated values. `vr` is the element's VR (looked up for implicit VR).
 * `empty`: the stored value has zero length (a sequence: no items).
 */
export type ElementFilter = (
  path: readonly number[],
  tag: number,
  vr: string,
  value: Uint8Array,
  empty: boolean,
) => 'keep' | 'remove' | Uint8Array;

const FILE_META_GROUP_LENGTH = tagNumber(Tag.FileMetaInformationGroupLength);
const TRANSFER_SYNTAX_UID = tagNumber(Tag.TransferSyntaxUID);
const PIXEL_REPRESENTATION = tagNumber(Tag.PixelRepresentation);
const PIXEL_DATA = tagNumber(Tag.PixelData);
const TRAILING_PADDING = tagNumber(Tag.DataSetTrailingPadding);
const MAX_DEPTH = 64;
/** A UID of this archive's implementation (2.25 form, PS3.5 B.2), for File Meta headers it writes. */
export const IMPLEMENTATION_CLASS_UID = '2.25.197307452463411419331296306282924185927';

export function toExplicitVrLittleEndian(input: ExplicitLittleEndianInput): Buffer {
  const { file, filter } = input;
  const keepSyntax =
    input.keepEncapsulated === true && !input.replace.has(PIXEL_DATA) && transferSyntax(input.transferSyntax)?.encapsulated === true;
  const named = input.replace.get(TRANSFER_SYNTAX_UID);
  const outputSyntax =
    input.replace.get(PIXEL_DATA)?.encapsulatedIn ??
    (named ? Buffer.from(valueOf(named, undefined) ?? EMPTY).toString('latin1') : undefined) ??
    (keepSyntax ? input.transferSyntax : EXPLICIT_VR_LITTLE_ENDIAN);
  const metaReplace = new Map([...input.replace].filter(([tag]) => tag >>> 16 === 0x0002 && tag !== TRANSFER_SYNTAX_UID));
  const hasMeta = file.length >= 132 && file[128] === 0x44 && file[129] === 0x49 && file[130] === 0x43 && file[131] === 0x4d; // DICM
  const meta: Buffer[] = [];
  let pos = hasMeta ? 132 : 0;
  if (hasMeta) {
    const reader = new Reader(file, pos, { explicit: true, littleEndian: true });
    while (reader.pos + 8 <= file.length && reader.peekGroup() === 0x0002) {
      const el = reader.header();
      const value = reader.take(el.length);
      if (el.tag !== FILE_META_GROUP_LENGTH && el.tag !== TRANSFER_SYNTAX_UID && !metaReplace.has(el.tag))
        metaElement(meta, filter, el.tag, el.vr, value);
    }
    pos = reader.pos;
  } else {
    const built: Array<[number, string, Uint8Array]> = [
      [tagNumber(Tag.FileMetaInformationVersion), 'OB', Uint8Array.of(0, 1)],
      [tagNumber(Tag.MediaStorageSOPClassUID), 'UI', uid(input.sopClassUid)],
      [tagNumber(Tag.MediaStorageSOPInstanceUID), 'UI', uid(input.sopInstanceUid)],
      [tagNumber(Tag.ImplementationClassUID), 'UI', uid(IMPLEMENTATION_CLASS_UID)],
    ];
    for (const [tag, vr, value] of built) if (!metaReplace.has(tag)) metaElement(meta, filter, tag, vr, value);
  }
  for (const [tag, el] of metaReplace) {
    const value = valueOf(el, undefined);
    if (value) meta.push(encode(tag, el.vr, value));
  }
  meta.push(encode(TRANSFER_SYNTAX_UID, 'UI', uid(outputSyntax)));
  meta.sort((a, b) => tagOf(a) - tagOf(b));
  const metaLength = meta.reduce((n, b) => n + b.length, 0);

  const dataSet = dataSetBytes(file.subarray(pos), input.transferSyntax);
  const syntax: Syntax = {
    explicit: input.transferSyntax !== IMPLICIT_VR_LITTLE_ENDIAN,
    littleEndian: input.transferSyntax !== EXPLICIT_VR_BIG_ENDIAN,
  };
  const out: Buffer[] = [Buffer.alloc(128), Buffer.from('DICM', 'latin1'), encode(FILE_META_GROUP_LENGTH, 'UL', u32(metaLength)), ...meta];
  const reader = new Reader(dataSet, 0, syntax);
  const pending = [...input.replace.entries()].filter(([tag]) => tag >>> 16 !== 0x0002).sort((a, b) => a[0] - b[0]);
  const flushBefore = (tag: number) => {
    while (pending.length > 0 && pending[0]![0] < tag) {
      const [t, el] = pending.shift()!;
      const written = replacedElement(t, el, undefined);
      if (written) out.push(written);
    }
  };
  const context = { pixelRepresentation: undefined as number | undefined };
  while (reader.pos < dataSet.length) {
    const el = reader.header(context.pixelRepresentation);
    flushBefore(el.tag);
    const replacement = pending[0]?.[0] === el.tag ? pending.shift()![1] : undefined;
    if (replacement) {
      const plain = el.vr !== 'SQ' && el.length !== UNDEFINED_LENGTH;
      const stored = plain && typeof replacement.value === 'function' ? storedValue(reader, el) : undefined;
      if (stored === undefined) skipElement(reader, el, 0);
      const written = replacedElement(el.tag, replacement, stored);
      if (written) out.push(written);
      continue;
    }
    if (el.tag === PIXEL_REPRESENTATION && el.length === 2) context.pixelRepresentation = reader.peekUint16();
    if (keepSyntax && el.tag === PIXEL_DATA && el.length === UNDEFINED_LENGTH && el.vr !== 'SQ') {
      if (filter?.([], el.tag, el.vr, EMPTY, false) === 'remove') skipValue(reader, el);
      else copyEncapsulated(reader, el, out);
      continue;
    }
    copyElement(reader, el, out, 0, filter, []);
  }
  flushBefore(Number.POSITIVE_INFINITY);
  return Buffer.concat(out);
}

function valueOf(el: ReplacedElement, stored: Uint8Array | undefined): Uint8Array | undefined {
  return typeof el.value === 'function' ? el.value(stored) : el.value;
}

/**
 * A replacement as written: an element, or encapsulated Pixel Data items between an
 * undefined-length header and a delimiter; undefined when it is left out.
 */
function replacedElement(tag: number, el: ReplacedElement, stored: Uint8Array | undefined): Buffer | undefined {
  const value = valueOf(el, stored);
  if (value === undefined) return undefined;
  if (el.encapsulatedIn === undefined) return encode(tag, el.vr, value);
  const header = Buffer.alloc(12);
  header.writeUInt16LE(tag >>> 16, 0);
  header.writeUInt16LE(tag & 0xffff, 2);
  header.write(el.vr, 4, 'latin1');
  header.writeUInt32LE(UNDEFINED_LENGTH, 8);
  return Buffer.concat([header, value, delimiter(SEQUENCE_DELIMITER)]);
}

/** The stored value of a plain element, little endian (the reader moves past it). */
function storedValue(reader: Reader, el: Header): Uint8Array {
  const value = reader.take(el.length);
  return reader.syntax.littleEndian ? value : swap(value, el.vr);
}

/** The data set after the file meta: inflated for Deflated Explicit VR Little Endian (PS3.5 A.5). */
function dataSetBytes(rest: Uint8Array, transferSyntax: string): Uint8Array {
  if (transferSyntax !== DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) return rest;
  // Inflated whole, as everything here is made in memory: 1 MB stored may be 1 GB inflated (a deflate bomb).
  const options = { maxOutputLength: MAX_INFLATED_BYTES };
  try {
    return zlibWrapped(rest) ? inflateSync(rest, options) : inflateRawSync(rest, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new AppError(
        'NOT_ACCEPTABLE',
        `The stored deflated data set inflates to over ${MAX_INFLATED_BYTES / 2 ** 20} MiB: too large to re-encode in memory.`,
        {
          cause: error,
        },
      );
    throw new AppError('NOT_ACCEPTABLE', 'The stored deflated data set cannot be inflated, so it cannot be re-encoded.', { cause: error });
  }
}

const MAX_INFLATED_BYTES = 512 * 2 ** 20;

/** Writes one element (and what it contains) from `reader` as explicit VR little endian. */
function copyElement(
  reader: Reader,
  el: Header,
  out: Buffer[],
  depth: number,
  filter: ElementFilter | undefined,
  path: readonly number[],
): void {
  if (depth > MAX_DEPTH) throw new AppError('NOT_ACCEPTABLE', 'The stored data set nests sequences too deeply to be re-encoded.');
  const isSequence = el.vr === 'SQ' || (el.length === UNDEFINED_LENGTH && el.vr === 'UN');
  if (isSequence) {
    // An undefined-length UN holds an implicit VR little endian sequence (PS3.5 6.2.2).
    const inner = el.vr === 'UN' ? new Reader(reader.bytes, reader.pos, { explicit: false, littleEndian: true }) : reader;
    const noItems =
      el.length === 0 || (el.length === UNDEFINED_LENGTH && inner.pos + 4 <= inner.bytes.length && inner.peekTag() === SEQUENCE_DELIMITER);
    const verdict = filter ? filter(path, el.tag, 'SQ', EMPTY, noItems) : 'keep';
    if (verdict === 'keep') {
      out.push(sequenceHeader(el.tag));
      copyItems(inner, el.length, out, depth, filter, [...path, el.tag]);
      out.push(delimiter(SEQUENCE_DELIMITER));
    } else {
      skipItems(inner, el.length, depth);
      if (verdict !== 'remove') out.push(encode(el.tag, 'SQ', verdict));
    }
    reader.pos = inner.pos;
    return;
  }
  if (el.vr === '')
    throw new AppError('NOT_ACCEPTABLE', 'The stored data set has an item or delimiter outside a sequence, so it cannot be re-encoded.');
  if (el.length === UNDEFINED_LENGTH) {
    // A removed one (an Icon Image Sequence's compressed icon) needs no decoding.
    if (filter?.(path, el.tag, el.vr, EMPTY, false) === 'remove') return skipValue(reader, el);
    throw new AppError(
      'NOT_ACCEPTABLE',
      'The stored data set holds encapsulated pixel data below the top level, which cannot be re-encoded as native.',
    );
  }
  const value = reader.take(el.length);
  if ((el.tag & 0xffff) === 0 || el.tag === TRAILING_PADDING) return; // group lengths and trailing padding
  const swapped = reader.syntax.littleEndian ? value : swap(value, el.vr);
  // An implicit VR value too long for its dictionary VR's 16-bit length is written as UN.
  const vr = !LONG_LENGTH_VRS.has(el.vr) && el.length > 0xffff ? 'UN' : el.vr;
  const verdict = filter ? filter(path, el.tag, el.vr, swapped, el.length === 0) : 'keep';
  if (verdict === 'remove') return;
  out.push(encode(el.tag, vr, verdict === 'keep' ? swapped : verdict));
}

/** The items of a sequence: up to its length, or to its Sequence Delimitation Item. */
function copyItems(
  reader: Reader,
  length: number,
  out: Buffer[],
  depth: number,
  filter: ElementFilter | undefined,
  path: readonly number[],
): void {
  const end = length === UNDEFINED_LENGTH ? Number.POSITIVE_INFINITY : reader.pos + length;
  for (let index = 0; reader.pos < end; index++) {
    if (end === Number.POSITIVE_INFINITY && reader.pos >= reader.bytes.length) throw truncated();
    const item = reader.header();
    if (item.tag === SEQUENCE_DELIMITER) return;
    if (item.tag !== ITEM) throw notAnItem();
    out.push(itemHeader());
    const itemEnd = item.length === UNDEFINED_LENGTH ? Number.POSITIVE_INFINITY : reader.pos + item.length;
    const itemPath = [...path, index];
    let pixelRepresentation: number | undefined;
    while (reader.pos < itemEnd) {
      if (itemEnd === Number.POSITIVE_INFINITY && reader.pos >= reader.bytes.length) throw truncated();
      const el = reader.header(pixelRepresentation);
      if (el.tag === ITEM_DELIMITER) break;
      if (el.tag === PIXEL_REPRESENTATION && el.length === 2) pixelRepresentation = reader.peekUint16();
      copyElement(reader, el, out, depth + 1, filter, itemPath);
    }
    out.push(delimiter(ITEM_DELIMITER));
  }
}

/** Moves past the items of a sequence without writing them (what a filter removed or replaced). */
function skipItems(reader: Reader, length: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new AppError('NOT_ACCEPTABLE', 'The stored data set nests sequences too deeply to be re-encoded.');
  if (length !== UNDEFINED_LENGTH) {
    reader.take(length);
    return;
  }
  for (;;) {
    if (reader.pos >= reader.bytes.length) throw truncated();
    const item = reader.header();
    if (item.tag === SEQUENCE_DELIMITER) return;
    if (item.tag !== ITEM) throw notAnItem();
    if (item.length !== UNDEFINED_LENGTH) {
      reader.take(item.length);
      continue;
    }
    for (;;) {
      if (reader.pos >= reader.bytes.length) throw truncated();
      const el = reader.header();
      if (el.tag === ITEM_DELIMITER) break;
      skipElement(reader, el, depth + 1);
    }
  }
}

/** Moves past one element: a sequence with its items, or a value. */
function skipElement(reader: Reader, el: Header, depth: number): void {
  if (el.vr !== 'SQ' && !(el.length === UNDEFINED_LENGTH && el.vr === 'UN')) return skipValue(reader, el);
  const inner = el.vr === 'UN' ? new Reader(reader.bytes, reader.pos, { explicit: false, littleEndian: true }) : reader;
  skipItems(inner, el.length, depth);
  reader.pos = inner.pos;
}

/** Encapsulated Pixel Data as stored (PS3.5 A.4): its items copied, then a Sequence Delimitation Item. */
function copyEncapsulated(reader: Reader, el: Header, out: Buffer[]): void {
  const header = Buffer.alloc(12);
  header.writeUInt16LE(el.tag >>> 16, 0);
  header.writeUInt16LE(el.tag & 0xffff, 2);
  header.write(el.vr, 4, 'latin1');
  header.writeUInt32LE(UNDEFINED_LENGTH, 8);
  out.push(header);
  for (;;) {
    const item = reader.header();
    if (item.tag === SEQUENCE_DELIMITER) break;
    if (item.tag !== ITEM || item.length === UNDEFINED_LENGTH)
      throw new AppError('NOT_ACCEPTABLE', 'The stored encapsulated pixel data holds something other than fragment items.');
    out.push(itemHeader(item.length), Buffer.from(reader.take(item.length)));
  }
  out.push(delimiter(SEQUENCE_DELIMITER));
}

/** A File Meta element, as the filter decides. */
function metaElement(meta: Buffer[], filter: ElementFilter | undefined, tag: number, vr: string, value: Uint8Array): void {
  const verdict = filter ? filter([], tag, vr, value, value.length === 0) : 'keep';
  if (verdict !== 'remove') meta.push(encode(tag, vr, verdict === 'keep' ? value : verdict));
}

/** Moves past a value, encapsulated (items up to the Sequence Delimitation Item) or not. */
function skipValue(reader: Reader, el: Header): void {
  if (el.length !== UNDEFINED_LENGTH) {
    reader.take(el.length);
    return;
  }
  for (;;) {
    const item = reader.header();
    if (item.tag === SEQUENCE_DELIMITER) return;
    reader.take(item.length);
  }
}

const EMPTY = new Uint8Array(0);

function notAnItem(): AppError {
  return new AppError('NOT_ACCEPTABLE', 'A sequence of the stored data set holds something other than items, so it cannot be re-encoded.');
}
