import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import type { DicomJson, DicomJsonElement } from '../../shared/dicom/dicom-json';
import { getNumber, getString } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { Part10Error, Part10StreamParser, type ParsedPart10 } from '../../server/ingest/part10-parser';
import { corpusFile, corpusManifest, type CorpusEntry } from '../helpers/corpus';

/**
 * The Part 10 parser against the real corpus (/work/shared/dicom, see its README): every file
 * outside malformed/ is parsed in several chunkings and compared with the manifest, with dcmjs's
 * reading of the same bytes, and (pixel data) with dicom-parser's offsets.
 *
 * dcmjs represents some things differently; `normalizeDcmjs` maps them before comparing:
 * - (0008,0005) is rewritten by dcmjs to "ISO_IR 192": not compared (the manifest has the raw value).
 * - Empty values: dcmjs gives [""], [null], [{Alphabetic:" "}], an empty ArrayBuffer, or [0] for a
 *   zero-length US/FL; DICOM JSON has no Value (PS3.18 F.2.5). Empty entries of multi-values: "" vs null.
 * - dcmjs leaves padding on some VRs (DT, PN) and trims CR/LF off texts: strings are trimmed on both sides.
 * - AT: dcmjs gives numbers, DICOM JSON "GGGGEEEE". ST/LT/UT: dcmjs splits at backslash, we don't.
 * - dcmjs drops empty sequence items and keeps (FFFC,FFFC) padding.
 * - Implicit VR "US or SS": dcmjs always reads US; we read SS when Pixel Representation is 1.
 * - Binary values: dcmjs ArrayBuffers vs our InlineBinary, or the file bytes at a BulkElement's
 *   offset. Encapsulated pixel data is compared with dicom-parser instead.
 */

type DcmjsElement = { vr: string; Value?: unknown[] };
type DcmjsDict = Record<string, DcmjsElement>;
const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: { DicomMessage: { readFile(buffer: ArrayBuffer, options?: { ignoreErrors: boolean }): { dict: DcmjsDict } } };
  log: { setLevel(level: string): void };
};
dcmjs.log.setLevel('silent');

/** Values dcmjs reads wrongly, checked against known values below instead. */
const DCMJS_WRONG: Record<string, string[]> = {
  'charsets/iso-2022-ir-58-gb2312.dcm': [Tag.PatientName], // ISO 2022 escape sequences are not decoded by dcmjs
};

const files = corpusManifest().filter((entry) => entry.category !== 'malformed');
const malformed = corpusManifest().filter((entry) => entry.category === 'malformed');

function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses `bytes` fed in chunks of `size` bytes, or of random sizes (1 byte to 100 KB) when size is 'random'. */
function parse(bytes: Uint8Array, size: number | 'random' = bytes.length): ParsedPart10 {
  const parser = new Part10StreamParser();
  const next = random(bytes.length);
  for (let at = 0; at < bytes.length;) {
    const n = size === 'random' ? 1 + Math.floor(next() ** 3 * 100_000) : size;
    parser.write(bytes.subarray(at, at + n));
    at += n;
  }
  return parser.end();
}

function dcmjsRead(bytes: Buffer): DcmjsDict {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  try {
    return dcmjs.data.DicomMessage.readFile(buffer).dict;
  } catch {
    // Only the GB2312 file: dcmjs refuses multi-term character sets but reads everything else.
    return dcmjs.data.DicomMessage.readFile(buffer, { ignoreErrors: true }).dict;
  }
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
const trim = (s: string): string | null => s.replace(/^[\s\0]+|[\s\0]+$/g, '') || null;

function normalizeDcmjs(vr: string, ours: DicomJsonElement, value: unknown): unknown {
  if (value instanceof ArrayBuffer) return value.byteLength ? b64(new Uint8Array(value)) : null;
  if (vr === 'AT' && typeof value === 'number') return value.toString(16).toUpperCase().padStart(8, '0');
  if (ours.vr === 'SS' && vr === 'US' && typeof value === 'number') return (value << 16) >> 16;
  if (typeof value === 'string') return trim(value);
  if (vr === 'PN' && value && typeof value === 'object') {
    const groups = Object.entries(value as Record<string, string>)
      .map(([k, v]) => [k, trim(v)])
      .filter(([, v]) => v);
    return groups.length ? Object.fromEntries(groups) : null;
  }
  return value;
}

/** Compares our data set with dcmjs's; returns differences as readable lines (empty when equal). */
function compareWithDcmjs(ours: DicomJson, theirs: DcmjsDict, source: Uint8Array, skipKeys: ReadonlySet<string>, path = ''): string[] {
  const diffs: string[] = [];
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  for (const key of keys) {
    if (skipKeys.has(path + key)) continue;
    if (key === Tag.SpecificCharacterSet || key === 'FFFCFFFC' || key.endsWith('0000')) continue;
    const a = ours[key];
    const b = theirs[key];
    if (!a || !b) {
      diffs.push(`${path}${key} only in ${a ? 'ours' : 'dcmjs'}`);
      continue;
    }
    if (a.vr === 'SQ') {
      const items = (a.Value ?? []) as DicomJson[];
      const theirItems = (b.Value ?? []) as DcmjsDict[];
      const nonEmpty = items.filter((item) => Object.keys(item).length > 0);
      if (nonEmpty.length !== theirItems.length) diffs.push(`${path}${key} has ${items.length} items, dcmjs ${theirItems.length}`);
      else nonEmpty.forEach((item, i) => diffs.push(...compareWithDcmjs(item, theirItems[i]!, source, skipKeys, `${path}${key}/${i}/`)));
      continue;
    }
    let mine: unknown[] = a.Value ?? (a.InlineBinary ? [a.InlineBinary] : []);
    if (a.BulkDataURI) {
      const bulk = bulkByElement.get(a);
      if (!bulk) diffs.push(`${path}${key} has a BulkDataURI but no BulkElement`);
      else if (isItemTag(source, bulk.offset))
        continue; // encapsulated: dcmjs gives frames; see the dicom-parser checks
      else mine = [b64(source.subarray(bulk.offset, bulk.offset + bulk.length))];
    }
    if (['ST', 'LT', 'UT'].includes(a.vr) && (b.Value?.length ?? 0) > 1) b.Value = [b.Value!.join('\\')];
    let theirs2 = (b.Value ?? []).map((value) => normalizeDcmjs(b.vr, a, value));
    if (theirs2.length <= 1 && (theirs2[0] === null || theirs2[0] === undefined)) theirs2 = [];
    if (mine.length === 0 && theirs2.length === 1 && theirs2[0] === 0 && ['US', 'SS', 'FL', 'FD', 'UL', 'SL'].includes(a.vr)) theirs2 = [];
    const trimmed = mine.map((value) => (typeof value === 'string' ? trim(value) : value));
    if (a.vr !== b.vr && !(a.vr === 'SS' && b.vr === 'US')) diffs.push(`${path}${key} VR ${a.vr}, dcmjs ${b.vr}`);
    else if (JSON.stringify(trimmed) !== JSON.stringify(theirs2)) diffs.push(`${path}${key} ${a.vr} differs from dcmjs`);
  }
  return diffs;
}

const isItemTag = (bytes: Uint8Array, at: number): boolean =>
  bytes[at] === 0xfe && bytes[at + 1] === 0xff && bytes[at + 2] === 0x00 && bytes[at + 3] === 0xe0;

let bulkByElement = new Map<DicomJsonElement, { offset: number; length: number }>();

/** Bytes the offsets of a result refer to: the file, or for a deflated data set the inflated data set. */
function offsetSpace(bytes: Buffer, result: ParsedPart10): Uint8Array {
  if (!result.deflated) return bytes;
  // The deflated files of the corpus have (0002,0000) UL first: the deflate stream starts after the meta group.
  expect(bytes.readUInt32LE(132)).toBe(0x00000002);
  return inflateRawSync(bytes.subarray(144 + bytes.readUInt32LE(140)));
}

const CODEC_MARKERS: Array<[RegExp, (bytes: Uint8Array) => boolean]> = [
  [/^1\.2\.840\.10008\.1\.2\.4\.(50|51|53|55|57|70|80|81)$/, (b) => b[0] === 0xff && b[1] === 0xd8],
  [/^1\.2\.840\.10008\.1\.2\.4\.(90|91|201|202|203)$/, (b) => (b[0] === 0xff && b[1] === 0x4f) || (b[4] === 0x6a && b[5] === 0x50)],
  [
    /^1\.2\.840\.10008\.1\.2\.5$/,
    (b) => {
      const n = b[0]! | (b[1]! << 8);
      return n >= 1 && n <= 15 && b[2] === 0 && b[3] === 0;
    },
  ],
];

describe('Part10StreamParser on the corpus', () => {
  it.each(files.map((entry) => [entry.path, entry] as const))('%s', (_path: string, entry: CorpusEntry) => {
    const bytes = corpusFile(entry.path);
    const whole = parse(bytes);
    const json = JSON.stringify(whole);
    for (const size of [64 * 1024, 7, 'random'] as const) expect(JSON.stringify(parse(bytes, size)), `chunks of ${size}`).toBe(json);
    expect(whole.byteLength).toBe(bytes.length);

    const ds = whole.dataset;
    expect(whole.transferSyntaxUid).toBe(entry.transferSyntaxUID);
    // DICOMDIR has no SOP Class UID in its data set: the manifest took the meta group's.
    expect(getString(ds, Tag.SOPClassUID) ?? getString(whole.meta, Tag.MediaStorageSOPClassUID) ?? null).toBe(entry.sopClassUID ?? null);
    expect(getString(ds, Tag.StudyInstanceUID) ?? null).toBe(entry.studyInstanceUID ?? null);
    expect(getString(ds, Tag.SeriesInstanceUID) ?? null).toBe(entry.seriesInstanceUID ?? null);
    expect(getString(ds, Tag.SOPInstanceUID) ?? null).toBe(entry.sopInstanceUID ?? null);
    expect(getNumber(ds, Tag.Rows) ?? null).toBe(entry.rows ?? null);
    expect(getNumber(ds, Tag.Columns) ?? null).toBe(entry.columns ?? null);
    expect(getNumber(ds, Tag.NumberOfFrames) ?? null).toBe(entry.numberOfFrames ?? null);
    expect(ds[Tag.SpecificCharacterSet]?.Value?.map((v) => v ?? '').join('\\') ?? null).toBe(entry.specificCharacterSet ?? null);

    const source = offsetSpace(bytes, whole);
    bulkByElement = new Map(whole.bulk.map((bulk) => [bulk.element, bulk]));
    for (const bulk of whole.bulk) expect(bulk.element.BulkDataURI).toBe(bulk.path);
    expect(compareWithDcmjs(ds, dcmjsRead(bytes), source, new Set(DCMJS_WRONG[entry.path]))).toEqual([]);

    const pixel = whole.pixelData;
    if (!pixel || whole.deflated) return;
    const element = dicomParser.parseDicom(new Uint8Array(bytes)).elements[`x${pixel.tag.toLowerCase()}`]!;
    if (!pixel.encapsulated) {
      expect([pixel.offset, pixel.length]).toEqual([element.dataOffset, element.length]);
      return;
    }
    expect(pixel.offset).toBe(element.dataOffset);
    expect(pixel.basicOffsetTable).toEqual(element.basicOffsetTable);
    expect(pixel.fragments).toEqual(element.fragments!.map((f) => ({ offset: f.position, length: f.length })));
    const marker = CODEC_MARKERS.find(([pattern]) => pattern.test(whole.transferSyntaxUid))?.[1];
    const frames = getNumber(ds, Tag.NumberOfFrames) ?? 1;
    const frameStarts = pixel.fragments!.length === frames ? pixel.fragments! : pixel.fragments!.slice(0, 1);
    for (const fragment of marker ? frameStarts : []) expect(marker!(bytes.subarray(fragment.offset, fragment.offset + 8))).toBe(true);
  });

  it('decodes person names in ISO 2022 character sets (dcmjs cannot: checked against known values)', () => {
    const gb = parse(corpusFile('charsets/iso-2022-ir-58-gb2312.dcm'));
    expect(gb.dataset[Tag.PatientName]?.Value).toEqual([{ Alphabetic: 'Zhang^XiaoDong', Ideographic: '张^小东' }]);
    expect(gb.dataset[Tag.SpecificCharacterSet]?.Value).toEqual([null, 'ISO 2022 IR 58']);
  });
});

describe('Part10StreamParser on malformed input', () => {
  it.each(malformed.map((entry) => [entry.path] as const))('%s gives a result or a Part10Error', (path: string) => {
    try {
      parse(corpusFile(path), 4096);
    } catch (error) {
      expect(error).toBeInstanceOf(Part10Error);
    }
  });

  it.each([
    ['malformed/no-preamble-no-meta-acr-nema-cr.dcm', /^not a DICOM Part 10 file: no DICM prefix at byte 128$/],
    ['malformed/no-preamble-acr-nema-1.0.dcm', /^not a DICOM Part 10 file: no DICM prefix at byte 128$/],
    ['malformed/missing-all-uids-jpeg-ls-rgb.dcm', /no DICM prefix/],
    ['malformed/truncated-native-ct-derived.dcm', /^truncated: the data ends inside \(7FE0,0010\)$/],
    ['malformed/truncated-encapsulated-pixeldata.dcm', /^truncated: the data ends inside \(7FE0,0010\)$/],
  ])('%s is refused with a readable reason', (path, reason) => {
    expect(() => parse(corpusFile(path))).toThrow(expect.objectContaining({ reason: expect.stringMatching(reason) }));
  });

  it('reads a meta group without (0002,0000)', () => {
    expect(parse(corpusFile('malformed/no-meta-group-length.dcm')).transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
  });

  it('refuses garbage on the first chunk, without waiting for the rest', () => {
    const parser = new Part10StreamParser();
    expect(() => parser.write(new Uint8Array(200).fill(0x41))).toThrow(/no DICM prefix at byte 128/);
    expect(() => parser.write(new Uint8Array(10))).toThrow(Part10Error);
  });

  it('refuses a file meta group without Transfer Syntax UID', () => {
    const bytes = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([2, 0, 2, 0, 0x55, 0x49, 2, 0, 0x31, 0])]);
    expect(() => parse(bytes)).toThrow('file meta information has no Transfer Syntax UID (0002,0010)');
  });

  it('gives a result or a Part10Error for random truncations and byte flips of real files, never another exception', () => {
    const samples = [
      'transfer-syntaxes/ct1-1.2_implicit-vr-le.dcm',
      'transfer-syntaxes/ct1-1.2.2_explicit-vr-be.dcm',
      'non-image/sr-comprehensive-tid1500.dcm',
      'multiframe/enhanced-ct-2f-rle-bot.dcm',
      'non-image/sr-enhanced-deflated.dcm',
      'color/ybr-full-422-jpeg-with-icon.dcm',
      'non-image/rtstruct.dcm',
    ];
    const next = random(42);
    let results = 0;
    let errors = 0;
    for (const path of samples) {
      const original = corpusFile(path);
      for (let round = 0; round < 150; round++) {
        const cut = round % 3 === 0 ? Math.floor(next() * original.length) : original.length;
        const bytes = Buffer.from(original.subarray(0, cut));
        const headerEnd = Math.min(bytes.length, 4096);
        for (let flips = 1 + Math.floor(next() * 8); flips > 0 && round % 3 !== 0; flips--)
          bytes[Math.floor(next() * headerEnd)] = Math.floor(next() * 256);
        try {
          parse(bytes, round % 2 ? 'random' : bytes.length);
          results++;
        } catch (error) {
          if (!(error instanceof Part10Error)) throw new Error(`${path} round ${round}: ${String(error)}`, { cause: error });
          errors++;
        }
      }
    }
    expect(results + errors).toBe(samples.length * 150);
  });
});

describe('Part10StreamParser resources', () => {
  it('parses a ~300 MB instance streamed in 1 MB chunks with RSS growth < 50 MB', () => {
    const header = Buffer.concat([
      Buffer.alloc(128),
      Buffer.from('DICM'),
      explicitElement(0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1\0'),
      explicitElement(0x0008, 0x0018, 'UI', '1.2.3.4\0'),
      explicitElement(0x0028, 0x0010, 'US', Buffer.from([0, 0x40])),
    ]);
    const pixelBytes = 300 * 1024 * 1024;
    const pixelHeader = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0, 0, 0, 0, 0]);
    pixelHeader.writeUInt32LE(pixelBytes, 8);
    // Collect garbage now and then, so RSS shows what the parser keeps, not what V8 has yet to free.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const parser = new Part10StreamParser();
    const before = process.memoryUsage().rss;
    let peak = before;
    parser.write(header);
    parser.write(pixelHeader);
    for (let sent = 0; sent < pixelBytes; sent += 1 << 20) {
      parser.write(Buffer.alloc(1 << 20, 1 + ((sent >> 20) % 250))); // non-zero: untouched zero pages would not count in RSS
      if ((sent >> 20) % 16 === 15) {
        gc();
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    const result = parser.end();
    expect(result.pixelData).toEqual({ tag: '7FE00010', vr: 'OW', offset: header.length + 12, length: pixelBytes, encapsulated: false });
    console.log(`300 MB stream: RSS growth ${((peak - before) / 1e6).toFixed(1)} MB`);
    expect(peak - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('measures throughput on 512×512 16-bit CT instances', () => {
    const series = files.filter((f) => f.path.startsWith('series/ct-abdomen-philips-tcia/')).map((f) => corpusFile(f.path));
    for (const [label, size] of [
      ['whole buffer', 0],
      ['64 KiB chunks', 64 * 1024],
    ] as const) {
      let bytes = 0;
      const start = process.hrtime.bigint();
      for (let round = 0; round < 10; round++) for (const file of series) bytes += parse(file, size || file.length).byteLength;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const instances = series.length * 10;
      console.log(
        `Part 10 parse, ${label}: ${(bytes / 1e6 / seconds).toFixed(0)} MB/s, ${((seconds * 1e6) / instances).toFixed(0)} µs per ${Math.round(bytes / instances / 1024)} KB CT instance`,
      );
    }
  });
});

function explicitElement(group: number, element: number, vr: string, value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const head = Buffer.alloc(8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(element, 2);
  head.write(vr, 4, 'latin1');
  head.writeUInt16LE(bytes.length, 6);
  return Buffer.concat([head, bytes]);
}
