import { samplesOf, type EncodedFrame, type FrameGeometry } from './frame-geometry';
import { runEncoder, withWasmModule, type WasmEncoder } from './wasm-module';

/**
 * JPEG-LS Lossless (1.2.840.10008.1.2.4.80) with CharLS, Cornerstone's WASM build, near-lossless 0.
 * JPEG-LS samples are unsigned P-bit values (PS3.5 8.2.3): P is Bits Stored when every sample's
 * bit pattern fits in it, so that the codestream says what the data is; otherwise (bits set
 * above Bits Stored, or negative samples, whose sign extension fills the high bits) P is Bits
 * Allocated, so that the decoded bytes are the input bytes in every case. Colour is coded
 * sample-interleaved, with no colour transform: JPEG-LS in DICOM has none.
 */

interface CharLs {
  JpegLSEncoder: new () => WasmEncoder & { setNearLossless(near: number): void; setInterleaveMode(mode: number): void };
}

const INTERLEAVE_SAMPLE = 2;

export async function encodeJpegLs(pixels: Uint8Array, geometry: FrameGeometry): Promise<EncodedFrame> {
  const frameInfo = {
    width: geometry.columns,
    height: geometry.rows,
    bitsPerSample: jpegLsPrecision(pixels, geometry),
    componentCount: geometry.samplesPerPixel,
    isSigned: false,
  };
  const bytes = await withWasmModule<CharLs, Uint8Array>('@cornerstonejs/codec-charls/wasmjs', (codec) => {
    const encoder = new codec.JpegLSEncoder();
    encoder.setNearLossless(0);
    if (geometry.samplesPerPixel > 1) encoder.setInterleaveMode(INTERLEAVE_SAMPLE);
    return runEncoder(encoder, frameInfo, pixels);
  });
  return { bytes, photometricInterpretation: geometry.photometricInterpretation };
}

/** Bits Stored when every sample fits in it (and, for 16-bit data, needs two bytes), else Bits Allocated. */
export function jpegLsPrecision(pixels: Uint8Array, geometry: FrameGeometry): number {
  const { bitsAllocated, bitsStored } = geometry;
  // CharLS takes one byte per sample up to P = 8: 16-bit frames need P > 8 to keep their layout.
  if (bitsStored >= bitsAllocated || bitsStored < 2 || (bitsAllocated === 16 && bitsStored <= 8)) return bitsAllocated;
  const limit = 2 ** bitsStored;
  for (const sample of samplesOf(pixels, { ...geometry, pixelRepresentation: 0 })) if (sample >= limit) return bitsAllocated;
  return bitsStored;
}
