import { afterColourTransform, type DecodedFrame, type FrameGeometry } from './frame-geometry';
import { loadWasmModule, runDecoder, type WasmDecoder } from './wasm-module';

/**
 * JPEG Baseline and the 8-bit DCT processes (1.2.840.10008.1.2.4.50, .51, and the retired .53
 * and .55: spectral selection and progressive) with libjpeg-turbo (Cornerstone's WASM build).
 * libjpeg turns YCbCr into RGB as JFIF says, so YBR_FULL and YBR_FULL_422 frames come out RGB.
 * That build has 8-bit precision only; jpeg.ts sends 12-bit frames to dcmtk-jpeg.ts.
 */

interface LibJpegTurbo {
  JPEGDecoder: new () => WasmDecoder;
}

export async function decodeJpegBaseline(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const codec = await loadWasmModule<LibJpegTurbo>('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs');
  const pixels = runDecoder(new codec.JPEGDecoder(), encoded, (_decoder, out) => out);
  return { pixels, photometricInterpretation: afterColourTransform(geometry.photometricInterpretation, geometry.samplesPerPixel) };
}

/** The frame's SOFn marker and sample precision (ITU-T T.81 B.2.2), or undefined if none is found. */
export function jpegFrameHeader(encoded: Uint8Array): { marker: number; precision: number } | undefined {
  let at = 2; // after SOI
  while (at + 4 < encoded.length) {
    if (encoded[at] !== 0xff) return undefined;
    const marker = encoded[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { marker, precision: encoded[at + 4]! };
    if (marker === 0xda) return undefined; // start of scan before any frame header
    at += 2 + ((encoded[at + 2]! << 8) | encoded[at + 3]!);
  }
  return undefined;
}
