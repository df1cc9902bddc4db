import type { EncodedFrame, FrameGeometry } from './frame-geometry';
import { runEncoder, WasmHeapDamage, withWasmModule, type WasmEncoder } from './wasm-module';

/**
 * JPEG Baseline (Process 1, 1.2.840.10008.1.2.4.50) with libjpeg-turbo, Cornerstone's WASM
 * build, for 8-bit frames only. Colour is converted from RGB to YCbCr with the chroma halved
 * horizontally, which DICOM names YBR_FULL_422 (PS3.5 8.2.1); the build's default of
 * progressive coding is switched off, as baseline requires sequential DCT.
 */

interface LibJpegTurbo {
  JPEGEncoder: new () => WasmEncoder & {
    setQuality(quality: number): void;
    setProgressive(on: number): void;
    setSubSampling(mode: number): void;
  };
}

/** libjpeg's quality scale: 90 keeps fine detail with no visible blocking at about 10:1 on grey images. */
const QUALITY = 90;
const TJSAMP_422 = 1;

export async function encodeJpegBaseline(pixels: Uint8Array, geometry: FrameGeometry): Promise<EncodedFrame> {
  const bytes = await withWasmModule<LibJpegTurbo, Uint8Array>('@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs', (codec) => {
    const encoder = new codec.JPEGEncoder();
    encoder.setQuality(QUALITY);
    encoder.setProgressive(0);
    encoder.setSubSampling(TJSAMP_422);
    // The build gives libjpeg-turbo an output buffer the size of its input buffer, unchecked
    // (TJFLAG_NOREALLOC), and sizes that from bitsPerSample while it reads 8-bit samples anyway:
    // 16 makes the room twice the frame, enough for the headers and incompressible data of any
    // frame encodeProblem lets through (at least 32 × 32).
    const room = 2 * pixels.length;
    const frameInfo = {
      width: geometry.columns,
      height: geometry.rows,
      bitsPerSample: 16,
      componentCount: geometry.samplesPerPixel,
      isSigned: false,
    };
    const out = runEncoder(encoder, frameInfo, pixels);
    if (out.length > room) throw new WasmHeapDamage(`libjpeg-turbo wrote ${out.length} bytes into ${room}`);
    return out;
  });
  return {
    bytes,
    photometricInterpretation: geometry.samplesPerPixel === 3 ? 'YBR_FULL_422' : geometry.photometricInterpretation,
    lossy: { method: 'ISO_10918_1', ratio: pixels.length / bytes.length },
  };
}
