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

interface Htj2kDecoder extends WasmDecoder {
  getFrameInfo(): ReturnType<WasmDecoder['getFrameInfo']> & { isUsingColorTransform: boolean };
}

interface OpenJph {
  HTJ2KDecoder: new () => Htj2kDecoder;
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
  const pixels = runDecoder(new codec.HTJ2KDecoder(), encoded, (decoder, out) => {
    const { componentCount, bitsPerSample, isUsingColorTransform, height, width } = decoder.getFrameInfo();
    return componentCount > 1 && !isUsingColorTransform
      ? regroupPlanarLines(out, height, width, componentCount, bitsPerSample > 8 ? 2 : 1)
      : out;
  });
  return decoded(pixels, geometry);
}

/**
 * Colour without a colour transform: OpenJPH then hands out all lines of the first component,
 * then of the second…, but the Cornerstone build writes the k-th line it gets as sample k % n of
 * row k / n. Each line is moved to where it belongs (checked against ojph_compress and
 * ojph_expand in frame-encoders.test.ts).
 */
function regroupPlanarLines(scrambled: Uint8Array, rows: number, columns: number, samples: number, bytesPerSample: number): Uint8Array {
  const pixel = samples * bytesPerSample;
  const out = new Uint8Array(scrambled.length);
  for (let k = 0; k < rows * samples; k++) {
    const from = Math.floor(k / samples) * columns * pixel + (k % samples) * bytesPerSample;
    const to = (k % rows) * columns * pixel + Math.floor(k / rows) * bytesPerSample;
    for (let x = 0; x < columns; x++) for (let b = 0; b < bytesPerSample; b++) out[to + x * pixel + b] = scrambled[from + x * pixel + b]!;
  }
  return out;
}

function decoded(pixels: Uint8Array, geometry: FrameGeometry): DecodedFrame {
  return { pixels, photometricInterpretation: afterColourTransform(geometry.photometricInterpretation, geometry.samplesPerPixel) };
}
