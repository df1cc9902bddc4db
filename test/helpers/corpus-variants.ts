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
 * ignored by decoders) right after SIZ, holding `SEQUENCE_DELIMITER_BYTES`: a reader that scans
 * for the delimiter instead of walking the items by their lengths (PS3.5 A.4) ends the Pixel Data
 * inside the codestream. The fragment's item length is rewritten; the Pixel Data has undefined
 * length, so nothing else changes.
 */
export function jpeg2000WithDelimiterBytes(file: Buffer): Buffer {
  const pixel = dicomParser.parseDicom(new Uint8Array(file)).elements.x7fe00010!;
  const fragments = pixel.fragments!;
  if (fragments.length !== 1) throw new Error('expected a single-fragment JPEG 2000 file');
  const start = fragments[0]!.position;
  const codestream = file.subarray(start, start + fragments[0]!.length);
  if (codestream.readUInt16BE(0) !== 0xff4f || codestream.readUInt16BE(2) !== 0xff51) throw new Error('not a J2K codestream (SOC SIZ)');
  const afterSiz = 4 + codestream.readUInt16BE(4);
  const comment = Buffer.alloc(6);
  comment.writeUInt16BE(0xff64, 0); // COM
  comment.writeUInt16BE(4 + SEQUENCE_DELIMITER_BYTES.length, 2); // Lcom
  comment.writeUInt16BE(0, 4); // Rcom: binary
  const fragment = Buffer.concat([codestream.subarray(0, afterSiz), comment, SEQUENCE_DELIMITER_BYTES, codestream.subarray(afterSiz)]);
  const item = Buffer.from(file.subarray(start - 8, start));
  item.writeUInt32LE(fragment.length, 4);
  return Buffer.concat([file.subarray(0, start - 8), item, fragment, file.subarray(start + codestream.length)]);
}
