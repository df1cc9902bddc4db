import { beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../server/codecs/codec-registry';
import { encodeFrame, encodeProblem, LOSSLESS_ENCODINGS, LOSSY_ENCODINGS, type EncodedFrame } from '../../server/codecs/encode-registry';
import { interleavePlanes, nativeFrameBytes, type FrameGeometry } from '../../server/codecs/frame-geometry';
import { isAppError } from '../../shared/errors';
import { readHtj2kLayout } from '../../shared/codecs/htj2k-codestream';
import { CORPUS_DIR } from '../helpers/corpus';
import { corpusGeometry } from '../helpers/corpus-geometry';
import { eventLoopTurnsDuring } from '../helpers/event-loop-turns';
import { dcmtkDecode, encapsulatedPart10, ojphCompressRgb, ojphExpand, opjDecompress } from '../helpers/encoded-frame-references';
import { decodeHtj2k } from '../helpers/htj2k-rpcl';
import { gdcmRaw } from '../helpers/reference-decoders';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The frame encoders (issue 11 item 2) on real corpus frames, checked against decoders that
 * share no code with them: OpenJPH's ojph_expand and OpenJPEG's opj_decompress for HTJ2K,
 * DCMTK's dcmdjpls and GDCM for JPEG-LS, every byte compared with the pixels GDCM decoded from
 * the corpus file.
 */

const JPEG_LS = '1.2.840.10008.1.2.4.80';
const HTJ2K = '1.2.840.10008.1.2.4.201';
const RPCL = '1.2.840.10008.1.2.4.202';
const HTJ2K_LOSSY = '1.2.840.10008.1.2.4.203';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

interface Case {
  name: string;
  file: string;
  geometry: FrameGeometry;
  /** The first frame as GDCM decodes it: little-endian, interleaved. */
  pixels: Buffer;
}

const FILES: Array<[string, string]> = [
  ['CT 16-bit, Bits Stored 12', 'series/ct-abdomen-philips-tcia/1-036.dcm'],
  ['CT signed 16-bit', 'other-modalities/ct-rt-planning-dicompyler.dcm'],
  ['DX 8-bit grey, 211×169', 'radiography/dx-for-presentation-mono1.dcm'],
  ['US 8-bit RGB', 'color/rgb-us-nema-us1.dcm'],
  ['MR 12-bit (stored as JPEG 2000)', 'transfer-syntaxes/mr-siemens-trio-1.2.4.90_jpeg2000-lossless.dcm'],
];

function corpusCase(name: string, file: string): Case {
  // Interleaved whatever the file says: GDCM's planes, if any, are interleaved below.
  const geometry: FrameGeometry = { ...corpusGeometry(file), planarConfiguration: 0 };
  const reference = gdcmRaw(path.join(CORPUS_DIR, file));
  const frame = reference.pixels.subarray(0, nativeFrameBytes(geometry));
  const pixels = reference.planarConfiguration === 1 ? interleavePlanes(frame, 3, geometry.bitsAllocated / 8) : frame;
  return { name, file, geometry, pixels: Buffer.from(pixels) };
}

/** Samples of a little-endian frame as numbers, signed where the geometry says so. */
function samples(bytes: Uint8Array, geometry: FrameGeometry): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const wide = geometry.bitsAllocated === 16;
  const out = new Int32Array(bytes.length / (wide ? 2 : 1));
  for (let i = 0; i < out.length; i++)
    out[i] = !wide ? bytes[i]! : geometry.pixelRepresentation === 1 ? view.getInt16(2 * i, true) : view.getUint16(2 * i, true);
  return out;
}

/** Peak signal-to-noise ratio of `b` against `a`, the peak being the range of `a`'s values. */
function psnr(a: Int32Array, b: Int32Array): number {
  let squares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) {
    squares += (a[i]! - b[i]!) ** 2;
    min = Math.min(min, a[i]!);
    max = Math.max(max, a[i]!);
  }
  return 10 * Math.log10((max - min) ** 2 / (squares / a.length));
}

const cases: Case[] = [];
const encoded = new Map<string, EncodedFrame>();
const key = (c: Case, uid: string) => `${c.name} ${uid}`;

beforeAll(async () => {
  for (const [name, file] of FILES) cases.push(corpusCase(name, file));
  for (const c of cases)
    for (const uid of [...LOSSLESS_ENCODINGS, HTJ2K_LOSSY]) encoded.set(key(c, uid), await encodeFrame(uid, c.pixels, c.geometry));
}, 60_000);

describe.each(FILES.map(([name]) => name))('%s', (name) => {
  const theCase = () => cases.find((c) => c.name === name)!;

  it('HTJ2K .201 and .202 are one codestream that ojph_expand and opj_decompress decode to every input byte', () => {
    const c = theCase();
    const rpcl = encoded.get(key(c, RPCL))!;
    expect(Buffer.from(encoded.get(key(c, HTJ2K))!.bytes).equals(Buffer.from(rpcl.bytes))).toBe(true);
    expect(rpcl.lossy).toBeUndefined();
    expect(rpcl.photometricInterpretation).toBe(c.geometry.samplesPerPixel === 3 ? 'YBR_RCT' : c.geometry.photometricInterpretation);

    const openJpeg = opjDecompress(rpcl.bytes, c.geometry);
    expect(openJpeg.pixels.equals(c.pixels)).toBe(true);

    const openJph = ojphExpand(rpcl.bytes, c.geometry.samplesPerPixel);
    expect([openJph.width, openJph.height]).toEqual([c.geometry.columns, c.geometry.rows]);
    if (c.geometry.pixelRepresentation === 0) expect(openJph.pixels.equals(c.pixels)).toBe(true);
    else {
      // ojph_expand writes PGM, which is unsigned: it can vouch for the samples >= 0 only (opj_decompress did for all).
      const input = samples(c.pixels, c.geometry);
      const output = samples(openJph.pixels, { ...c.geometry, pixelRepresentation: 0 });
      expect(input.some((v) => v < 0)).toBe(true);
      expect(output.every((v, i) => v === Math.max(0, input[i]!))).toBe(true);
    }
  });

  it('JPEG-LS .80 decodes to every input byte with DCMTK dcmdjpls and with GDCM', () => {
    const c = theCase();
    const jls = encoded.get(key(c, JPEG_LS))!;
    expect(jls.lossy).toBeUndefined();
    expect(jls.photometricInterpretation).toBe(c.geometry.photometricInterpretation);
    const part10 = encapsulatedPart10(jls.bytes, c.geometry, JPEG_LS, jls.photometricInterpretation);
    expect(dcmtkDecode(part10, 'dcmdjpls').subarray(0, c.pixels.length).equals(c.pixels)).toBe(true);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jls-')), 'frame.dcm');
    fs.writeFileSync(file, part10);
    try {
      expect(gdcmRaw(file).pixels.subarray(0, c.pixels.length).equals(c.pixels)).toBe(true);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('.202: RPCL, TLM, one tile-part per resolution; each tile-part prefix decodes at its resolution in OpenJPH, ojph_expand and opj_decompress alike', async () => {
    const c = theCase();
    const bytes = encoded.get(key(c, RPCL))!.bytes;
    const layout = readHtj2kLayout(bytes);
    expect(layout.progressionOrder).toBe('RPCL');
    expect(layout.tilePartEnds).toHaveLength(layout.decompositions + 1);
    expect(layout.tilePartEnds.at(-1)).toBe(bytes.length - 2); // then EOC
    // PS3.5 10.18: the smallest resolution is at most 64 across; we aim under 32.
    const smallest = Math.max(c.geometry.rows, c.geometry.columns) / 2 ** layout.decompositions;
    expect(smallest).toBeLessThan(32);
    expect(layout.decompositions === 0 || smallest >= 8).toBe(true);

    for (let k = 0; k < layout.tilePartEnds.length; k++) {
      const skip = layout.decompositions - k;
      const prefix = bytes.subarray(0, layout.tilePartEnds[k]);
      // The prefix ends without EOC, as a client holding a byte range has it.
      const ours = Buffer.from(await decodeHtj2k(prefix, skip));
      const whole = opjDecompress(bytes, c.geometry, skip);
      expect(ours.equals(whole.pixels)).toBe(true);
      const withEoc = Buffer.concat([prefix, Buffer.from([0xff, 0xd9])]);
      expect(opjDecompress(withEoc, c.geometry, skip).pixels.equals(whole.pixels)).toBe(true);
      if (c.geometry.pixelRepresentation === 0)
        expect(ojphExpand(withEoc, c.geometry.samplesPerPixel, skip).pixels.equals(whole.pixels)).toBe(true);
    }
  });

  it('is deterministic: the same frame gives the same bytes in every syntax', async () => {
    const c = theCase();
    for (const uid of [JPEG_LS, RPCL, HTJ2K_LOSSY])
      expect(Buffer.from((await encodeFrame(uid, c.pixels, c.geometry)).bytes).equals(Buffer.from(encoded.get(key(c, uid))!.bytes))).toBe(
        true,
      );
  });

  it('lossy HTJ2K .203 says so, is smaller than lossless, and decodes in OpenJPEG and OpenJPH to a close image', () => {
    const c = theCase();
    const lossy = encoded.get(key(c, HTJ2K_LOSSY))!;
    expect(lossy.lossy?.method).toBe('ISO_15444_15');
    expect(lossy.lossy!.ratio).toBeCloseTo(c.pixels.length / lossy.bytes.length, 6);
    expect(lossy.bytes.length).toBeLessThan(encoded.get(key(c, RPCL))!.bytes.length);
    expect(lossy.photometricInterpretation).toBe(c.geometry.samplesPerPixel === 3 ? 'YBR_ICT' : c.geometry.photometricInterpretation);
    const decoded = opjDecompress(lossy.bytes, c.geometry);
    expect([decoded.width, decoded.height]).toEqual([c.geometry.columns, c.geometry.rows]);
    expect(psnr(samples(c.pixels, c.geometry), samples(decoded.pixels, c.geometry))).toBeGreaterThan(45);
    expect(ojphExpand(lossy.bytes, c.geometry.samplesPerPixel).pixels.length).toBe(decoded.pixels.length);
  });
});

describe('JPEG Baseline .50', () => {
  it.each([
    ['DX 8-bit grey, 211×169', 'MONOCHROME1'],
    ['US 8-bit RGB', 'YBR_FULL_422'],
  ])('%s: sequential DCT (SOF0) at quality 90, decoded by DCMTK close to the input', async (name, photometric) => {
    const c = cases.find((x) => x.name === name)!;
    const jpeg = await encodeFrame(JPEG_BASELINE, c.pixels, c.geometry);
    expect(jpeg.photometricInterpretation).toBe(photometric);
    expect(jpeg.lossy).toEqual({ method: 'ISO_10918_1', ratio: c.pixels.length / jpeg.bytes.length });
    expect(jpeg.lossy!.ratio).toBeGreaterThan(3);
    const markers = Buffer.from(jpeg.bytes);
    expect(markers.indexOf(Buffer.from([0xff, 0xc0]))).toBeGreaterThan(0);
    expect(markers.indexOf(Buffer.from([0xff, 0xc2]))).toBe(-1); // not progressive
    // DCMTK converts YBR_FULL_422 back to RGB (its default, as the archive's decoder does).
    const decoded = dcmtkDecode(encapsulatedPart10(jpeg.bytes, c.geometry, JPEG_BASELINE, photometric), 'dcmdjpeg');
    expect(psnr(samples(c.pixels, c.geometry), samples(decoded.subarray(0, c.pixels.length), c.geometry))).toBeGreaterThan(33);
    const ours = await decodeFrame(JPEG_BASELINE, jpeg.bytes, { ...c.geometry, photometricInterpretation: photometric });
    expect(psnr(samples(c.pixels, c.geometry), samples(ours.pixels, c.geometry))).toBeGreaterThan(33);
  });
});

it('codes frames under 32 pixels across losslessly too (OpenJPH with no decomposition turned samples of 0 into 128)', async () => {
  const c = cases[0]!;
  const [rows, columns] = [20, 24];
  // A corner of the CT slice, outside the body: mostly samples of 0.
  const crop = Buffer.alloc(rows * columns * 2);
  for (let y = 0; y < rows; y++) c.pixels.copy(crop, y * columns * 2, y * c.geometry.columns * 2, (y * c.geometry.columns + columns) * 2);
  const geometry = { ...c.geometry, rows, columns };
  const codestream = (await encodeFrame(RPCL, crop, geometry)).bytes;
  expect(readHtj2kLayout(codestream).decompositions).toBe(1);
  expect(opjDecompress(codestream, geometry).pixels.equals(crop)).toBe(true);
  expect(ojphExpand(codestream, 1).pixels.equals(crop)).toBe(true);
});

it('decodes RGB HTJ2K without a colour transform in place (the Cornerstone decoder scrambled its lines)', async () => {
  const c = cases.find((x) => x.name === 'US 8-bit RGB')!;
  const codestream = ojphCompressRgb(c.pixels, c.geometry.columns, c.geometry.rows);
  const decoded = await decodeFrame(HTJ2K, codestream, c.geometry);
  expect(Buffer.from(decoded.pixels).equals(c.pixels)).toBe(true);
});

describe('what cannot be encoded', () => {
  const ct = (): FrameGeometry => cases[0]!.geometry;

  it('says why in encodeProblem', () => {
    expect(encodeProblem(RPCL, { ...ct(), samplesPerPixel: 3, photometricInterpretation: 'RGB' })).toMatch(/16-bit colour/);
    expect(encodeProblem(JPEG_LS, { ...ct(), bitsAllocated: 32, bitsStored: 32 })).toMatch(/Bits Allocated 32/);
    expect(encodeProblem(JPEG_BASELINE, ct())).toMatch(/8-bit samples.*Bits Allocated 16/);
    expect(encodeProblem(HTJ2K_LOSSY, { ...cases[2]!.geometry, photometricInterpretation: 'PALETTE COLOR' })).toMatch(/PALETTE COLOR/);
    expect(encodeProblem(JPEG_BASELINE, { ...cases[2]!.geometry, rows: 16, columns: 16 })).toMatch(/at least 32×32/);
    expect(encodeProblem('1.2.840.10008.1.2.4.91', ct())).toMatch(/no encoder/);
    for (const uid of [...LOSSLESS_ENCODINGS, HTJ2K_LOSSY]) expect(encodeProblem(uid, ct())).toBeUndefined();
    expect(LOSSY_ENCODINGS).toEqual([HTJ2K_LOSSY, JPEG_BASELINE]);
  });

  it('answers a frame of the wrong length, and a geometry it refuses, with a 406', async () => {
    for (const [uid, pixels, geometry] of [
      [RPCL, cases[0]!.pixels.subarray(1), ct()],
      [JPEG_LS, Buffer.alloc(7), ct()],
      [JPEG_BASELINE, cases[0]!.pixels, ct()],
    ] as const) {
      const error: unknown = await encodeFrame(uid, pixels, geometry).catch((e: unknown) => e);
      expect(isAppError(error) && error.status).toBe(406);
    }
  });
});

it('encodes on worker threads: the event loop keeps turning while 50 CT frames encode', async () => {
  const c = cases[0]!;
  const {
    result: results,
    ticks,
    worstGap,
    elapsed,
  } = await eventLoopTurnsDuring(() =>
    Promise.all(Array.from({ length: 50 }, (_, i) => encodeFrame(i % 2 ? RPCL : JPEG_LS, c.pixels, c.geometry))),
  );
  expect(results.every((r, i) => Buffer.from(r.bytes).equals(Buffer.from(encoded.get(key(c, i % 2 ? RPCL : JPEG_LS))!.bytes)))).toBe(true);
  // Fifty ~20 ms encodes on this thread would stall it for a second in one piece.
  expect(worstGap).toBeLessThan(100);
  expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
});
