import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { requireTool } from './debian-tools';

/**
 * Independent implementations to check the archive's output against: GDCM (`gdcmconv --raw`)
 * for whole files, OpenJPEG's `opj_decompress` for single JPEG 2000 / HTJ2K codestreams, DCMTK's
 * `dcmconv +te` for re-encoding a data set in Explicit VR Little Endian.
 */

export interface ReferenceImage {
  /** All frames' native pixel data, little endian, as GDCM writes it. */
  pixels: Buffer;
  photometricInterpretation: string;
  planarConfiguration: number;
}

/** The file decoded by GDCM to a native transfer syntax. */
export function gdcmRaw(file: string): ReferenceImage {
  requireTool('gdcmconv');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gdcm-'));
  try {
    const out = path.join(dir, 'raw.dcm');
    execFileSync('gdcmconv', ['--raw', file, out], { stdio: 'pipe' });
    const bytes = fs.readFileSync(out);
    const ds = dicomParser.parseDicom(new Uint8Array(bytes));
    const pixel = ds.elements.x7fe00010!;
    return {
      pixels: bytes.subarray(pixel.dataOffset, pixel.dataOffset + pixel.length),
      photometricInterpretation: ds.string('x00280004') ?? '',
      planarConfiguration: ds.uint16('x00280006') ?? 0,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `file` written by DCMTK in Explicit VR Little Endian (`dcmconv +te`); the new file's bytes. */
export function dcmconvExplicitLittleEndian(file: string): Buffer {
  requireTool('dcmconv');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dcmconv-'));
  try {
    const out = path.join(dir, 'explicit.dcm');
    execFileSync('dcmconv', ['+te', file, out], { stdio: 'pipe' });
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `file` compressed by GDCM (`gdcmconv --jpegls`, `--j2k`, `--rle`, `--jpeg`…, lossless unless told otherwise); the new file's bytes. */
export function gdcmCompress(file: string, options: readonly string[]): Buffer {
  requireTool('gdcmconv');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gdcm-'));
  try {
    const out = path.join(dir, 'compressed.dcm');
    execFileSync('gdcmconv', [...options, file, out], { stdio: 'pipe' });
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One JPEG 2000 or HTJ2K codestream decoded by OpenJPEG (2.5 decodes HTJ2K too), as little
 * endian samples, interleaved.
 */
export function openJpegDecode(codestream: Uint8Array, samplesPerPixel: number, bytesPerSample: number): Buffer {
  requireTool('opj_decompress');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opj-'));
  try {
    const input = path.join(dir, 'frame.j2k');
    const output = path.join(dir, 'frame.rawl');
    fs.writeFileSync(input, codestream);
    execFileSync('opj_decompress', ['-i', input, '-o', output, '-quiet'], { stdio: 'pipe' });
    const planar = fs.readFileSync(output);
    // .rawl is plane after plane; interleave.
    const pixels = planar.length / (samplesPerPixel * bytesPerSample);
    const out = Buffer.alloc(planar.length);
    for (let s = 0; s < samplesPerPixel; s++) {
      for (let p = 0; p < pixels; p++)
        planar.copy(
          out,
          (p * samplesPerPixel + s) * bytesPerSample,
          (s * pixels + p) * bytesPerSample,
          (s * pixels + p + 1) * bytesPerSample,
        );
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
