import { interleavePlanes, type DecodedFrame, type FrameGeometry } from './frame-geometry';
import { loadWasmModule, runDecoder, type WasmDecoder } from './wasm-module';

/**
 * JPEG-LS lossless and near-lossless (1.2.840.10008.1.2.4.80, .81) with CharLS (Cornerstone's
 * WASM build). JPEG-LS has no colour transform of its own in DICOM; colour frames coded with
 * interleave mode "none" come out plane by plane and are interleaved here.
 */

interface CharLs {
  JpegLSDecoder: new () => WasmDecoder & { getInterleaveMode(): number };
}

export async function decodeJpegLs(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const codec = await loadWasmModule<CharLs>('@cornerstonejs/codec-charls/decodewasmjs');
  const pixels = runDecoder(new codec.JpegLSDecoder(), encoded, (decoder, out) => {
    const { componentCount, bitsPerSample } = decoder.getFrameInfo();
    const planar = componentCount > 1 && decoder.getInterleaveMode() === 0;
    return planar ? interleavePlanes(out, componentCount, bitsPerSample <= 8 ? 1 : 2) : out;
  });
  return { pixels, photometricInterpretation: geometry.photometricInterpretation };
}
