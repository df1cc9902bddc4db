/**
 * Native little-endian frame bytes (as the archive's Retrieve Frames sends them) → the typed pixel
 * array cornerstone renders: grey stored values with their range, or RGBA for colour.
 */
import type { PixelArray } from 'cornerstone-core';
import type { FrameAttributes } from './image-attributes';

export interface DecodedPixels {
  pixels: PixelArray;
  min: number;
  max: number;
  color: boolean;
}

/**
 * `photometric` is the colour space the bytes are in: the archive's decoders turn JPEG and
 * JPEG 2000 YCbCr into RGB, so only native (and RLE) YBR data reach `toRgba` as YBR.
 */
export function decodePixels(bytes: Uint8Array, a: FrameAttributes, photometric: string): DecodedPixels {
  const count = a.rows * a.columns;
  if (a.samplesPerPixel === 3) return { pixels: toRgba(bytes, count, photometric, a.planarConfiguration), min: 0, max: 255, color: true };
  if (bytes.length < count * (a.bitsAllocated / 8)) throw new Error(`frame has ${bytes.length} bytes, ${a.rows}×${a.columns}×${a.bitsAllocated / 8} expected`);
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  let pixels: PixelArray;
  if (a.bitsAllocated === 8) pixels = a.signed ? new Int8Array(aligned.buffer, aligned.byteOffset, count) : new Uint8Array(aligned.buffer, aligned.byteOffset, count);
  else if (a.signed) pixels = new Int16Array(aligned.buffer, aligned.byteOffset, count);
  else pixels = new Uint16Array(aligned.buffer, aligned.byteOffset, count);
  if (a.bitsStored < a.bitsAllocated) pixels = maskToBitsStored(pixels, a.bitsStored, a.signed);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { pixels, min: min === Infinity ? 0 : min, max: max === -Infinity ? 0 : max, color: false };
}

/** High bits above BitsStored may hold overlays or garbage (PS3.5 8.1.1); signed values are sign-extended. */
function maskToBitsStored(pixels: PixelArray, bitsStored: number, signed: boolean): PixelArray {
  const out = pixels.slice() as PixelArray;
  const mask = (1 << bitsStored) - 1;
  const sign = 1 << (bitsStored - 1);
  for (let i = 0; i < out.length; i++) {
    let v = (out[i] as number) & mask;
    if (signed && v & sign) v -= 1 << bitsStored;
    out[i] = v;
  }
  return out;
}

function toRgba(bytes: Uint8Array, count: number, photometric: string, planar: number): Uint8Array {
  const rgba = new Uint8Array(count * 4);
  if (photometric === 'YBR_FULL_422' && bytes.length === count * 2) {
    // Native 4:2:2: Y1 Y2 Cb Cr for each pair of pixels (PS3.3 C.7.6.3.1.2).
    for (let p = 0, i = 0; p + 1 < count; p += 2, i += 4) {
      const cb = bytes[i + 2] ?? 128;
      const cr = bytes[i + 3] ?? 128;
      writeYbr(rgba, p, bytes[i] ?? 0, cb, cr);
      writeYbr(rgba, p + 1, bytes[i + 1] ?? 0, cb, cr);
    }
    return rgba;
  }
  const ybr = photometric.startsWith('YBR');
  for (let p = 0; p < count; p++) {
    const s0 = planar === 1 ? bytes[p] : bytes[p * 3];
    const s1 = planar === 1 ? bytes[count + p] : bytes[p * 3 + 1];
    const s2 = planar === 1 ? bytes[2 * count + p] : bytes[p * 3 + 2];
    if (ybr) writeYbr(rgba, p, s0 ?? 0, s1 ?? 128, s2 ?? 128);
    else {
      rgba[p * 4] = s0 ?? 0;
      rgba[p * 4 + 1] = s1 ?? 0;
      rgba[p * 4 + 2] = s2 ?? 0;
      rgba[p * 4 + 3] = 255;
    }
  }
  return rgba;
}

/** YBR_FULL → RGB (PS3.3 C.7.6.3.1.2, the JFIF equations). */
function writeYbr(rgba: Uint8Array, p: number, y: number, cb: number, cr: number): void {
  rgba[p * 4] = clamp(y + 1.402 * (cr - 128));
  rgba[p * 4 + 1] = clamp(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128));
  rgba[p * 4 + 2] = clamp(y + 1.772 * (cb - 128));
  rgba[p * 4 + 3] = 255;
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
