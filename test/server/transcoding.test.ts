import { inflateRawSync } from 'node:zlib';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { CORPUS_DIR, corpusEntry, corpusFile, corpusInstanceUrl, corpusManifest, type CorpusEntry } from '../helpers/corpus';
import { getMultipart, stowFiles, withZeroPreamble, expectStored } from '../helpers/dicomweb-http';
import { dcmconvExplicitLittleEndian, gdcmRaw, openJpegDecode } from '../helpers/reference-decoders';
import { startTestArchive, type TestArchive } from '../helpers/start-app';

/**
 * Transcoding on request (PS3.18 8.7.3): every encapsulated image of the corpus decoded through
 * the real Retrieve Frames endpoint and compared with an independent decoder (GDCM's
 * `gdcmconv --raw`; OpenJPEG's `opj_decompress` for HTJ2K, which this GDCM cannot read; zlib for
 * Deflated Image Frame Compression), then retrieved as a whole instance in Explicit VR Little
 * Endian and compared attribute by attribute with the stored file.
 */

const OCTETS = 'multipart/related; type="application/octet-stream"';
const DEFAULT_DICOM = 'multipart/related; type="application/dicom"';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

const ENCAPSULATED = corpusManifest().filter((e) => transferSyntax(e.transferSyntaxUID ?? '')?.encapsulated);

/** Lossy JPEG colour: GDCM leaves YBR_FULL samples, we give RGB; converting theirs may round differently by 1. */
const COLOUR_TOLERANCE = 1;

interface Parsed {
  ds: dicomParser.DataSet;
  frames: number;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  photometric: string;
}

function parse(bytes: Uint8Array): Parsed {
  const ds = dicomParser.parseDicom(bytes);
  return {
    ds,
    frames: ds.intString('x00280008') ?? 1,
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    samplesPerPixel: ds.uint16('x00280002') ?? 1,
    bitsAllocated: ds.uint16('x00280100') ?? 0,
    bitsStored: ds.uint16('x00280101') ?? 0,
    photometric: ds.string('x00280004') ?? '',
  };
}

/** Each frame's codestream, read from the original file by dicom-parser. */
function codestreams(p: Parsed): Uint8Array[] {
  const pixel = p.ds.elements.x7fe00010!;
  const fragments = pixel.fragments!;
  if (p.frames === 1) return [dicomParser.readEncapsulatedPixelDataFromFragments(p.ds, pixel, 0, fragments.length)];
  const table =
    pixel.basicOffsetTable!.length > 0
      ? undefined
      : fragments.length === p.frames
        ? fragments.map((f) => f.offset)
        : dicomParser.createJPEGBasicOffsetTable(p.ds, pixel);
  return Array.from({ length: p.frames }, (_, k) => dicomParser.readEncapsulatedImageFrame(p.ds, pixel, k, table));
}

/** PS3.3 C.7.6.3.1.2: YBR_FULL to RGB. */
function ybrFullToRgb(ybr: Buffer): Buffer {
  const out = Buffer.alloc(ybr.length);
  const clamp = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  for (let i = 0; i + 2 < ybr.length; i += 3) {
    const y = ybr[i]!;
    const cb = ybr[i + 1]! - 128;
    const cr = ybr[i + 2]! - 128;
    out[i] = clamp(y + 1.402 * cr);
    out[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    out[i + 2] = clamp(y + 1.772 * cb);
  }
  return out;
}

function maxDifference(a: Buffer, b: Buffer): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** What an independent decoder makes of the whole file: all frames, and the photometric interpretation we must report. */
function reference(entry: CorpusEntry, original: Parsed): { pixels: Buffer; photometric: string; tolerance: number } {
  const syntax = entry.transferSyntaxUID!;
  if (syntax === '1.2.840.10008.1.2.8.1') {
    return { pixels: Buffer.concat(codestreams(original).map((c) => inflateRawSync(c))), photometric: original.photometric, tolerance: 0 };
  }
  if (/^1\.2\.840\.10008\.1\.2\.4\.20[123]$/.test(syntax)) {
    const bytes = original.bitsAllocated / 8;
    const pixels = Buffer.concat(codestreams(original).map((c) => openJpegDecode(c, original.samplesPerPixel, bytes)));
    return { pixels, photometric: original.samplesPerPixel === 3 ? 'RGB' : original.photometric, tolerance: 0 };
  }
  const gdcm = gdcmRaw(path.join(CORPUS_DIR, entry.path));
  expect(gdcm.planarConfiguration, 'GDCM output is interleaved').toBe(0);
  if (gdcm.photometricInterpretation === 'YBR_FULL' && original.samplesPerPixel === 3 && transferSyntax(syntax)?.lossy) {
    return { pixels: ybrFullToRgb(gdcm.pixels), photometric: 'RGB', tolerance: COLOUR_TOLERANCE };
  }
  return { pixels: gdcm.pixels, photometric: gdcm.photometricInterpretation, tolerance: 0 };
}

/**
 * Every attribute value (by path through items), except group lengths, the file meta group, the
 * given tags, and what is not an attribute: item delimiters and Data Set Trailing Padding.
 */
function values(ds: dicomParser.DataSet, skip: ReadonlySet<string>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [tag, el] of Object.entries(ds.elements)) {
    if (tag.endsWith('0000') || tag.startsWith('x0002') || tag.startsWith('xfffe') || tag === 'xfffcfffc' || skip.has(tag)) continue;
    if (el.items) {
      el.items.forEach(
        (item, i) => item.dataSet && values(item.dataSet, new Set(), `${prefix}${tag}/${i}/`).forEach((v, k) => out.set(k, v)),
      );
    } else {
      out.set(prefix + tag, Buffer.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length)).toString('hex'));
    }
  }
  return out;
}

describe('Transcoding: every encapsulated image in the corpus, decoded by Retrieve Frames and retrieved in Explicit VR Little Endian', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('covers the transfer syntaxes of the corpus', () => {
    const syntaxes = new Set(ENCAPSULATED.map((e) => e.transferSyntaxUID));
    expect(ENCAPSULATED.length).toBeGreaterThanOrEqual(38);
    for (const n of ['50', '51', '53', '55', '57', '70', '80', '81', '90', '91', '202'])
      expect(syntaxes.has(`1.2.840.10008.1.2.4.${n}`)).toBe(true);
    expect(syntaxes.has('1.2.840.10008.1.2.5')).toBe(true);
    expect(syntaxes.has('1.2.840.10008.1.2.8.1')).toBe(true);
  });

  it.each(ENCAPSULATED.map((e) => [e.path, e] as const))('%s', async (file, entry) => {
    const bytes = corpusFile(file);
    const stow = await stowFiles(archive, [bytes]);
    if (stow.status !== 200) {
      // Files without the UIDs STOW-RS requires are refused there, with a precise 4xx.
      expect(file).toMatch(/^malformed\//);
      expect(stow.status).toBeGreaterThanOrEqual(400);
      expect(stow.status).toBeLessThan(500);
      return;
    }
    const url = corpusInstanceUrl(archive.dicomWeb, entry);
    try {
      const original = parse(new Uint8Array(bytes));
      const list = Array.from({ length: original.frames }, (_, k) => k + 1).join(',');
      const res = await archive.fetch(`${url}/frames/${list}`, { headers: { accept: OCTETS } });
      await res.arrayBuffer();
      const { status, parts } = await getMultipart(archive, `${url}/frames/${list}`, OCTETS);
      expect(status).toBe(200);
      expect(parts).toHaveLength(original.frames);
      const frameBytes = Math.ceil((original.rows * original.columns * original.samplesPerPixel * original.bitsAllocated) / 8);
      for (const part of parts) {
        expect(part.headers['content-type']).toBe(`application/octet-stream; transfer-syntax=${EXPLICIT_LE}`);
        expect(part.body.length).toBe(frameBytes);
      }
      const decoded = Buffer.concat(parts.map((p) => p.body));
      const expected = reference(entry, original);
      expect(decoded.length).toBe(expected.pixels.length);
      if (expected.tolerance === 0) expect(decoded.equals(expected.pixels), 'decoded frames equal the reference decoder').toBe(true);
      else expect(maxDifference(decoded, expected.pixels)).toBeLessThanOrEqual(expected.tolerance);

      // The whole instance, with no transfer syntax named: Explicit VR Little Endian (PS3.18 8.7.3.5.2).
      const retrieved = await getMultipart(archive, url, DEFAULT_DICOM);
      expect(retrieved.status).toBe(200);
      expect(retrieved.contentType).toMatch(/transfer-syntax=1\.2\.840\.10008\.1\.2\.1(;|$)/);
      expect(retrieved.parts[0]!.headers['content-type']).toBe(`application/dicom; transfer-syntax=${EXPLICIT_LE}`);
      const part10 = retrieved.parts[0]!.body;
      expect(part10.length).toBe(Number(retrieved.parts[0]!.headers['content-length']));
      const transcoded = parse(new Uint8Array(part10));
      expect(transcoded.ds.string('x00020010')).toBe(EXPLICIT_LE);
      expect(transcoded.photometric).toBe(expected.photometric);
      const pixel = transcoded.ds.elements.x7fe00010!;
      expect(pixel.encapsulatedPixelData ?? false).toBe(false);
      expect(Buffer.from(part10.subarray(pixel.dataOffset, pixel.dataOffset + decoded.length)).equals(decoded)).toBe(true);
      expect(pixel.length - decoded.length).toBeLessThanOrEqual(1); // even-length padding only
      if (original.samplesPerPixel > 1) expect(transcoded.ds.uint16('x00280006')).toBe(0);
      if (transferSyntax(entry.transferSyntaxUID!)?.lossy) expect(transcoded.ds.string('x00282110')).toBe('01');
      const replaced = new Set(['x7fe00010', 'x00280004', 'x00280006', 'x00282110']);
      expect(values(transcoded.ds, replaced)).toEqual(values(original.ds, replaced));
    } finally {
      await archive.fetch(url, { method: 'DELETE' });
    }
  });
});

describe('Instance retrieval without a transfer syntax, for every file of the corpus', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await startTestArchive();
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('answers every stored instance in Explicit VR Little Endian (12-bit lossy JPEG included); never a 5xx', async () => {
    const statuses = new Map<number, string[]>();
    for (const entry of corpusManifest()) {
      if (entry.path.endsWith('DICOMDIR')) continue;
      if ((await stowFiles(archive, [corpusFile(entry.path)])).status !== 200) continue; // refused at STOW (missing UIDs)
      const url = corpusInstanceUrl(archive.dicomWeb, entry);
      try {
        const { status, parts } = await getMultipart(archive, url, DEFAULT_DICOM);
        statuses.set(status, [...(statuses.get(status) ?? []), entry.path]);
        if (status !== 200) continue;
        const ds = dicomParser.parseDicom(new Uint8Array(parts[0]!.body));
        expect(ds.string('x00020010'), entry.path).toBe(EXPLICIT_LE);
        expect(ds.string('x00080018'), entry.path).toBe(entry.sopInstanceUID);
      } finally {
        await archive.fetch(url, { method: 'DELETE' });
      }
    }
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)!.length).toBeGreaterThan(320);
  });
});

describe('Instance retrieval: which transfer syntax (PS3.18 8.7.3.5.2)', () => {
  let archive: TestArchive;
  const JPEG_LS = 'transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm';
  const IMPLICIT = 'transfer-syntaxes/ct1-1.2_implicit-vr-le.dcm';
  const BIG_ENDIAN = 'transfer-syntaxes/ct1-1.2.2_explicit-vr-be.dcm';
  const DEFLATED = 'transfer-syntaxes/ct1-1.2.1.99_deflated.dcm';
  const EXPLICIT = 'transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm';
  beforeAll(async () => {
    archive = await startTestArchive();
  });
  afterAll(async () => {
    await archive?.stop();
  });

  async function withStored(file: string, check: (url: string) => Promise<void>): Promise<void> {
    await expectStored(archive, [corpusFile(file)]);
    const url = corpusInstanceUrl(archive.dicomWeb, corpusEntry(file));
    try {
      await check(url);
    } finally {
      await archive.fetch(url, { method: 'DELETE' });
    }
  }

  it('sends the stored bytes for transfer-syntax=* and for the stored syntax named; 406 for any other syntax', async () => {
    await withStored(JPEG_LS, async (url) => {
      const stored = withZeroPreamble(corpusFile(JPEG_LS));
      for (const accept of [`${DEFAULT_DICOM}; transfer-syntax=*`, `${DEFAULT_DICOM}; transfer-syntax=1.2.840.10008.1.2.4.80`]) {
        const { status, parts } = await getMultipart(archive, url, accept);
        expect(status).toBe(200);
        expect(parts[0]!.body.equals(stored)).toBe(true);
      }
      const res = await archive.fetch(url, { headers: { accept: `${DEFAULT_DICOM}; transfer-syntax=1.2.840.10008.1.2.4.90` } });
      expect(res.status).toBe(406);
      expect(((await res.json()) as { message: string }).message).toMatch(/1\.2\.840\.10008\.1\.2\.4\.90.*Explicit VR Little Endian/);
    });
  });

  it('re-encodes native instances stored implicit VR, big endian or deflated: the Explicit VR Little Endian file, attribute for attribute', async () => {
    const reference = parse(new Uint8Array(corpusFile(EXPLICIT)));
    const skip = new Set<string>();
    for (const file of [IMPLICIT, BIG_ENDIAN, DEFLATED]) {
      await withStored(file, async (url) => {
        const { status, parts } = await getMultipart(archive, url, `${DEFAULT_DICOM}; transfer-syntax=${EXPLICIT_LE}`);
        expect(status).toBe(200);
        const transcoded = parse(new Uint8Array(parts[0]!.body));
        expect(transcoded.ds.string('x00020010')).toBe(EXPLICIT_LE);
        expect(transcoded.ds.elements.x00100010?.vr, file).toBe('PN');
        const pixel = (ds: dicomParser.DataSet) =>
          Buffer.from(ds.byteArray.subarray(ds.elements.x7fe00010!.dataOffset, ds.elements.x7fe00010!.dataOffset + 512 * 512 * 2));
        expect(pixel(transcoded.ds).equals(pixel(reference.ds)), file).toBe(true);
        expect(transcoded.ds.uint16('x00280010')).toBe(512);
        expect(transcoded.ds.string('x00080060')).toBe(reference.ds.string('x00080060'));
        expect(transcoded.ds.floatString('x00281052')).toBe(reference.ds.floatString('x00281052'));
        if (file === IMPLICIT) expect(values(transcoded.ds, skip)).toEqual(values(parse(new Uint8Array(corpusFile(IMPLICIT))).ds, skip));
      });
    }
  });

  it('re-encodes implicit VR, big endian and deflated data sets as DCMTK does (dcmconv +te): every attribute value equal', async () => {
    const files = [
      'non-image/rtplan.dcm',
      'non-image/rtstruct.dcm',
      'other-modalities/rtimage.dcm',
      'charsets/iso-ir-100-latin1-pt.dcm',
      'series/ct-abdomen-philips-tcia/1-036.dcm',
      IMPLICIT,
      BIG_ENDIAN,
      DEFLATED,
      'non-image/sr-enhanced-deflated.dcm',
      'non-image/waveform-hemodynamic-deflated.dcm',
    ];
    // DCMTK drops value padding that we keep byte for byte ("  " becomes empty): compare without it.
    const unpadded = (m: Map<string, string>) => new Map([...m].map(([k, v]) => [k, v.replace(/(20|00)+$/, '')]));
    for (const file of files) {
      await withStored(file, async (url) => {
        const { status, parts } = await getMultipart(archive, url, DEFAULT_DICOM);
        expect(status, file).toBe(200);
        const ours = parse(new Uint8Array(parts[0]!.body)).ds;
        const dcmtk = parse(new Uint8Array(dcmconvExplicitLittleEndian(path.join(CORPUS_DIR, file)))).ds;
        const none = new Set<string>();
        expect(values(ours, none).size, file).toBeGreaterThan(60);
        expect(unpadded(values(ours, none)), file).toEqual(unpadded(values(dcmtk, none)));
      });
    }
  });

  it('sends an instance stored Explicit VR Little Endian as stored when asked for that or for nothing in particular', async () => {
    await withStored(EXPLICIT, async (url) => {
      for (const accept of [DEFAULT_DICOM, '*/*', '']) {
        const { status, parts } = await getMultipart(archive, url, accept);
        expect(status, accept).toBe(200);
        expect(parts[0]!.body.equals(withZeroPreamble(corpusFile(EXPLICIT)))).toBe(true);
      }
    });
  });

  it('frames: the stored form where the client accepts it, decoded where it prefers that (q-values honoured)', async () => {
    const rle = 'multiframe/enhanced-ct-2f-rle-bot.dcm';
    const decoded = gdcmRaw(path.join(CORPUS_DIR, rle)).pixels.subarray(512 * 512 * 2);
    await withStored(rle, async (url) => {
      const cases: Array<[string, string]> = [
        ['*/*', 'image/dicom-rle'],
        [`${OCTETS}; transfer-syntax=*`, 'image/dicom-rle'],
        [`${OCTETS}; transfer-syntax=${EXPLICIT_LE}`, 'application/octet-stream'],
        [`${OCTETS}; q=0.9, multipart/related; type="image/dicom-rle"; q=0.5`, 'application/octet-stream'],
        [`multipart/related; type="image/dicom-rle"; q=0.9, ${OCTETS}; q=0.5`, 'image/dicom-rle'],
        [`multipart/related; type="image/dicom-rle", ${OCTETS}`, 'image/dicom-rle'],
      ];
      for (const [accept, mediaType] of cases) {
        const { status, parts } = await getMultipart(archive, `${url}/frames/2`, accept);
        expect(status, accept).toBe(200);
        expect(parts[0]!.headers['content-type']!.split(';')[0], accept).toBe(mediaType);
        if (mediaType === 'application/octet-stream') expect(parts[0]!.body.equals(decoded), accept).toBe(true);
      }
      const single = await archive.fetch(`${url}/frames/2`, { headers: { accept: 'application/octet-stream' } });
      expect(single.status).toBe(200);
      expect(single.headers.get('content-type')).toBe(`application/octet-stream; transfer-syntax=${EXPLICIT_LE}`);
      expect(Buffer.from(await single.arrayBuffer()).equals(decoded)).toBe(true);
    });
  });

  it('decides for every instance of a study before answering: one instance without a decoder is a 406 on its own, not a cut multipart (the study: retrieve-partial-content.test.ts)', async () => {
    const files = ['transfer-syntaxes/ct1-1.2.4.70_jpeg-lossless-sv1.dcm', 'transfer-syntaxes/ct1-1.2.4.91_jpeg2000.dcm'];
    // The two copies have different SOP Instance UIDs but share the study. The second is relabelled
    // JPEG 2000 Part 2 (.92, a UID of the same length), for which the archive has no decoder.
    const relabelled = Buffer.from(corpusFile(files[1]!));
    const at = relabelled.indexOf('1.2.840.10008.1.2.4.91', 132, 'latin1');
    relabelled.write('1.2.840.10008.1.2.4.92', at, 'latin1');
    await expectStored(archive, [corpusFile(files[0]!)]);
    const stow = await stowFiles(archive, [relabelled]);
    expect(stow.status).toBe(200);
    const study = `${archive.dicomWeb}/studies/${corpusEntry(files[0]!).studyInstanceUID}`;
    try {
      const sop = dicomParser.parseDicom(new Uint8Array(relabelled)).string('x00080018')!;
      const res = await archive.fetch(`${study}/series/${corpusEntry(files[0]!).seriesInstanceUID}/instances/${sop}`, {
        headers: { accept: DEFAULT_DICOM },
      });
      expect(res.status).toBe(406);
      expect(res.headers.get('content-type')).toMatch(/json/);
      expect(((await res.json()) as { message: string }).message).toMatch(/no decoder for JPEG 2000 Part 2/);
      const asStored = await getMultipart(archive, study, `${DEFAULT_DICOM}; transfer-syntax=*`);
      expect(asStored.parts).toHaveLength(2);
    } finally {
      await archive.fetch(study, { method: 'DELETE' });
    }
  });
});
