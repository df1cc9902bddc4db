import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiateBulk, type Representation } from '../../server/dicomweb/bulk-negotiation';
import { fragmentRunsFromMarkers, fragmentRunsFromTable, nativeFrameRange } from '../../server/stored/frame-locator';
import type { PixelDataLocation } from '../../server/ingest/part10-types';
import { BACKENDS, startArchiveOn } from '../helpers/backends';
import { corpusEntry, corpusFile, corpusInstanceUrl, type CorpusEntry } from '../helpers/corpus';
import { getMultipart, stowFiles } from '../helpers/dicomweb-http';
import type { TestArchive } from '../helpers/start-app';

/**
 * Retrieve Frames (PS3.18 10.4.1.1.4) on real files: every frame's bytes are checked against an
 * independent reading of the original file by dicom-parser.
 */

const AS_STORED = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const OCTETS = 'multipart/related; type="application/octet-stream"';

const entryOf = corpusEntry;

/** Each frame of the file as dicom-parser reads it. */
function expectedFrames(path: string): Buffer[] {
  const file = corpusFile(path);
  const ds = dicomParser.parseDicom(new Uint8Array(file));
  const pixel = (ds.elements.x7fe00010 ?? ds.elements.x7fe00008 ?? ds.elements.x7fe00009)!;
  const frames = ds.intString('x00280008') ?? 1;
  if (!pixel.encapsulatedPixelData) {
    const frameBytes = (ds.uint16('x00280010')! * ds.uint16('x00280011')! * (ds.uint16('x00280002') ?? 1) * ds.uint16('x00280100')!) / 8;
    return Array.from({ length: frames }, (_, k) =>
      file.subarray(pixel.dataOffset + k * frameBytes, pixel.dataOffset + (k + 1) * frameBytes),
    );
  }
  const fragments = pixel.fragments!;
  if (frames === 1) return [Buffer.from(dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixel, 0, fragments.length))];
  const table =
    pixel.basicOffsetTable!.length > 0
      ? undefined
      : fragments.length === frames
        ? fragments.map((f) => f.offset)
        : dicomParser.createJPEGBasicOffsetTable(ds, pixel);
  return Array.from({ length: frames }, (_, k) => Buffer.from(dicomParser.readEncapsulatedImageFrame(ds, pixel, k, table)));
}

const instanceUrl = (archive: TestArchive, entry: CorpusEntry): string => corpusInstanceUrl(archive.dicomWeb, entry);

async function store(archive: TestArchive, path: string): Promise<CorpusEntry> {
  const result = await stowFiles(archive, [corpusFile(path)]);
  expect(result.status, path).toBe(200);
  return entryOf(path);
}

async function statusOf(archive: TestArchive, url: string, accept?: string): Promise<{ status: number; message: string }> {
  const res = await archive.fetch(url, { headers: accept ? { accept } : {} });
  const text = await res.text();
  return { status: res.status, message: res.status >= 400 ? (JSON.parse(text) as { message: string }).message : '' };
}

const CT = 'series/ct-abdomen-philips-tcia/1-036.dcm';
const NATIVE_MULTI = 'multiframe/enhanced-mr-siemens-xa10-6f.dcm';
const XA_96 = 'multiframe/xa-angio-96f-jpeg.dcm';
const US_NO_BOT = 'multiframe/us-cine-jpeg-baseline-ybr-8f.dcm';

describe.each(BACKENDS)('Retrieve Frames on %s storage', (backend) => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startArchiveOn(backend);
    for (const path of [CT, NATIVE_MULTI, XA_96, US_NO_BOT]) await store(archive, path);
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('serves frame 1 of a native CT slice: the pixel bytes of the original file', async () => {
    const entry = entryOf(CT);
    const { status, contentType, parts } = await getMultipart(archive, `${instanceUrl(archive, entry)}/frames/1`, OCTETS);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^multipart\/related; type="?application\/octet-stream"?; boundary=/);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.headers['content-type']).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    expect(parts[0]!.headers['content-length']).toBe(String(512 * 512 * 2));
    expect(parts[0]!.headers['content-location']).toBe(`${instanceUrl(archive, entry)}/frames/1`);
    expect(parts[0]!.body.equals(expectedFrames(CT)[0]!)).toBe(true);
  });

  it('serves frames of a native multi-frame instance in the order asked', async () => {
    const expected = expectedFrames(NATIVE_MULTI);
    const url = `${instanceUrl(archive, entryOf(NATIVE_MULTI))}/frames`;
    const two = await getMultipart(archive, `${url}/2`, OCTETS);
    expect(two.parts.map((p) => p.body.equals(expected[1]!))).toEqual([true]);
    const several = await getMultipart(archive, `${url}/6,1,2`, OCTETS);
    expect(several.parts.map((p) => p.headers['content-location']!.split('/').pop())).toEqual(['6', '1', '2']);
    expect(several.parts.map((p, i) => p.body.equals(expected[[5, 0, 1][i]!]!))).toEqual([true, true, true]);
  });

  it('announces the Content-Length of multipart frames answers, as stored and decoded: no chunked coding (issue 11)', async () => {
    const native = `${instanceUrl(archive, entryOf(NATIVE_MULTI))}/frames/6,1,2`;
    const jpeg = `${instanceUrl(archive, entryOf(XA_96))}/frames/96,1`;
    for (const [url, accept] of [
      [native, AS_STORED],
      [jpeg, 'multipart/related; type="image/jpeg"'],
      [jpeg, OCTETS],
    ] as const) {
      const res = await archive.fetch(url, { headers: { accept } });
      const body = Buffer.from(await res.arrayBuffer());
      expect([res.status, res.headers.get('transfer-encoding')], `${url} ${accept}`).toEqual([200, null]);
      expect(res.headers.get('content-length'), `${url} ${accept}`).toBe(String(body.length));
      expect(body.subarray(-40).toString('latin1')).toMatch(/--\r\n$/);
    }
  });

  it('serves JPEG frames as stored with transfer-syntax=*, frame 96 of 96 included', async () => {
    const expected = expectedFrames(XA_96);
    const { status, contentType, parts } = await getMultipart(archive, `${instanceUrl(archive, entryOf(XA_96))}/frames/96,1`, AS_STORED);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^multipart\/related; type="?image\/jpeg"?; boundary=/);
    expect(parts.map((p) => p.headers['content-type'])).toEqual(Array(2).fill('image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50'));
    expect(parts[0]!.body.equals(expected[95]!)).toBe(true);
    expect(parts[1]!.body.equals(expected[0]!)).toBe(true);
    expect(parts[0]!.body.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it('splits fragmented JPEG frames without a Basic Offset Table by their start markers', async () => {
    const expected = expectedFrames(US_NO_BOT);
    const { status, parts } = await getMultipart(archive, `${instanceUrl(archive, entryOf(US_NO_BOT))}/frames/1,2,3,4,5,6,7,8`, AS_STORED);
    expect(status).toBe(200);
    expect(parts).toHaveLength(8);
    parts.forEach((part, k) => {
      expect(part.body.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect(part.body.equals(expected[k]!), `frame ${k + 1}`).toBe(true);
      expect(part.headers['content-length']).toBe(String(expected[k]!.length));
    });
    const last = await getMultipart(
      archive,
      `${instanceUrl(archive, entryOf(US_NO_BOT))}/frames/8`,
      'multipart/related; type="image/jpeg"',
    );
    expect(last.parts[0]!.body.equals(expected[7]!)).toBe(true);
  });

  it('decodes compressed frames asked as application/octet-stream; 406 for a media type or transfer syntax we cannot produce', async () => {
    const url = `${instanceUrl(archive, entryOf(XA_96))}/frames/1`;
    const decoded = await getMultipart(archive, url, OCTETS);
    expect(decoded.status).toBe(200);
    expect(decoded.parts[0]!.headers['content-type']).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    expect(decoded.parts[0]!.body.length).toBe(512 * 512);
    // RLE is not a syntax the archive encodes (JPEG-LS and HTJ2K are: frames-encoded.test.ts).
    const rle = await statusOf(archive, url, 'multipart/related; type="image/dicom-rle"');
    expect(rle.status).toBe(406);
    expect(rle.message).toMatch(/image\/jpeg .*1\.2\.840\.10008\.1\.2\.4\.50.*transfer-syntax=\*/);
    const wrongSyntax = 'multipart/related; type="image/jpeg"; transfer-syntax=1.2.840.10008.1.2.4.70';
    expect((await statusOf(archive, url, wrongSyntax)).status).toBe(406);
  });

  it('answers 400 for malformed frame lists and 404 for frames past the end or a wrong path', async () => {
    const url = `${instanceUrl(archive, entryOf(NATIVE_MULTI))}/frames`;
    for (const list of ['0', 'abc', '1,,2', '1,', '-1', '1.5', '2,0']) {
      const res = await statusOf(archive, `${url}/${list}`, OCTETS);
      expect(res.status, list).toBe(400);
      expect(res.message).toMatch(/frame numbers counted from 1/);
    }
    const past = await statusOf(archive, `${url}/1,7`, OCTETS);
    expect(past.status).toBe(404);
    expect(past.message).toBe('There is no frame 7: the instance has 6 frames.');
    const ct = entryOf(CT);
    const wrongStudy = `${archive.dicomWeb}/studies/${entryOf(XA_96).studyInstanceUID}/series/${ct.seriesInstanceUID}/instances/${ct.sopInstanceUID}/frames/1`;
    expect((await statusOf(archive, wrongStudy, OCTETS)).status).toBe(404);
  });
});

/** Single files on fs storage; files that share a SOP Instance UID are stored one at a time. */
describe('Retrieve Frames: encodings', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startArchiveOn('fs');
  });
  afterAll(async () => {
    await archive?.stop();
  });

  async function withStored(path: string, check: (url: string) => Promise<void>): Promise<void> {
    const entry = await store(archive, path);
    try {
      await check(`${instanceUrl(archive, entry)}/frames`);
    } finally {
      await archive.fetch(instanceUrl(archive, entry), { method: 'DELETE' });
    }
  }

  async function expectAllFrames(path: string, accept = AS_STORED, mediaType?: string): Promise<void> {
    const expected = expectedFrames(path);
    await withStored(path, async (url) => {
      const list = expected.map((_, k) => k + 1).join(',');
      const { status, parts } = await getMultipart(archive, `${url}/${list}`, accept);
      expect(status, path).toBe(200);
      expect(parts).toHaveLength(expected.length);
      parts.forEach((part, k) => expect(part.body.equals(expected[k]!), `${path} frame ${k + 1}`).toBe(true));
      if (mediaType) expect(parts[0]!.headers['content-type']).toBe(`${mediaType}; transfer-syntax=${entryOf(path).transferSyntaxUID}`);
    });
  }

  it.each([
    ['multiframe/enhanced-ct-2f-jpeg-lossless-fragmented-no-bot.dcm', 'image/jpeg'],
    ['multiframe/enhanced-ct-2f-jpeg-ls-bot-not-fragmented.dcm', 'image/jls'],
    ['multiframe/enhanced-ct-2f-rle-bot.dcm', 'image/dicom-rle'],
    ['multiframe/us-cine-palette-rle-10f.dcm', 'image/dicom-rle'],
    ['multiframe/sm-wsi-25f-jpeg-ls-rgb.dcm', 'image/jls'],
    ['radiography/cr-jpeg-ls-near-lossless.dcm', 'image/jls'],
    ['radiography/cr-chest-jpeg2000-lossy.dcm', 'image/jp2'],
    ['color/ybr-rct-vl-htj2k.dcm', 'image/jphc'],
    ['transfer-syntaxes/seg-liver-1.2.8.1_deflated-image-frame.dcm', 'application/octet-stream'],
  ])('%s: every frame as stored, as %s', async (path, mediaType) => {
    await expectAllFrames(path, AS_STORED, mediaType);
  });

  it('serves the frames of an encapsulated instance to a client that asks for their media type', async () => {
    await expectAllFrames(
      'multiframe/enhanced-ct-2f-jpeg-ls-bot-not-fragmented.dcm',
      'multipart/related; type="image/jls"; transfer-syntax=1.2.840.10008.1.2.4.80',
    );
    await expectAllFrames(
      'multiframe/enhanced-ct-2f-rle-bot.dcm',
      // JPEG 2000 is not encoded on request (JPEG-LS would be), so the stored RLE answers the second range.
      'multipart/related; type="image/jp2", multipart/related; type="image/dicom-rle"',
    );
  });

  it('serves native multi-frame files: 2 frames, 64 frames, float pixels, 1-bit SEG frames', async () => {
    await expectAllFrames('multiframe/enhanced-ct-2f-supplemental-palette.dcm', OCTETS, 'application/octet-stream');
    await expectAllFrames('multiframe/enhanced-mr-philips-fmap-64f.dcm', OCTETS);
    await expectAllFrames('non-image/parametric-map-float.dcm', OCTETS);
    await expectAllFrames('non-image/seg-binary-13f.dcm', OCTETS);
  });

  it('serves a native YBR_FULL_422 frame as stored: two bytes per pixel (PS3.3 C.7.6.3.1.2)', async () => {
    const path = 'color/ybr-full-422-us-uncompressed.dcm';
    const file = corpusFile(path);
    const ds = dicomParser.parseDicom(new Uint8Array(file));
    expect(ds.string('x00280004')).toBe('YBR_FULL_422');
    const pixel = ds.elements.x7fe00010!;
    const frameBytes = ds.uint16('x00280010')! * ds.uint16('x00280011')! * 2;
    expect(pixel.length).toBe(frameBytes);
    await withStored(path, async (url) => {
      const { status, parts } = await getMultipart(archive, `${url}/1`, OCTETS);
      expect(status).toBe(200);
      expect(parts[0]!.body.equals(file.subarray(pixel.dataOffset, pixel.dataOffset + frameBytes))).toBe(true);
      expect((await statusOf(archive, `${url}/2`, OCTETS)).status).toBe(404);
    });
  });

  it('swaps big endian 16-bit pixel data to little endian: the same bytes as the little endian copy', async () => {
    const littleEndian = expectedFrames('transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm')[0]!;
    await withStored('transfer-syntaxes/ct1-1.2.2_explicit-vr-be.dcm', async (url) => {
      const { parts } = await getMultipart(archive, `${url}/1`, OCTETS);
      expect(parts[0]!.headers['content-type']).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
      expect(parts[0]!.body.equals(littleEndian)).toBe(true);
    });
  });

  it('serves the frame of a deflated data set inflated: the same bytes as the explicit VR little endian copy', async () => {
    const explicit = expectedFrames('transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm')[0]!;
    await withStored('transfer-syntaxes/ct1-1.2.1.99_deflated.dcm', async (url) => {
      const { status, parts } = await getMultipart(archive, `${url}/1`, OCTETS);
      expect(status).toBe(200);
      expect(parts[0]!.body.equals(explicit)).toBe(true);
    });
  });

  it('answers 404 for frames of an instance without pixel data', async () => {
    await withStored('non-image/sr-basic-text.dcm', async (url) => {
      const res = await statusOf(archive, `${url}/1`);
      expect(res.status).toBe(404);
      expect(res.message).toMatch(/no Pixel Data/);
    });
  });

  it('negotiates: no Accept and */* take what is stored, a bare media type gives one frame as a single body, q=0 refuses', async () => {
    const path = 'multiframe/enhanced-ct-2f-jpeg-ls-bot-not-fragmented.dcm';
    const expected = expectedFrames(path);
    await withStored(path, async (url) => {
      const none = await getMultipart(archive, `${url}/2`, '');
      expect(none.parts[0]!.body.equals(expected[1]!)).toBe(true);
      const any = await getMultipart(archive, `${url}/2`, '*/*');
      expect(any.contentType).toMatch(/type="?image\/jls"?/);
      const single = await archive.fetch(`${url}/2`, { headers: { accept: 'image/jls' } });
      expect(single.status).toBe(200);
      expect(single.headers.get('content-type')).toBe('image/jls; transfer-syntax=1.2.840.10008.1.2.4.80');
      expect(Buffer.from(await single.arrayBuffer()).equals(expected[1]!)).toBe(true);
      expect((await statusOf(archive, `${url}/1,2`, 'image/jls')).status).toBe(406);
      expect((await statusOf(archive, `${url}/1`, 'multipart/related; type="image/jls"; q=0, application/dicom')).status).toBe(406);
      const byQ = await getMultipart(archive, `${url}/1`, `${OCTETS}; q=0.9, multipart/related; type="image/*"; q=0.5`);
      expect(byQ.status).toBe(200);
    });
  });
});

describe('frame location', () => {
  // Four fragments (values of 10, 4, 6 and 2 bytes), item tags at 0, 18, 30 and 44 relative to the first.
  const pixel = (basicOffsetTable: number[]): PixelDataLocation => ({
    tag: '7FE00010',
    vr: 'OB',
    offset: 100,
    length: 62,
    encapsulated: true,
    basicOffsetTable,
    fragments: [
      { offset: 108, length: 10 },
      { offset: 126, length: 4 },
      { offset: 138, length: 6 },
      { offset: 152, length: 2 },
    ],
  });

  it('groups fragments into frames by the Basic Offset Table, and distrusts a table that does not match the items', () => {
    expect(fragmentRunsFromTable(pixel([0, 30]), 2)).toEqual([
      { first: 0, end: 2 },
      { first: 2, end: 4 },
    ]);
    expect(fragmentRunsFromTable(pixel([0, 18, 44]), 3)).toEqual([
      { first: 0, end: 1 },
      { first: 1, end: 3 },
      { first: 3, end: 4 },
    ]);
    expect(fragmentRunsFromTable(pixel([0, 31]), 2)).toBeUndefined();
    expect(fragmentRunsFromTable(pixel([30, 0]), 2)).toBeUndefined();
    expect(fragmentRunsFromTable(pixel([]), 2)).toBeUndefined();
    expect(fragmentRunsFromTable(pixel([]), 1)).toEqual([{ first: 0, end: 4 }]);
    expect(fragmentRunsFromTable(pixel([]), 4)).toEqual([0, 1, 2, 3].map((i) => ({ first: i, end: i + 1 })));
  });

  it('reads start markers only as far as the last frame asked for', async () => {
    const starts = new Set([0, 10, 20, 30]);
    let read = 0;
    const readStarts = async (from: number, to: number) => {
      read += to - from;
      return Array.from({ length: to - from }, (_, i) => starts.has(from + i));
    };
    expect(await fragmentRunsFromMarkers(40, 4, 1, readStarts)).toEqual([{ first: 0, end: 10 }]);
    expect(read).toBe(16);
    expect(await fragmentRunsFromMarkers(40, 4, 4, readStarts)).toHaveLength(4);
    await expect(fragmentRunsFromMarkers(40, 5, 5, readStarts)).rejects.toThrow(/cannot be split into 5 frames/);
  });

  it('gives byte ranges only for 1-bit frames that start and end on a byte boundary (native-frame.ts shifts the others)', () => {
    const image = { rows: 10, columns: 10, samplesPerPixel: 1, bitsAllocated: 1, numberOfFrames: 3 };
    expect(() => nativeFrameRange(1000, image, 1)).toThrow(/byte boundary/);
    expect(() => nativeFrameRange(1000, image, 2)).toThrow(/byte boundary/);
    expect(nativeFrameRange(1000, { ...image, numberOfFrames: 1 }, 1)).toEqual({ start: 0, end: 13 });
    expect(nativeFrameRange(1000, { ...image, rows: 16 }, 2)).toEqual({ start: 20, end: 40 });
    expect(() => nativeFrameRange(30, { ...image, rows: 16 }, 2)).toThrow(/past the end/);
  });
});

describe('Accept negotiation for frames (PS3.18 8.7.3.5)', () => {
  const jpeg: Representation = { mediaType: 'image/jpeg', transferSyntax: '1.2.840.10008.1.2.4.50', uncompressed: false };
  const native: Representation = { mediaType: 'application/octet-stream', transferSyntax: '1.2.840.10008.1.2.1', uncompressed: true };
  it.each([
    [undefined, jpeg, 'multipart'],
    ['*/*', jpeg, 'multipart'],
    ['multipart/related', jpeg, 'multipart'],
    ['multipart/related; type=application/octet-stream; transfer-syntax=*', jpeg, 'multipart'],
    ['multipart/related; type="application/octet-stream; transfer-syntax=*"', jpeg, 'multipart'],
    ['multipart/related; type="application/octet-stream"', jpeg, undefined],
    ['multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1', jpeg, undefined],
    ['multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.4.50', jpeg, 'multipart'],
    ['multipart/related; type="image/jpeg"', jpeg, 'multipart'],
    ['multipart/related; type="image/*"', jpeg, 'multipart'],
    ['multipart/related; type="image/jpeg"; transfer-syntax=1.2.840.10008.1.2.4.70', jpeg, undefined],
    ['multipart/related; type="image/jls", multipart/related; type="image/jpeg"; q=0.5', jpeg, 'multipart'],
    ['multipart/related; type="image/jpeg"; q=0', jpeg, undefined],
    ['image/jpeg', jpeg, 'single'],
    ['multipart/related; type="application/octet-stream"', native, 'multipart'],
    ['multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1', native, 'multipart'],
    ['multipart/related; type="image/jpeg"', native, undefined],
    ['application/octet-stream', native, 'single'],
    ['application/dicom', native, undefined],
  ] as const)('%s', (accept, offered, expected) => {
    expect(negotiateBulk(accept, offered, true)).toBe(expected);
  });

  it('offers a bare body only for a single frame', () => {
    expect(negotiateBulk('image/jpeg', jpeg, false)).toBeUndefined();
  });
});
