import { afterColourTransform, type DecodedFrame, type FrameGeometry } from './frame-geometry';
import { loadWasmModule, runDecoder, type WasmDecoder } from './wasm-module';

/**
 * JPEG 2000 (1.2.840.10008.1.2.4.90, .91) with OpenJPEG and High-Throughput JPEG 2000
 * (.201, .202, .203) with OpenJPH, both Cornerstone WASM builds. Both apply the inverse
 * multi-component transform of the codestream, so YBR_RCT and YBR_ICT frames come out RGB
 * (PS3.5 8.2.4).
 */

interface OpenJpeg {
  J2KDecoder: new () => WasmDecoder;
}

interface OpenJph {
  HTJ2KDecoder: new () => WasmDecoder;
}

export async function decodeJpeg2000(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const codec = await loadWasmModule<OpenJpeg>('@cornerstonejs/codec-openjpeg/decodewasmjs');
  return decoded(
    runDecoder(new codec.J2KDecoder(), encoded, (_d, out) => out),
    geometry,
  );
}

export async function decodeHtj2k(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const codec = await loadWasmModule<OpenJph>('@cornerstonejs/codec-openjph/wasmjs');
  return decoded(
    runDecoder(new codec.HTJ2KDecoder(), encoded, (_d, out) => out),
    geometry,
  );
}

function decoded(pixels: Uint8Array, geometry: FrameGeometry): DecodedFrame {
  return { pixels, photometricInterpretation: afterColourTransform(geometry.photometricInterpretation, geometry.samplesPerPixel) };
}
