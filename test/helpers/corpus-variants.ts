import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { requireTool } from './debian-tools';

/**
 * Variants of corpus files for the cases an independent client found decoded wrongly, made in the
 * test rather than committed: DCMTK's lossy JPEG of an RGB image without colour transform, and a
 * JPEG 2000 codestream whose bytes include a Sequence Delimitation Item.
 */

/** The Sequence Delimitation Item (FFFE,E0DD) with its zero length, as it is written in little endian. */
export const SEQUENCE_DELIMITER_BYTES = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);

/**
 * `file` (native RGB) compressed by DCMTK as JPEG Baseline with RGB components (`dcmcjpeg +eb +cr`):
 * libjpeg writes an Adobe APP14 marker with transform 0, and the Photometric Interpretation stays RGB.
 */
export function dcmcjpegRgb(file: string): Buffer {
  requireTool('dcmcjpeg');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcmcjpeg-'));
  try {
    const out = path.join(dir, 'rgb.dcm');
    execFileSync('dcmcjpeg', ['+eb', '+cr', file, out], { stdio: 'pipe' });
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The first fragment's codestream of an encapsulated file. */
export function firstFragment(file: Buffer): Buffer {
  const pixel = dicomParser.parseDicom(new Uint8Array(file)).elements.x7fe00010!;
  const fragment = pixel.fragments![0]!;
  return file.subarray(fragment.position, fragment.position + fragment.length);
}

/**
 * A single-frame JPEG 2000 file whose one fragment gains a COM marker segment (ISO 15444-1 A.9.2,
 * ignored by decoders) right after SIZ, holding `SEQUENCE_DELIMITER_BYTES` at an even offset of
 * the codestream: a reader that scans for the delimiter instead of walking the items by their
 * lengths (PS3.5 A.4) ends the Pixel Data inside the codestream. The fragment's item length is
 * rewritten; the Pixel Data has undefined length, so nothing else changes.
 */
export function jpeg2000WithDelimiterBytes(file: Buffer): Buffer {
  const pixel = encapsulatedPixelData(file);
  if (pixel.fragments.length !== 1) throw new Error('expected a single-fragment JPEG 2000 file');
  const codestream = pixel.fragments[0]!;
  if (codestream.readUInt16BE(0) !== 0xff4f || codestream.readUInt16BE(2) !== 0xff51) throw new Error('not a J2K codestream (SOC SIZ)');
  const afterSiz = 4 + codestream.readUInt16BE(4);
  // COM, Lcom, Rcom 0 (binary), then the delimiter between pad bytes so that it starts at an even offset and the segment is even.
  const pad = Buffer.alloc(afterSiz % 2 === 0 ? 2 : 1);
  const comment = Buffer.concat([
    Buffer.from([0xff, 0x64, 0, 0, 0, 0]),
    pad,
    SEQUENCE_DELIMITER_BYTES,
    Buffer.alloc(pad.length === 2 ? 0 : 1),
  ]);
  comment.writeUInt16BE(comment.length - 2, 2);
  const fragment = Buffer.concat([codestream.subarray(0, afterSiz), comment, codestream.subarray(afterSiz)]);
  return withFragments(file, [fragment]);
}

/**
 * The single-frame file of `jpeg2000WithDelimiterBytes` made two frames (NumberOfFrames 2, empty
 * Basic Offset Table), each frame the same codestream in two fragments, the second beginning with
 * the delimiter bytes: the frames are then found by the codestream's start marker on the first
 * fragment of each (PS3.5 A.4 and A.4.1).
 */
export function jpeg2000TwoFramesSplitAtDelimiter(singleFrame: Buffer): Buffer {
  const codestream = encapsulatedPixelData(singleFrame).fragments[0]!;
  const split = codestream.indexOf(SEQUENCE_DELIMITER_BYTES);
  if (split <= 0 || split % 2 !== 0) throw new Error('expected the delimiter bytes at an even offset of the codestream');
  const halves = [codestream.subarray(0, split), codestream.subarray(split)];
  const twoFrames = withFragments(singleFrame, [...halves, ...halves]);
  const ds = dicomParser.parseDicom(new Uint8Array(twoFrames));
  if (ds.elements.x00280008) throw new Error('the file already has NumberOfFrames');
  const rowsAt = ds.elements.x00280010!.dataOffset - 8;
  const numberOfFrames = Buffer.from([0x28, 0, 0x08, 0, 0x49, 0x53, 2, 0, 0x32, 0x20]); // (0028,0008) IS "2 "
  return Buffer.concat([twoFrames.subarray(0, rowsAt), numberOfFrames, twoFrames.subarray(rowsAt)]);
}

/**
 * A single-fragment JPEG file whose codestream gains a JFIF APP0 marker segment right after SOI
 * (JFIF 1.02, no thumbnail): libjpeg takes JFIF to mean YCbCr whatever the other markers say.
 */
export function jpegWithJfif(file: Buffer): Buffer {
  const { fragments } = encapsulatedPixelData(file);
  if (fragments.length !== 1) throw new Error('expected a single-fragment JPEG file');
  const jpeg = fragments[0]!;
  const jfif = Buffer.from([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 0, 0, 1, 0, 1, 0, 0]);
  return withFragments(file, [Buffer.concat([jpeg.subarray(0, 2), jfif, jpeg.subarray(2)])]);
}

/** The Pixel Data's fragments of an encapsulated file (explicit VR little endian), and where the element starts and ends. */
function encapsulatedPixelData(file: Buffer): { start: number; end: number; fragments: Buffer[] } {
  const pixel = dicomParser.parseDicom(new Uint8Array(file)).elements.x7fe00010!;
  if (!pixel.encapsulatedPixelData) throw new Error('expected encapsulated Pixel Data');
  return {
    start: pixel.dataOffset - 12,
    end: pixel.dataOffset + pixel.length,
    fragments: pixel.fragments!.map((f) => file.subarray(f.position, f.position + f.length)),
  };
}

/** `file` with its Pixel Data replaced by an empty Basic Offset Table and `fragments` (PS3.5 A.4). */
function withFragments(file: Buffer, fragments: readonly Buffer[]): Buffer {
  const { start, end } = encapsulatedPixelData(file);
  const item = (length: number, tag = 0xe000) => {
    const header = Buffer.from([0xfe, 0xff, 0, 0, 0, 0, 0, 0]);
    header.writeUInt16LE(tag, 2);
    header.writeUInt32LE(length, 4);
    return header;
  };
  const element = file.subarray(start, start + 12);
  const items = fragments.flatMap((f) => [item(f.length), f]);
  return Buffer.concat([file.subarray(0, start), element, item(0), ...items, item(0, 0xe0dd), file.subarray(end)]);
}
