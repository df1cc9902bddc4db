import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { canDecode, decodeFrame, decodeProblem } from '../../server/codecs/codec-registry';
import type { FrameGeometry } from '../../server/codecs/frame-geometry';
import { jpegFrameHeader } from '../../shared/codecs/jpeg-frame-header';
import { AppError } from '../../shared/errors';
import { corpusFile } from '../helpers/corpus';
import { eventLoopTurnsDuring } from '../helpers/event-loop-turns';
import { gdcmCompress } from '../helpers/reference-decoders';

/**
 * The codec registry on its own (server/codecs): what the HTTP-level transcoding tests cannot
 * reach with the corpus (hand-made RLE, signed samples narrower than their word, broken
 * codestreams), and the decode time of each family. readNativeFrame on stored instances:
 * native-frame.test.ts.
 */

const CT: FrameGeometry = {
  rows: 512,
  columns: 512,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 16,
  pixelRepresentation: 1,
  photometricInterpretation: 'MONOCHROME2',
  planarConfiguration: 0,
};

/** The single frame of a corpus file as stored (all fragments). */
function storedFrame(path: string): Uint8Array {
  const ds = dicomParser.parseDicom(new Uint8Array(corpusFile(path)));
  const pixel = ds.elements.x7fe00010!;
  return dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixel, 0, pixel.fragments!.length);
}

function nativePixels(path: string): Buffer {
  const file = corpusFile(path);
  const ds = dicomParser.parseDicom(new Uint8Array(file));
  const pixel = ds.elements.x7fe00010!;
  return file.subarray(pixel.dataOffset, pixel.dataOffset + 512 * 512 * 2);
}

const CT_NATIVE = 'transfer-syntaxes/ct1-1.2.1_explicit-vr-le.dcm';

describe('codec registry', () => {
  it('knows which encapsulated syntaxes it decodes, and says why it cannot', () => {
    for (const uid of ['50', '51', '57', '70', '80', '81', '90', '91', '201', '202', '203'].map((n) => `1.2.840.10008.1.2.4.${n}`))
      expect(canDecode(uid), uid).toBe(true);
    expect(canDecode('1.2.840.10008.1.2.5')).toBe(true);
    expect(canDecode('1.2.840.10008.1.2.8.1')).toBe(true);
    expect(canDecode('1.2.840.10008.1.2.4.100')).toBe(false); // MPEG-2
    expect(decodeProblem('1.2.840.10008.1.2.4.100', CT)).toMatch(/no decoder for 1\.2\.840\.10008\.1\.2\.4\.100/);
    expect(decodeProblem('1.2.840.10008.1.2.4.51', { ...CT, bitsStored: 12 })).toBeUndefined();
    expect(decodeProblem('1.2.840.10008.1.2.4.51', { ...CT, bitsAllocated: 8, bitsStored: 8 })).toBeUndefined();
    expect(decodeProblem('1.2.840.10008.1.2.4.80', { ...CT, rows: 0 })).toMatch(/Rows/);
  });

  it('decodes lossless CT frames of every family to the native original, byte for byte', async () => {
    const original = nativePixels(CT_NATIVE);
    for (const [file, uid] of [
      ['transfer-syntaxes/ct1-1.2.4.57_jpeg-lossless-p14.dcm', '1.2.840.10008.1.2.4.57'],
      ['transfer-syntaxes/ct1-1.2.4.70_jpeg-lossless-sv1.dcm', '1.2.840.10008.1.2.4.70'],
      ['transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm', '1.2.840.10008.1.2.4.80'],
      ['transfer-syntaxes/ct1-1.2.4.90_jpeg2000-lossless.dcm', '1.2.840.10008.1.2.4.90'],
      ['transfer-syntaxes/ct1-1.2.5_rle-lossless.dcm', '1.2.840.10008.1.2.5'],
    ] as const) {
      const { pixels, photometricInterpretation } = await decodeFrame(uid, storedFrame(file), CT);
      expect(Buffer.from(pixels).equals(original), file).toBe(true);
      expect(photometricInterpretation).toBe('MONOCHROME2');
    }
  });

  it('keeps signed samples with Bits Stored < Bits Allocated as they were (12 of 16 bits, negative values sign-extended), like GDCM', async () => {
    // The CT slice made 12-bit signed, then compressed losslessly by GDCM in four syntaxes.
    const file = Buffer.from(corpusFile(CT_NATIVE));
    const ds = dicomParser.parseDicom(new Uint8Array(file));
    file.writeUInt16LE(12, ds.elements.x00280101!.dataOffset);
    file.writeUInt16LE(11, ds.elements.x00280102!.dataOffset);
    const pixelOffset = ds.elements.x7fe00010!.dataOffset;
    for (let i = 0; i < 512 * 512; i++) {
      const at = pixelOffset + 2 * i;
      file.writeInt16LE(Math.max(-2048, Math.min(2047, file.readInt16LE(at))), at);
    }
    const twelveBit = file.subarray(pixelOffset, pixelOffset + 512 * 512 * 2);
    expect(twelveBit.readInt16LE(0)).toBe(-2000); // the padding outside the scan circle: negative
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signed-'));
    try {
      const source = path.join(dir, 'ct12.dcm');
      fs.writeFileSync(source, file);
      const uids: string[] = [];
      for (const options of [['--jpegls'], ['--j2k'], ['--rle'], ['--jpeg']]) {
        const compressed = dicomParser.parseDicom(new Uint8Array(gdcmCompress(source, options)));
        const uid = compressed.string('x00020010')!;
        uids.push(uid);
        const pixel = compressed.elements.x7fe00010!;
        const frame = dicomParser.readEncapsulatedPixelDataFromFragments(compressed, pixel, 0, pixel.fragments!.length);
        const { pixels } = await decodeFrame(uid, frame, { ...CT, bitsStored: 12 });
        expect(Buffer.from(pixels).equals(twelveBit), `${options.join(' ')} → ${uid}`).toBe(true);
      }
      expect(uids).toEqual(['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.70']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes a hand-made RLE frame (PS3.5 G.3: literal runs, replicate runs, the 128 no-op)', async () => {
    // 2×3 pixels, 16 bits: segment 1 holds the high bytes, segment 2 the low bytes.
    const high = [0x02, 0x01, 0x02, 0x03, 0x80, 0xfe, 0x09]; // literal 1,2,3; no-op; 0x09 three times
    const low = [0xfb, 0x07, 0x00, 0x05, 0xff, 0x00, 0x01, 0x02, 0x03]; // 0x07 six times (extra runs ignored past the end)
    const header = Buffer.alloc(64);
    header.writeUInt32LE(2, 0);
    header.writeUInt32LE(64, 4);
    header.writeUInt32LE(64 + high.length, 8);
    const frame = Buffer.concat([header, Buffer.from(high), Buffer.from(low)]);
    const geometry = { ...CT, rows: 2, columns: 3, pixelRepresentation: 0 as const };
    const { pixels } = await decodeFrame('1.2.840.10008.1.2.5', frame, geometry);
    expect(Array.from(new Uint16Array(pixels.buffer, pixels.byteOffset, 6))).toEqual([0x0107, 0x0207, 0x0307, 0x0907, 0x0907, 0x0907]);
  });

  it('interleaves RLE colour planes and keeps the photometric interpretation', async () => {
    const segment = (value: number) => Buffer.from([0xfd, value]); // value four times
    const header = Buffer.alloc(64);
    header.writeUInt32LE(3, 0);
    [64, 66, 68].forEach((offset, i) => header.writeUInt32LE(offset, 4 + 4 * i));
    const frame = Buffer.concat([header, segment(10), segment(20), segment(30)]);
    const geometry = {
      ...CT,
      rows: 2,
      columns: 2,
      samplesPerPixel: 3,
      bitsAllocated: 8,
      bitsStored: 8,
      pixelRepresentation: 0 as const,
      photometricInterpretation: 'YBR_FULL',
    };
    const { pixels, photometricInterpretation } = await decodeFrame('1.2.840.10008.1.2.5', frame, geometry);
    expect(Array.from(pixels)).toEqual([10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30]);
    expect(photometricInterpretation).toBe('YBR_FULL');
  });

  it('inflates Deflated Image Frame Compression frames, and bounds what a frame may inflate to', async () => {
    const native = Buffer.from([0b10100101, 0b11110000]);
    const geometry = { ...CT, rows: 4, columns: 4, bitsAllocated: 1, bitsStored: 1, pixelRepresentation: 0 as const };
    const { pixels } = await decodeFrame('1.2.840.10008.1.2.8.1', deflateRawSync(native), geometry);
    expect(Buffer.from(pixels).equals(native)).toBe(true);
    const bomb = deflateRawSync(Buffer.alloc(1024 * 1024));
    await expect(decodeFrame('1.2.840.10008.1.2.8.1', bomb, geometry)).rejects.toMatchObject({ status: 406 });
  });

  it('answers 406, never a crash, for codestreams that are not what they claim', async () => {
    const garbage = Buffer.from('this is not a codestream at all, just some text bytes');
    for (const uid of ['50', '70', '80', '90', '202'].map((n) => `1.2.840.10008.1.2.4.${n}`).concat('1.2.840.10008.1.2.5')) {
      const error = await decodeFrame(uid, garbage, CT).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, uid).toBeInstanceOf(AppError);
      expect((error as AppError).status, uid).toBe(406);
    }
    // A truncated JPEG-LS frame decodes to nothing sensible: refused, not sent.
    const half = storedFrame('transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm').subarray(0, 4000);
    await expect(decodeFrame('1.2.840.10008.1.2.4.80', half, CT)).rejects.toMatchObject({ status: 406 });
  });

  it('chooses the JPEG decoder by the frame header: a baseline frame labelled lossless still decodes', async () => {
    const ophthalmic = storedFrame('other-modalities/op-ophthalmic-jpeg-lossless.dcm');
    expect(jpegFrameHeader(ophthalmic)).toEqual({ marker: 0xc0, precision: 8 });
    expect(jpegFrameHeader(storedFrame('transfer-syntaxes/ct1-1.2.4.70_jpeg-lossless-sv1.dcm'))).toEqual({ marker: 0xc3, precision: 16 });
    const geometry = { ...CT, rows: 1536, columns: 1536, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0 as const };
    const { pixels } = await decodeFrame('1.2.840.10008.1.2.4.70', ophthalmic, geometry);
    expect(pixels.length).toBe(1536 * 1536);
    expect(new Set(pixels).size).toBeGreaterThan(50); // an image, not a constant
  });

  it('decodes on worker threads: the event loop keeps turning while JPEG 2000 frames decode', async () => {
    const frame = storedFrame('transfer-syntaxes/ct1-1.2.4.90_jpeg2000-lossless.dcm');
    await decodeFrame('1.2.840.10008.1.2.4.90', frame, CT); // workers started and the codec loaded
    const {
      result: results,
      ticks,
      worstGap,
      elapsed,
    } = await eventLoopTurnsDuring(() => Promise.all(Array.from({ length: 12 }, () => decodeFrame('1.2.840.10008.1.2.4.90', frame, CT))));
    const original = nativePixels(CT_NATIVE);
    expect(results.every((r) => Buffer.from(r.pixels).equals(original))).toBe(true);
    // Twelve ~40 ms decodes on this thread would stall it for about half a second in one piece.
    expect(worstGap).toBeLessThan(100);
    expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
  });

  it('measures the decode time of one 512×512 CT frame per codec family', async () => {
    const families: Array<[string, string, string]> = [
      ['JPEG baseline (libjpeg-turbo, 8-bit)', '1.2.840.10008.1.2.4.50', 'transfer-syntaxes/ct1-1.2.4.50_jpeg-baseline.dcm'],
      ['JPEG lossless (jpeg-lossless-decoder-js)', '1.2.840.10008.1.2.4.70', 'transfer-syntaxes/ct1-1.2.4.70_jpeg-lossless-sv1.dcm'],
      ['JPEG-LS (CharLS)', '1.2.840.10008.1.2.4.80', 'transfer-syntaxes/ct1-1.2.4.80_jpeg-ls-lossless.dcm'],
      ['JPEG 2000 (OpenJPEG)', '1.2.840.10008.1.2.4.90', 'transfer-syntaxes/ct1-1.2.4.90_jpeg2000-lossless.dcm'],
      ['HTJ2K (OpenJPH)', '1.2.840.10008.1.2.4.202', 'transfer-syntaxes/ct1-1.2.4.202_htj2k-lossless-rpcl.dcm'],
      ['RLE (here)', '1.2.840.10008.1.2.5', 'transfer-syntaxes/ct1-1.2.5_rle-lossless.dcm'],
    ];
    const lines: string[] = [];
    for (const [name, uid, file] of families) {
      const frame = storedFrame(file);
      const geometry = uid.endsWith('.50') ? { ...CT, bitsAllocated: 8, bitsStored: 8, pixelRepresentation: 0 as const } : CT;
      const first = performance.now();
      await decodeFrame(uid, frame, geometry); // loads and compiles the codec once
      const loaded = performance.now() - first;
      const runs = 10;
      const start = performance.now();
      for (let i = 0; i < runs; i++) await decodeFrame(uid, frame, geometry);
      const perFrame = (performance.now() - start) / runs;
      lines.push(`${name.padEnd(42)} first ${loaded.toFixed(1).padStart(6)} ms, then ${perFrame.toFixed(1).padStart(5)} ms/frame`);
      expect(perFrame).toBeLessThan(1000);
    }
    console.log(`decode time, 512×512 CT frame:\n${lines.join('\n')}`);
  });
});
