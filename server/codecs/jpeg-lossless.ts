import { createRequire } from 'node:module';
import type { DecodedFrame, FrameGeometry } from './frame-geometry';

/**
 * JPEG Lossless, Process 14 (1.2.840.10008.1.2.4.57) and its Selection Value 1 subset (.70),
 * with Cornerstone's maintained fork of jpeg-lossless-decoder-js (plain JavaScript; the original
 * package gets the last sample of some 16-bit frames wrong). No colour transform is involved:
 * the samples come out as they went in.
 */

interface LosslessDecoder {
  decode(buffer: ArrayBufferLike, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
}

let decoderClass: (new () => LosslessDecoder) | undefined;

function newDecoder(): LosslessDecoder {
  // The package's type declarations are missing from its release folder; this is its API.
  decoderClass ??= (createRequire(import.meta.url)('@cornerstonejs/jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder })
    .Decoder;
  return new decoderClass();
}

export async function decodeJpegLossless(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const bytesPerSample = geometry.bitsAllocated <= 8 ? 1 : 2;
  const samples = newDecoder().decode(encoded.buffer, encoded.byteOffset, encoded.byteLength, bytesPerSample);
  // Typed arrays are in the machine's byte order, little endian on every platform Node supports.
  return {
    pixels: new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength),
    photometricInterpretation: geometry.photometricInterpretation,
  };
}
