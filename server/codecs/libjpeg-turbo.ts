import { afterColourTransform, type DecodedFrame, type FrameGeometry } from './frame-geometry';
import { withoutColourTransform } from './jpeg-colour-transform';
import { loadWasmModule, runDecoder, type WasmDecoder } from './wasm-module';

/**
 * JPEG Baseline and the 8-bit DCT processes (1.2.840.10008.1.2.4.50, .51, and the retired .53
 * and .55: spectral selection and progressive) with libjpeg-turbo (Cornerstone's WASM build).
 * libjpeg turns YCbCr into RGB as JFIF says, so YBR_FULL and YBR_FULL_422 frames come out RGB;
 * RGB frames are decoded without that transform whatever their markers guess (PS3.5 8.2.1).
 * That build has 8-bit precision only; jpeg.ts sends 12-bit frames to dcmtk-jpeg.ts.
 */

interface LibJpegTurbo {
  JPEGDecoder: new () => WasmDecoder;
}

export async function decodeJpegBaseline(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const codec = await loadWasmModule<LibJpegTurbo>('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs');
  const rgb = geometry.photometricInterpretation === 'RGB' && geometry.samplesPerPixel === 3;
  const pixels = runDecoder(new codec.JPEGDecoder(), rgb ? withoutColourTransform(encoded) : encoded, (_decoder, out) => out);
  return { pixels, photometricInterpretation: afterColourTransform(geometry.photometricInterpretation, geometry.samplesPerPixel) };
}
