import { getString, type DicomJson, type DicomJsonElement } from '../../shared/dicom/dicom-json';
import { tagNumber } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import {
  BINARY_VRS,
  KNOWN_VRS,
  LONG_LENGTH_VRS,
  UNDEFINED_LENGTH,
  implicitVr,
  isVrLike,
  tagAt,
  tagHex,
  tagLabel,
  uint16,
  uint32,
} from './dicom-dictionary';
import { charsetFromValues, decodeValue, DEFAULT_CHARSET, inlineBinary, type ValueContext } from './dicom-value-decoder';
import type { BulkElement, ParsedPart10, Part10ParseOptions, PixelDataLocation } from './part10-types';

/**
 * The recursive-descent half of the Part 10 parser (PS3.10 7, PS3.5 7). It is a generator
 * coroutine: instead of reading bytes it yields what it needs next (read n bytes, peek, skip n
 * bytes) and `Part10StreamParser` resumes it when `write()` has supplied them. Skipped bulk
 * values are never buffered; only element headers and header-sized values are.
 */

/** Readable, carries no patient data: only tags, VRs, offsets and lengths. */
export class Part10Error extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'Part10Error';
    this.reason = reason;
  }
}

/** A tag being read (for "truncated inside (7FE0,0010)") or a description of the part of the file. */
export type Where = number | string;

export type Need =
  | { kind: 'read'; length: number; eofOk: boolean; where: Where }
  | { kind: 'peek'; length: number; where: Where }
  | { kind: 'skip'; length: number; where: Where }
  /** The rest of the input is a deflate stream: resumed with `pos` 0, then fed the inflated data set as it is inflated. */
  | { kind: 'inflate' };

/** Resumed with the bytes asked for; undefined for a read at a clean end of input, a skip or an inflate. */
export type Steps<T> = Generator<Need, T, Uint8Array | undefined>;

interface Syntax {
  explicit: boolean;
  littleEndian: boolean;
}

const IMPLICIT_LE: Syntax = { explicit: false, littleEndian: true };
const EXPLICIT_LE: Syntax = { explicit: true, littleEndian: true };
const EXPLICIT_BE: Syntax = { explicit: true, littleEndian: false };

const IMPLICIT_VR_LE_UID = '1.2.840.10008.1.2';
const EXPLICIT_VR_BE_UID = '1.2.840.10008.1.2.2';
const DEFLATED_UID = '1.2.840.10008.1.2.1.99';
const KNOWN_EXPLICIT_LE = /^1\.2\.840\.10008\.1\.2\.(1|1\.98|5|8\.1|4\.\d+)$/;

// Tags compared in the element loop, as numbers once.
const ITEM = tagNumber(Tag.Item);
const ITEM_DELIMITER = tagNumber(Tag.ItemDelimitationItem);
const SEQUENCE_DELIMITER = tagNumber(Tag.SequenceDelimitationItem);
const FILE_META_GROUP_LENGTH = tagNumber(Tag.FileMetaInformationGroupLength);
const SPECIFIC_CHARACTER_SET = tagNumber(Tag.SpecificCharacterSet);
const PIXEL_REPRESENTATION = tagNumber(Tag.PixelRepresentation);
const PIXEL_DATA_TAGS: ReadonlySet<number> = new Set([Tag.FloatPixelData, Tag.DoubleFloatPixelData, Tag.PixelData].map(tagNumber));
const MAX_DEPTH = 128;
/** Elements, items and fragments per instance: bounds the memory a hostile stream of tiny elements can take. */
const MAX_NODES = 2_000_000;
const MAX_WARNINGS = 200;
const EMPTY = new Uint8Array(0);

/** One data set being read: the top level, the file meta group, or a sequence item. */
interface Scope {
  out: DicomJson;
  /** Bulk path prefix: '' at top level, "00540016/0/" inside the first item of (0054,0016). */
  prefix: string;
  syntax: Syntax;
  ctx: ValueContext;
  /** Where this data set ends if its length is defined. */
  end: number | undefined;
  /** The nearest defined end of this or an enclosing item or sequence: nothing may run past it. */
  limit: number | undefined;
  /** An undefined-length item, closed by an Item Delimitation Item. */
  delimited: boolean;
  depth: number;
  /** Tag of the sequence this item belongs to, for messages; undefined at top level. */
  owner: number | undefined;
  meta: boolean;
}

type DatasetEnd = 'length' | 'item-delimiter' | 'sequence-delimiter' | 'eof';

export class Part10Reader {
  /** Position in the input: a file offset, or after `inflate` an offset in the inflated data set. Advanced by the driver. */
  pos = 0;
  private readonly inlineBinaryMaxBytes: number;
  private readonly maxHeaderValueBytes: number;
  private readonly bulk: BulkElement[] = [];
  private readonly warnings = new Set<string>();
  readonly warn = (message: string): void => {
    if (this.warnings.size < MAX_WARNINGS) this.warnings.add(message);
    else this.warnings.add('further warnings were left out');
  };
  private pixelData: PixelDataLocation | undefined;
  private pixelRepresentation: number | undefined;
  private nodes = 0;

  constructor(options: Part10ParseOptions = {}) {
    this.inlineBinaryMaxBytes = options.inlineBinaryMaxBytes ?? 1024;
    this.maxHeaderValueBytes = options.maxHeaderValueBytes ?? 64 * 1024 * 1024;
  }

  *parseFile(): Steps<Omit<ParsedPart10, 'byteLength'>> {
    const prefix = yield* this.read(132, 'preamble');
    if (prefix[128] !== 0x44 || prefix[129] !== 0x49 || prefix[130] !== 0x43 || prefix[131] !== 0x4d) {
      throw new Part10Error('not a DICOM Part 10 file: no DICM prefix at byte 128');
    }
    const meta = yield* this.readMeta();
    const transferSyntaxUid = getString(meta, Tag.TransferSyntaxUID)?.trim();
    if (!transferSyntaxUid) throw new Part10Error('file meta information has no Transfer Syntax UID (0002,0010)');
    const deflated = transferSyntaxUid === DEFLATED_UID;
    if (deflated) yield { kind: 'inflate' };
    const syntax =
      transferSyntaxUid === IMPLICIT_VR_LE_UID ? IMPLICIT_LE : transferSyntaxUid === EXPLICIT_VR_BE_UID ? EXPLICIT_BE : EXPLICIT_LE;
    if (!deflated && syntax === EXPLICIT_LE && !KNOWN_EXPLICIT_LE.test(transferSyntaxUid)) {
      this.warn('unknown Transfer Syntax UID; the data set is read as explicit VR little endian');
    }
    const dataset: DicomJson = {};
    yield* this.readDataset(this.scope(dataset, syntax, false));
    return {
      meta,
      transferSyntaxUid,
      dataset,
      bulk: this.bulk,
      ...(this.pixelData ? { pixelData: this.pixelData } : {}),
      ...(deflated ? { deflated: true } : {}),
      warnings: [...this.warnings],
    };
  }

  private scope(out: DicomJson, syntax: Syntax, meta: boolean): Scope {
    const ctx = { charset: DEFAULT_CHARSET, littleEndian: syntax.littleEndian, warn: this.warn };
    return { out, prefix: '', syntax, ctx, end: undefined, limit: undefined, delimited: false, depth: 0, owner: undefined, meta };
  }

  /** The (0002,xxxx) group, explicit VR LE, read while the group is 0002 (PS3.10 7.1). */
  private *readMeta(): Steps<DicomJson> {
    const meta: DicomJson = {};
    const scope = this.scope(meta, EXPLICIT_LE, true);
    let groupEnd: number | undefined;
    for (;;) {
      const next = yield { kind: 'peek', length: 2, where: 'file meta information' };
      if (!next || next[0] !== 0x02 || next[1] !== 0x00) break;
      // A deflated data set could start with the bytes 02 00: trust the group length there.
      if (groupEnd !== undefined && this.pos === groupEnd && getString(meta, Tag.TransferSyntaxUID)?.trim() === DEFLATED_UID) break;
      const head = yield* this.read(8, 'file meta information');
      const tag = tagAt(head, true);
      if (tag === FILE_META_GROUP_LENGTH && head[4] === 0x55 && head[5] === 0x4c && uint16(head, 6, true) === 4) {
        groupEnd = uint32(yield* this.read(4, tag), 0, true) + this.pos;
        continue;
      }
      yield* this.readElement(scope, tag, head);
    }
    if (groupEnd !== undefined && groupEnd !== this.pos)
      this.warn('File Meta Information Group Length (0002,0000) does not match the meta group');
    return meta;
  }

  private *readDataset(scope: Scope): Steps<DatasetEnd> {
    const le = scope.syntax.littleEndian;
    const eofOk = scope.depth === 0;
    for (;;) {
      if (scope.end !== undefined && this.pos >= scope.end) {
        if (this.pos > scope.end) throw this.overrun(scope.owner ?? 0, scope);
        return 'length';
      }
      const head = yield { kind: 'read', length: 8, eofOk, where: scope.owner ?? 'an element header' };
      if (!head) return 'eof';
      const tag = tagAt(head, le);
      if (tag >>> 16 !== 0xfffe) {
        yield* this.readElement(scope, tag, head);
        continue;
      }
      if (tag === ITEM_DELIMITER && scope.delimited) return 'item-delimiter';
      if (tag === SEQUENCE_DELIMITER && scope.delimited) {
        this.warn(`an item of ${tagLabel(scope.owner ?? 0)} has no Item Delimitation Item`);
        return 'sequence-delimiter';
      }
      if (tag === ITEM) throw new Part10Error(`unexpected item tag ${tagLabel(tag)} among data elements at byte ${this.pos - 8}`);
      this.warn(`stray delimiter ${tagLabel(tag)} ignored`);
    }
  }

  private *readElement(scope: Scope, tag: number, head: Uint8Array): Steps<void> {
    this.count();
    const { littleEndian: le, explicit } = scope.syntax;
    let vr: string;
    let length: number;
    if (!explicit) {
      length = uint32(head, 4, le);
      vr = implicitVr(tag, length, this.pixelRepresentation);
    } else {
      vr = String.fromCharCode(head[4]!, head[5]!);
      if (KNOWN_VRS.has(vr)) {
        length = LONG_LENGTH_VRS.has(vr) ? uint32(yield* this.read(4, tag), 0, le) : uint16(head, 6, le);
      } else if (isVrLike(head[4]!) && isVrLike(head[5]!)) {
        length = uint16(head, 6, le);
        vr = implicitVr(tag, length, this.pixelRepresentation);
        this.warn(`${tagLabel(tag)} has an invalid VR; read as ${vr}`);
      } else {
        length = uint32(head, 4, le);
        vr = implicitVr(tag, length, this.pixelRepresentation);
        this.warn(`${tagLabel(tag)} is implicit VR inside an explicit VR data set; read as ${vr}`);
      }
    }
    if (scope.limit !== undefined && (this.pos > scope.limit || (length !== UNDEFINED_LENGTH && this.pos + length > scope.limit))) {
      throw this.overrun(tag, scope);
    }
    if (length !== UNDEFINED_LENGTH && length & 1) this.warn(`${tagLabel(tag)} has an odd value length`);
    const key = tagHex(tag);
    const path = scope.prefix + key;
    const keep = this.keep(scope, tag);
    let element: DicomJsonElement;
    if (vr === 'SQ' || (length === UNDEFINED_LENGTH && vr === 'UN')) {
      // PS3.5 6.2.2: an undefined-length UN holds a sequence encoded in implicit VR LE.
      const items = yield* this.readSequence(scope, tag, path, length, vr === 'UN' ? IMPLICIT_LE : scope.syntax);
      element = items.length > 0 ? { vr: 'SQ', Value: items } : { vr: 'SQ' };
    } else if (length === UNDEFINED_LENGTH) {
      if (!BINARY_VRS.has(vr)) throw new Part10Error(`${tagLabel(tag)} has an undefined length but VR ${vr}`);
      element = yield* this.readEncapsulated(scope, tag, path, vr);
    } else if (!keep) {
      yield* this.skip(length, tag);
      return;
    } else if (BINARY_VRS.has(vr)) {
      element = yield* this.readBinary(scope, tag, path, vr, length);
    } else {
      if (length > this.maxHeaderValueBytes) {
        throw new Part10Error(
          `the value of ${tagLabel(tag)} (${vr}) is ${length} bytes, more than the ${this.maxHeaderValueBytes}-byte limit`,
        );
      }
      const bytes = length > 0 ? yield* this.read(length, tag) : EMPTY;
      const value = decodeValue(tag, vr, bytes, scope.ctx);
      element = value ? { vr, Value: value } : { vr };
      if (tag === SPECIFIC_CHARACTER_SET) scope.ctx.charset = charsetFromValues(value, this.warn);
      if (tag === PIXEL_REPRESENTATION && scope.depth === 0) {
        const first = value?.[0];
        this.pixelRepresentation = typeof first === 'number' ? first : undefined;
      }
    }
    if (!keep) return;
    if (key in scope.out) this.warn(`${tagLabel(tag)} occurs twice in a data set; the last one is kept`);
    scope.out[key] = element;
  }

  /**
   * Group lengths, and meta or command elements inside the data set, are left out of the JSON.
   * Data Set Trailing Padding (FFFC,FFFC) is kept: an OB attribute of the data set (PS3.6), so in
   * the metadata like any other binary value (PS3.18 F.2: InlineBinary or BulkDataURI).
   */
  private keep(scope: Scope, tag: number): boolean {
    const group = tag >>> 16;
    if ((tag & 0xffff) === 0) return false;
    if (scope.meta) return true;
    if (group === 0x0002 || group === 0x0000) {
      this.warn(`${tagLabel(tag)} belongs to group ${group === 2 ? '0002' : '0000'} and is left out of the data set`);
      return false;
    }
    return true;
  }

  private *readBinary(scope: Scope, tag: number, path: string, vr: string, length: number): Steps<DicomJsonElement> {
    const pixelData = scope.depth === 0 && PIXEL_DATA_TAGS.has(tag);
    if (pixelData) this.pixelData = { tag: tagHex(tag), vr, offset: this.pos, length, encapsulated: false };
    if (length === 0) return { vr };
    // Pixel data always goes to bulk data, so frames are served by range reads from one place.
    if (length <= this.inlineBinaryMaxBytes && !pixelData) {
      return { vr, InlineBinary: inlineBinary(vr, yield* this.read(length, tag), scope.syntax.littleEndian) };
    }
    const element: DicomJsonElement = { vr, BulkDataURI: path };
    this.bulk.push({ path, vr, offset: this.pos, length, element });
    yield* this.skip(length, tag);
    return element;
  }

  private *readSequence(scope: Scope, tag: number, path: string, length: number, syntax: Syntax): Steps<DicomJson[]> {
    if (scope.depth >= MAX_DEPTH) throw new Part10Error(`sequence ${tagLabel(tag)} is nested more than ${MAX_DEPTH} levels deep`);
    const end = length === UNDEFINED_LENGTH ? undefined : this.pos + length;
    const limit = end ?? scope.limit;
    const items: DicomJson[] = [];
    for (;;) {
      if (end !== undefined && this.pos >= end) break;
      const head = yield* this.read(8, tag);
      const itemTag = tagAt(head, syntax.littleEndian);
      const itemLength = uint32(head, 4, syntax.littleEndian);
      if (limit !== undefined && this.pos > limit) throw this.overrun(tag, scope);
      if (itemTag === SEQUENCE_DELIMITER) {
        if (end === undefined) break;
        this.warn(`sequence ${tagLabel(tag)} of defined length contains a Sequence Delimitation Item`);
        continue;
      }
      if (itemTag !== ITEM) throw new Part10Error(`sequence ${tagLabel(tag)} contains ${tagLabel(itemTag)} where an item was expected`);
      const itemEnd = itemLength === UNDEFINED_LENGTH ? undefined : this.pos + itemLength;
      if (itemEnd !== undefined && limit !== undefined && itemEnd > limit)
        throw new Part10Error(`an item of ${tagLabel(tag)} runs past the end of its sequence or item`);
      this.count();
      const item: DicomJson = {};
      items.push(item);
      const child: Scope = {
        out: item,
        prefix: `${path}/${items.length - 1}/`,
        syntax,
        ctx: { charset: scope.ctx.charset, littleEndian: syntax.littleEndian, warn: this.warn },
        end: itemEnd,
        limit: itemEnd ?? limit,
        delimited: itemEnd === undefined,
        depth: scope.depth + 1,
        owner: tag,
        meta: scope.meta,
      };
      const how = yield* this.readDataset(child);
      if (how === 'sequence-delimiter' && end === undefined) break;
      if (how !== 'length' && how !== 'item-delimiter') throw new Part10Error(`an item of ${tagLabel(tag)} is not closed`);
    }
    return items;
  }

  /** Encapsulated pixel data (PS3.5 A.4): a Basic Offset Table item, then fragments that are counted, never buffered. */
  private *readEncapsulated(scope: Scope, tag: number, path: string, vr: string): Steps<DicomJsonElement> {
    const start = this.pos;
    const fragments: Array<{ offset: number; length: number }> = [];
    let basicOffsetTable: number[] | undefined;
    for (;;) {
      const head = yield* this.read(8, tag);
      const itemTag = tagAt(head, true);
      const itemLength = uint32(head, 4, true);
      if (itemTag === SEQUENCE_DELIMITER) break;
      this.count();
      if (itemTag !== ITEM) throw new Part10Error(`encapsulated ${tagLabel(tag)} contains ${tagLabel(itemTag)} where an item was expected`);
      if (itemLength === UNDEFINED_LENGTH) throw new Part10Error(`an item of encapsulated ${tagLabel(tag)} has an undefined length`);
      if (scope.limit !== undefined && this.pos + itemLength > scope.limit) throw this.overrun(tag, scope);
      if (basicOffsetTable === undefined) {
        if (itemLength > this.maxHeaderValueBytes)
          throw new Part10Error(`the Basic Offset Table of ${tagLabel(tag)} is larger than ${this.maxHeaderValueBytes} bytes`);
        if (itemLength % 4 !== 0) this.warn(`the Basic Offset Table of ${tagLabel(tag)} has a length that is not a multiple of 4`);
        const table = itemLength > 0 ? yield* this.read(itemLength, tag) : EMPTY;
        basicOffsetTable = [];
        for (let at = 0; at + 4 <= table.length; at += 4) basicOffsetTable.push(uint32(table, at, true));
      } else {
        fragments.push({ offset: this.pos, length: itemLength });
        yield* this.skip(itemLength, tag);
      }
    }
    const length = this.pos - 8 - start;
    const element: DicomJsonElement = { vr, BulkDataURI: path };
    this.bulk.push({ path, vr, offset: start, length, element });
    if (scope.depth === 0 && PIXEL_DATA_TAGS.has(tag)) {
      this.pixelData = {
        tag: tagHex(tag),
        vr,
        offset: start,
        length,
        encapsulated: true,
        basicOffsetTable: basicOffsetTable ?? [],
        fragments,
      };
    }
    return element;
  }

  private *read(length: number, where: Where): Steps<Uint8Array> {
    const bytes = yield { kind: 'read', length, eofOk: false, where };
    return bytes ?? EMPTY;
  }

  private *skip(length: number, where: Where): Steps<void> {
    if (length > 0) yield { kind: 'skip', length, where };
  }

  private count(): void {
    if (++this.nodes > MAX_NODES) throw new Part10Error(`more than ${MAX_NODES} data elements, items and fragments`);
  }

  private overrun(tag: number, scope: Scope): Part10Error {
    const container = scope.owner === undefined ? 'the file' : `an item of ${tagLabel(scope.owner)}`;
    return new Part10Error(`${tagLabel(tag)} runs past the end of ${container} (byte ${this.pos})`);
  }
}
