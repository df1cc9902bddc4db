import { constants, deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tagNumber } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import { Part10Error, Part10StreamParser, type ParsedPart10, type Part10ParseOptions } from './part10-parser';

/** Hand-built Part 10 files for what the corpus does not cover (or not in every combination). */

type Syntax = 'explicit' | 'implicit' | 'big';
const UNDEFINED = 0xffffffff;
const ITEM = tagNumber(Tag.Item);
const ITEM_DELIMITER = tagNumber(Tag.ItemDelimitationItem);
const SEQUENCE_DELIMITER = tagNumber(Tag.SequenceDelimitationItem);
const LONG = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

function bytesOf(value: Buffer | string, vr: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  return bytes.length % 2 ? Buffer.concat([bytes, Buffer.from(vr === 'UI' ? '\0' : ' ')]) : bytes;
}

function el(tag: number, vr: string, value: Buffer | string, syntax: Syntax = 'explicit', length?: number): Buffer {
  const body = bytesOf(value, vr);
  const be = syntax === 'big';
  const long = syntax === 'implicit' || LONG.has(vr);
  const head = Buffer.alloc(syntax === 'implicit' ? 8 : long ? 12 : 8);
  head[be ? 'writeUInt16BE' : 'writeUInt16LE'](tag >>> 16, 0);
  head[be ? 'writeUInt16BE' : 'writeUInt16LE'](tag & 0xffff, 2);
  if (syntax !== 'implicit') head.write(vr, 4, 'latin1');
  if (long) head[be ? 'writeUInt32BE' : 'writeUInt32LE'](length ?? body.length, head.length - 4);
  else head[be ? 'writeUInt16BE' : 'writeUInt16LE'](length ?? body.length, 6);
  return Buffer.concat([head, body]);
}

function delimiter(tag: number, length = 0, be = false): Buffer {
  const bytes = Buffer.alloc(8);
  bytes[be ? 'writeUInt16BE' : 'writeUInt16LE'](0xfffe, 0);
  bytes[be ? 'writeUInt16BE' : 'writeUInt16LE'](tag & 0xffff, 2);
  bytes[be ? 'writeUInt32BE' : 'writeUInt32LE'](length, 4);
  return bytes;
}

function item(content: Buffer[], undefinedLength = false, be = false): Buffer {
  const body = Buffer.concat(content);
  if (!undefinedLength) return Buffer.concat([delimiter(ITEM, body.length, be), body]);
  return Buffer.concat([delimiter(ITEM, UNDEFINED, be), body, delimiter(ITEM_DELIMITER, 0, be)]);
}

function sq(tag: number, items: Buffer[], syntax: Syntax = 'explicit', undefinedLength = false, vr = 'SQ'): Buffer {
  const body = Buffer.concat(items);
  if (!undefinedLength) return el(tag, vr, body, syntax);
  return Buffer.concat([el(tag, vr, Buffer.alloc(0), syntax, UNDEFINED), body, delimiter(SEQUENCE_DELIMITER, 0, syntax === 'big')]);
}

const US = (...values: number[]): Buffer => Buffer.from(new Uint16Array(values).buffer);

function part10(dataset: Buffer[], transferSyntax = '1.2.840.10008.1.2.1', groupLength = true): Buffer {
  const meta = Buffer.concat([
    el(tagNumber(Tag.MediaStorageSOPClassUID), 'UI', '1.2.840.10008.5.1.4.1.1.7'),
    el(tagNumber(Tag.TransferSyntaxUID), 'UI', transferSyntax),
  ]);
  const length = groupLength
    ? el(tagNumber(Tag.FileMetaInformationGroupLength), 'UL', Buffer.from(new Uint32Array([meta.length]).buffer))
    : Buffer.alloc(0);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), length, meta, ...dataset]);
}

function parse(bytes: Buffer, options?: Part10ParseOptions): ParsedPart10 {
  const parser = new Part10StreamParser(options);
  for (let at = 0; at < bytes.length; at += 5) parser.write(bytes.subarray(at, at + 5));
  return parser.end();
}

describe('Part10StreamParser values (PS3.18 F.2)', () => {
  it('maps explicit VR LE values to DICOM JSON', () => {
    const r = parse(
      part10([
        el(0x00080008, 'CS', 'ORIGINAL\\\\AXIAL '),
        el(0x00080018, 'UI', '1.2.3\0'),
        el(0x00080060, 'CS', ''),
        el(0x00100010, 'PN', 'Yamada^Tarou=\\=^B=Phon '),
        el(0x00189219, 'SS', Buffer.from(new Int16Array([-5]).buffer)),
        el(0x00200032, 'DS', ' 1.5\\-2E2\\abc'),
        el(0x00200013, 'IS', '0012'),
        el(0x00209165, 'AT', Buffer.from([0x20, 0x00, 0x56, 0x90])),
        el(0x00280030, 'FD', Buffer.from(new Float64Array([0.25]).buffer)),
        el(0x00404050, 'LT', '  a\\b  '),
        el(0x0072007a, 'SV', Buffer.from(new BigInt64Array([-3n, 2n ** 60n]).buffer)),
      ]),
    );
    const ds = r.dataset;
    expect(ds['00080008']).toEqual({ vr: 'CS', Value: ['ORIGINAL', null, 'AXIAL'] });
    expect(ds['00080018']).toEqual({ vr: 'UI', Value: ['1.2.3'] });
    expect(ds['00080060']).toEqual({ vr: 'CS' });
    expect(ds['00100010']?.Value).toEqual([{ Alphabetic: 'Yamada^Tarou' }, { Ideographic: '^B', Phonetic: 'Phon' }]);
    expect(ds['00189219']?.Value).toEqual([-5]);
    expect(ds['00200032']?.Value).toEqual([1.5, -200, 'abc']);
    expect(ds['00200013']?.Value).toEqual([12]);
    expect(ds['00209165']?.Value).toEqual(['00209056']);
    expect(ds['00280030']?.Value).toEqual([0.25]);
    expect(ds['00404050']?.Value).toEqual(['  a\\b']);
    expect(ds['0072007A']?.Value).toEqual([-3, '1152921504606846976']);
    expect(r.warnings).toEqual(['(0020,0032) DS has a value that is not a number; kept as a string']);
  });

  it('reads implicit VR LE with the dictionary: private creators LO, unknown UN, "US or SS" by Pixel Representation', () => {
    const r = parse(
      part10(
        [
          el(0x00090010, 'LO', 'ACME', 'implicit'),
          el(0x00091001, 'UN', Buffer.from([1, 2, 3, 4]), 'implicit'),
          el(0x00280103, 'US', US(1), 'implicit'),
          el(0x00280106, 'SS', Buffer.from(new Int16Array([-1]).buffer), 'implicit'),
          sq(0x00091002, [item([el(0x00100020, 'LO', 'X', 'implicit')])], 'implicit', true),
        ],
        '1.2.840.10008.1.2',
      ),
    );
    expect(r.dataset['00090010']).toEqual({ vr: 'LO', Value: ['ACME'] });
    expect(r.dataset['00091001']).toEqual({ vr: 'UN', InlineBinary: 'AQIDBA==' });
    expect(r.dataset['00280106']).toEqual({ vr: 'SS', Value: [-1] });
    expect(r.dataset['00091002']).toEqual({ vr: 'SQ', Value: [{ '00100020': { vr: 'LO', Value: ['X'] } }] });
  });

  it('reads explicit VR big endian, giving InlineBinary in little endian', () => {
    const r = parse(
      part10(
        [el(0x00280010, 'US', Buffer.from([0x01, 0x02]), 'big'), el(0x00281201, 'OW', Buffer.from([0x12, 0x34]), 'big')],
        '1.2.840.10008.1.2.2',
      ),
    );
    expect(r.dataset['00280010']?.Value).toEqual([0x0102]);
    expect(r.dataset['00281201']?.InlineBinary).toBe(Buffer.from([0x34, 0x12]).toString('base64'));
  });

  it('decodes text with the character set in force, which an item may override for its own content', () => {
    const r = parse(
      part10([
        el(0x00080005, 'CS', 'ISO_IR 192'),
        sq(0x00400275, [item([el(0x00080005, 'CS', 'ISO_IR 100'), el(0x00100010, 'PN', Buffer.from([0x4a, 0xe9]))])]),
        el(0x00100010, 'PN', Buffer.from('Jé', 'utf8')),
      ]),
    );
    expect(r.dataset['00100010']?.Value).toEqual([{ Alphabetic: 'Jé' }]);
    expect((r.dataset['00400275']?.Value?.[0] as Record<string, { Value: unknown[] }>)['00100010']?.Value).toEqual([{ Alphabetic: 'Jé' }]);
  });
});

describe('Part10StreamParser structure', () => {
  it('reads nested sequences of every length form and records bulk values with their path and offset', () => {
    const lut = Buffer.alloc(2000, 7);
    const bytes = part10([
      sq(
        0x00540016,
        [
          item([el(0x00281201, 'OW', lut), sq(0x00081115, [], 'explicit', true)], true),
          item([sq(0x0040a730, [item([el(0x0040a160, 'UT', 'text')])], 'explicit', false)]),
        ],
        'explicit',
        true,
      ),
      el(0x00540011, 'US', US(3)),
    ]);
    const r = parse(bytes);
    expect(r.bulk.map(({ path, vr, length }) => ({ path, vr, length }))).toEqual([{ path: '00540016/0/00281201', vr: 'OW', length: 2000 }]);
    const bulk = r.bulk[0]!;
    expect(bytes.subarray(bulk.offset, bulk.offset + bulk.length)).toEqual(lut);
    const items = r.dataset['00540016']?.Value as Array<Record<string, unknown>>;
    expect(items[0]).toEqual({ '00281201': { vr: 'OW', BulkDataURI: '00540016/0/00281201' }, '00081115': { vr: 'SQ' } });
    expect(items[0]!['00281201']).toBe(bulk.element);
    expect(items[1]).toEqual({ '0040A730': { vr: 'SQ', Value: [{ '0040A160': { vr: 'UT', Value: ['text'] } }] } });
    expect(r.dataset['00540011']?.Value).toEqual([3]);
  });

  it('reads an undefined-length UN as a sequence in implicit VR LE (PS3.5 6.2.2)', () => {
    const r = parse(part10([sq(0x00091010, [item([el(0x00100020, 'LO', 'ID', 'implicit')], true)], 'explicit', true, 'UN')]));
    expect(r.dataset['00091010']).toEqual({ vr: 'SQ', Value: [{ '00100020': { vr: 'LO', Value: ['ID'] } }] });
  });

  it('records encapsulated pixel data fragments and the Basic Offset Table without buffering them', () => {
    const frags = [Buffer.from([0xff, 0xd8, 1, 2]), Buffer.from([0xff, 0xd8, 3, 4, 5, 6])];
    const icon = sq(0x00880200, [
      item([
        el(0x7fe00010, 'OB', Buffer.alloc(0), 'explicit', UNDEFINED),
        item([]),
        item([Buffer.from([0xff, 0xd8])]),
        delimiter(SEQUENCE_DELIMITER),
      ]),
    ]);
    const pixel = [
      el(0x7fe00010, 'OB', Buffer.alloc(0), 'explicit', UNDEFINED),
      item([Buffer.from([0, 0, 0, 0, 12, 0, 0, 0])]),
      ...frags.map((f) => item([f])),
      delimiter(SEQUENCE_DELIMITER),
    ];
    const bytes = part10([icon, ...pixel], '1.2.840.10008.1.2.4.50');
    const r = parse(bytes);
    const p = r.pixelData!;
    expect(p).toMatchObject({ tag: '7FE00010', vr: 'OB', encapsulated: true, basicOffsetTable: [0, 12] });
    expect(p.fragments!.map((f) => bytes.subarray(f.offset, f.offset + f.length))).toEqual(frags);
    expect(bytes.readUInt32LE(p.offset)).toBe(0xe000fffe);
    expect(bytes.readUInt32LE(p.offset + p.length)).toBe(0xe0ddfffe);
    expect(r.bulk.map((b) => b.path)).toEqual(['00880200/0/7FE00010', '7FE00010']);
    expect(r.dataset['7FE00010']).toEqual({ vr: 'OB', BulkDataURI: '7FE00010' });
  });

  it('puts binary values longer than inlineBinaryMaxBytes in bulk, and always pixel data', () => {
    const r = parse(part10([el(0x00420011, 'OB', Buffer.alloc(10)), el(0x7fe00010, 'OW', Buffer.alloc(4))]), { inlineBinaryMaxBytes: 8 });
    expect(r.bulk.map((b) => [b.path, b.length])).toEqual([
      ['00420011', 10],
      ['7FE00010', 4],
    ]);
    expect(r.pixelData).toMatchObject({ encapsulated: false, length: 4 });
  });

  it('reads a deflated data set; offsets are then in the inflated data set', () => {
    const dataset = Buffer.concat([el(0x00080018, 'UI', '1.2.3'), el(0x00420011, 'OB', Buffer.alloc(2000, 1))]);
    const r = parse(Buffer.concat([part10([], '1.2.840.10008.1.2.1.99'), deflateRawSync(dataset)]));
    expect(r.deflated).toBe(true);
    expect(r.dataset['00080018']?.Value).toEqual(['1.2.3']);
    expect(dataset.subarray(r.bulk[0]!.offset, r.bulk[0]!.offset + 2000)).toEqual(Buffer.alloc(2000, 1));
  });

  it('is lenient: unknown transfer syntax, no meta group length, missing item delimiter, zero padding', () => {
    const r = parse(
      Buffer.concat([
        part10([sq(0x00400275, [delimiter(ITEM, UNDEFINED), el(0x00100020, 'LO', 'A')], 'explicit', true)], '1.2.3.4', false),
        Buffer.alloc(3),
      ]),
    );
    expect(r.dataset['00400275']?.Value).toEqual([{ '00100020': { vr: 'LO', Value: ['A'] } }]);
    expect(r.warnings).toEqual([
      'unknown Transfer Syntax UID; the data set is read as explicit VR little endian',
      'an item of (0040,0275) has no Item Delimitation Item',
      'the file ends with a few bytes of zero padding',
    ]);
  });
});

describe('Part10StreamParser deflated data sets (PS3.5 A.5)', () => {
  const DEFLATED = '1.2.840.10008.1.2.1.99';
  const dataset = Buffer.concat([el(0x00080018, 'UI', '1.2.3'), el(0x00420011, 'OB', Buffer.alloc(4000, 7))]);
  const outcome = (bytes: Buffer): string | ParsedPart10 => {
    try {
      return parse(bytes);
    } catch (error) {
      if (error instanceof Part10Error) return error.reason;
      throw error;
    }
  };

  it('accepts a zlib-wrapped stream with a warning, and ignores bytes after the end of the stream with one', () => {
    const zlib = parse(Buffer.concat([part10([], DEFLATED), deflateSync(dataset)]));
    expect(zlib.dataset['00080018']?.Value).toEqual(['1.2.3']);
    expect(zlib.warnings).toEqual(['the deflated data set has a zlib header; PS3.5 A.5 asks for raw deflate']);
    const trailing = parse(Buffer.concat([part10([], DEFLATED), deflateRawSync(dataset), Buffer.from('garbage')]));
    expect(trailing.bulk.map((b) => [b.offset, b.length])).toEqual([[dataset.length - 4000, 4000]]);
    expect(trailing.warnings).toEqual(['bytes after the end of the deflate stream were ignored']);
  });

  it('refuses a truncated, a corrupt and a missing deflate stream', () => {
    const stream = deflateRawSync(dataset);
    const flushed = deflateRawSync(dataset, { finishFlush: constants.Z_SYNC_FLUSH });
    expect(outcome(Buffer.concat([part10([], DEFLATED), stream.subarray(0, stream.length - 4)]))).toBe(
      'truncated: the deflated data set ends before the end of its deflate stream',
    );
    // Every element is there, but the stream has no final block.
    expect(outcome(Buffer.concat([part10([], DEFLATED), flushed]))).toBe(
      'truncated: the deflated data set ends before the end of its deflate stream',
    );
    expect(outcome(Buffer.concat([part10([], DEFLATED), Buffer.from([0xff, 0xff, 0xff, 0xff])]))).toBe(
      'the deflated data set cannot be inflated (invalid block type)',
    );
    expect(outcome(part10([], DEFLATED))).toBe('truncated: the deflated data set is missing');
    expect(outcome(Buffer.concat([part10([], DEFLATED), stream.subarray(0, 1)]))).toBe(
      'truncated: the deflated data set ends before the end of its deflate stream',
    );
  });

  it('inflates as the bytes arrive: 256 MiB of zeros in Pixel Data are counted, not kept, and writeInTurns lets the event loop turn', async () => {
    const mib = 1024 * 1024;
    const zeros = deflateRawSync(Buffer.alloc(mib), { finishFlush: constants.Z_SYNC_FLUSH });
    const head = Buffer.concat([el(0x00080018, 'UI', '1.2.3'), el(0x7fe00010, 'OB', Buffer.alloc(0), 'explicit', 256 * mib)]);
    const file = Buffer.concat([
      part10([], DEFLATED),
      deflateRawSync(head, { finishFlush: constants.Z_SYNC_FLUSH }),
      ...Array<Buffer>(256).fill(zeros),
      deflateRawSync(Buffer.alloc(0)),
    ]);
    expect(file.length).toBeLessThan(mib);
    let turns = 0;
    let counting = true;
    const count = (): void => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const heapBefore = process.memoryUsage().arrayBuffers;
    const parser = new Part10StreamParser();
    await parser.writeInTurns(file);
    counting = false;
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 * mib);
    const r = parser.end();
    expect(r.pixelData).toEqual({ tag: '7FE00010', vr: 'OB', offset: head.length, length: 256 * mib, encapsulated: false });
    expect(r.byteLength).toBe(file.length);
    // A turn every 2 to 4 MiB inflated (the budget, overshot by at most one 2 KiB slice): 64 to 128.
    expect(turns).toBeGreaterThan(50);
  });
});

describe('Part10StreamParser errors', () => {
  const reason = (bytes: Buffer, options?: Part10ParseOptions): string => {
    try {
      parse(bytes, options);
    } catch (error) {
      if (error instanceof Part10Error) return error.reason;
      throw error;
    }
    return 'no error';
  };

  it('names the tag when the data ends inside a sequence or a value', () => {
    const bytes = part10([sq(0x00400275, [item([el(0x00100020, 'LO', 'ABCDEF')])])]);
    expect(reason(bytes.subarray(0, bytes.length - 3))).toBe('truncated: the data ends inside (0010,0020)');
    expect(reason(bytes.subarray(0, bytes.length - 10))).toBe('truncated: the data ends inside (0040,0275)');
  });

  it('refuses a value running past the end of its item, absurd lengths and deep nesting', () => {
    const overrun = part10([sq(0x00400275, [Buffer.concat([delimiter(ITEM, 10), el(0x00100020, 'LO', 'ABCDEFGH')])])]);
    expect(reason(overrun)).toMatch(/^\(0010,0020\) runs past the end of an item of \(0040,0275\)/);
    expect(reason(part10([el(0x00404050, 'UT', 'x'.repeat(100))]), { maxHeaderValueBytes: 50 })).toMatch(
      /^the value of \(0040,4050\) \(UT\) is 100 bytes, more than the 50-byte limit$/,
    );
    let nested = el(0x00100020, 'LO', 'A');
    for (let depth = 0; depth < 200; depth++) nested = sq(0x00400275, [item([nested])]);
    expect(reason(part10([nested]))).toMatch(/nested more than 128 levels deep/);
  });

  it('keeps failing after the first error, and end() is idempotent after success', () => {
    const parser = new Part10StreamParser();
    expect(() => parser.write(Buffer.alloc(140, 1))).toThrow(Part10Error);
    expect(() => parser.end()).toThrow(/no DICM prefix/);
    const ok = new Part10StreamParser();
    ok.write(part10([el(0x00080018, 'UI', '1.2')]));
    expect(ok.end()).toEqual(ok.end());
  });
});
