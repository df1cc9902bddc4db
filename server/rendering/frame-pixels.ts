import type { NativeFrame } from '../stored/native-frame';

/** One decoded frame as the renderer takes it: little endian, samples interleaved (`readNativeFrame`). */
export type FramePixels = NativeFrame;

export type SampleArray = Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

/**
 * The frame's samples as a typed array of the allocated width (copied when the bytes are not
 * aligned for the view). Integers come unsigned, as bit patterns: callers mask to Bits Stored
 * and sign-extend, since signed data need not be sign-extended above Bits Stored.
 * 1-bit frames are unpacked, least significant bit first (PS3.5 8.1.1).
 */
export function sampleArray(frame: FramePixels, floats: boolean): SampleArray {
  const { pixels, bitsAllocated } = frame;
  if (bitsAllocated === 1) {
    const count = frame.rows * frame.columns * frame.samplesPerPixel;
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = (pixels[i >> 3]! >> (i & 7)) & 1;
    return out;
  }
  const bytes = bitsAllocated / 8;
  const aligned = pixels.byteOffset % bytes === 0 ? pixels : pixels.slice();
  const { buffer, byteOffset } = aligned;
  const length = Math.floor(aligned.byteLength / bytes);
  switch (bitsAllocated) {
    case 8:
      return aligned;
    case 16:
      return new Uint16Array(buffer, byteOffset, length);
    case 32:
      return floats ? new Float32Array(buffer, byteOffset, length) : new Uint32Array(buffer, byteOffset, length);
    case 64:
      return new Float64Array(buffer, byteOffset, length);
    default:
      throw new RangeError(`Bits Allocated ${bitsAllocated} is not a supported sample size`);
  }
}
