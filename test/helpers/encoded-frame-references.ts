import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import type { FrameGeometry } from '../../server/codecs/frame-geometry';
import { requireTool, type TestTool } from './debian-tools';

/**
 * Independent decoders for the frames the archive encodes: OpenJPH's `ojph_expand` and
 * OpenJPEG's `opj_decompress` for HTJ2K codestreams (whole or a resolution-limited prefix), and
 * DCMTK's `dcmdjpls` / `dcmdjpeg` for JPEG-LS and JPEG frames wrapped in a minimal Part 10 file
 * written here byte by byte (GDCM reads the same file through `gdcmRaw`).
 */

export interface ReferenceFrame {
  width: number;
  height: number;
  /** Little-endian samples, interleaved. */
  pixels: Buffer;
}

function inTempDir<T>(prefix: string, run: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function tool(binary: TestTool, args: string[]): void {
  requireTool(binary);
  execFileSync(binary, args, { stdio: 'pipe' });
}

/**
 * `ojph_expand` with the `skip` finest resolutions left out, through PGM (grey) or PPM (colour).
 * Its writers are unsigned: negative samples come out as 0.
 */
export function ojphExpand(codestream: Uint8Array, samplesPerPixel: number, skip = 0): ReferenceFrame {
  return inTempDir('ojph-', (dir) => {
    const input = path.join(dir, 'frame.j2c');
    const output = path.join(dir, samplesPerPixel === 1 ? 'frame.pgm' : 'frame.ppm');
    fs.writeFileSync(input, codestream);
    tool('ojph_expand', ['-i', input, '-o', output, ...(skip > 0 ? ['-skip_res', `${skip},${skip}`] : [])]);
    return readPnm(fs.readFileSync(output));
  });
}

/** An 8-bit RGB frame coded by OpenJPH's `ojph_compress`, reversibly, without a colour transform. */
export function ojphCompressRgb(pixels: Uint8Array, width: number, height: number): Buffer {
  return inTempDir('ojph-', (dir) => {
    const input = path.join(dir, 'frame.ppm');
    const output = path.join(dir, 'frame.j2c');
    fs.writeFileSync(input, Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), pixels]));
    tool('ojph_compress', ['-i', input, '-o', output, '-reversible', 'true', '-colour_trans', 'false']);
    return fs.readFileSync(output);
  });
}

/** Binary PGM/PPM (P5/P6) to little-endian samples: PNM stores 16-bit samples big-endian. */
function readPnm(file: Buffer): ReferenceFrame {
  const header = /^P[56]\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(file.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a binary PGM/PPM file');
  const [whole, width, height, maxval] = header;
  const pixels = Buffer.from(file.subarray(whole.length));
  if (Number(maxval) > 255) pixels.swap16();
  return { width: Number(width), height: Number(height), pixels };
}

/**
 * `opj_decompress` (OpenJPEG 2.5 decodes HTJ2K) with `reduce` resolutions discarded, through its
 * raw little-endian output (plane after plane, interleaved here), signed samples kept.
 */
export function opjDecompress(codestream: Uint8Array, geometry: FrameGeometry, reduce = 0): ReferenceFrame {
  return inTempDir('opj-', (dir) => {
    const input = path.join(dir, 'frame.j2c');
    const output = path.join(dir, 'frame.rawl');
    fs.writeFileSync(input, codestream);
    tool('opj_decompress', ['-i', input, '-o', output, '-quiet', ...(reduce > 0 ? ['-r', String(reduce)] : [])]);
    const planar = fs.readFileSync(output);
    const width = Math.ceil(geometry.columns / 2 ** reduce);
    const height = Math.ceil(geometry.rows / 2 ** reduce);
    const bytesPerSample = planar.length / (width * height * geometry.samplesPerPixel);
    const pixels = Buffer.alloc(planar.length);
    const count = width * height;
    for (let s = 0; s < geometry.samplesPerPixel; s++)
      for (let p = 0; p < count; p++)
        planar.copy(
          pixels,
          (p * geometry.samplesPerPixel + s) * bytesPerSample,
          (s * count + p) * bytesPerSample,
          (s * count + p + 1) * bytesPerSample,
        );
    return { width, height, pixels };
  });
}

/** The Pixel Data of a file DCMTK decompressed (`dcmdjpls` for JPEG-LS, `dcmdjpeg` for JPEG). */
export function dcmtkDecode(part10: Buffer, binary: 'dcmdjpls' | 'dcmdjpeg'): Buffer {
  return inTempDir('dcmtk-', (dir) => {
    const input = path.join(dir, 'in.dcm');
    const output = path.join(dir, 'out.dcm');
    fs.writeFileSync(input, part10);
    tool(binary, [input, output]);
    const bytes = fs.readFileSync(output);
    const pixel = dicomParser.parseDicom(new Uint8Array(bytes)).elements.x7fe00010!;
    return bytes.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length);
  });
}

/**
 * A minimal Secondary Capture Part 10 file holding one encoded frame: file meta, the Image Pixel
 * Module and encapsulated Pixel Data with an empty Basic Offset Table (PS3.5 A.4).
 */
export function encapsulatedPart10(
  codestream: Uint8Array,
  geometry: FrameGeometry,
  transferSyntaxUid: string,
  photometricInterpretation: string,
): Buffer {
  const sopClass = '1.2.840.10008.5.1.4.1.1.7';
  const sopInstance = '2.25.1234567890123456789';
  const meta = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', text(sopClass, 0)),
    element(0x0002, 0x0003, 'UI', text(sopInstance, 0)),
    element(0x0002, 0x0010, 'UI', text(transferSyntaxUid, 0)),
    element(0x0002, 0x0012, 'UI', text('2.25.987654321', 0)),
  ]);
  const fragment = Buffer.concat([Buffer.from(codestream), Buffer.alloc(codestream.length % 2)]);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM'),
    element(0x0002, 0x0000, 'UL', u32(meta.length)),
    meta,
    element(0x0008, 0x0016, 'UI', text(sopClass, 0)),
    element(0x0008, 0x0018, 'UI', text(sopInstance, 0)),
    element(0x0008, 0x0060, 'CS', text('OT', 0x20)),
    element(0x0028, 0x0002, 'US', u16(geometry.samplesPerPixel)),
    element(0x0028, 0x0004, 'CS', text(photometricInterpretation, 0x20)),
    ...(geometry.samplesPerPixel > 1 ? [element(0x0028, 0x0006, 'US', u16(0))] : []),
    element(0x0028, 0x0010, 'US', u16(geometry.rows)),
    element(0x0028, 0x0011, 'US', u16(geometry.columns)),
    element(0x0028, 0x0100, 'US', u16(geometry.bitsAllocated)),
    element(0x0028, 0x0101, 'US', u16(geometry.bitsStored)),
    element(0x0028, 0x0102, 'US', u16(geometry.bitsStored - 1)),
    element(0x0028, 0x0103, 'US', u16(geometry.pixelRepresentation)),
    Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]), // (7FE0,0010) OB, undefined length
    item(Buffer.alloc(0)),
    item(fragment),
    Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]),
  ]);
}

function element(group: number, number: number, vr: string, value: Buffer): Buffer {
  const long = vr === 'OB';
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(number, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

function item(value: Buffer): Buffer {
  const head = Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0]);
  head.writeUInt32LE(value.length, 4);
  return Buffer.concat([head, value]);
}

const text = (value: string, pad: number) => Buffer.concat([Buffer.from(value, 'latin1'), Buffer.alloc(value.length % 2, pad)]);
const u16 = (n: number) => Buffer.from([n & 0xff, n >> 8]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
