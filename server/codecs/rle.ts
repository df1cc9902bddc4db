import { decodeRleFrame } from '../../shared/codecs/rle';
import type { DecodedFrame, FrameGeometry } from './frame-geometry';

/** RLE Lossless (1.2.840.10008.1.2.5): the PackBits decoder in shared/ (the viewer uses it too). */
export async function decodeRle(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  return { pixels: decodeRleFrame(encoded, geometry), photometricInterpretation: geometry.photometricInterpretation };
}
