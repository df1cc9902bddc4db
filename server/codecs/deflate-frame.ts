import { inflateRawSync } from 'node:zlib';
import { nativeFrameBytes, type DecodedFrame, type FrameGeometry } from './frame-geometry';

/**
 * Deflated Image Frame Compression (1.2.840.10008.1.2.8.1, PS3.5 A.4.13 / 8.2.16): each frame
 * is a raw deflate stream (RFC 1951) of the native frame, packed bits included; zlib inflates it.
 */
export async function decodeDeflatedFrame(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  // Bounded by the frame size, so a hostile stream cannot inflate without limit.
  const pixels = inflateRawSync(encoded, { maxOutputLength: nativeFrameBytes(geometry) });
  return {
    pixels: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength),
    photometricInterpretation: geometry.photometricInterpretation,
  };
}
