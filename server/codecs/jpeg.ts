import { decodeJpegLossless } from './jpeg-lossless';
import type { DecodedFrame, FrameGeometry } from './frame-geometry';
import { decodeJpegBaseline, jpegFrameHeader } from './libjpeg-turbo';

/**
 * The JPEG family (1.2.840.10008.1.2.4.50 … .70), chosen by the codestream's own frame header
 * rather than by the transfer syntax alone: some senders label DCT-coded frames as lossless
 * (the corpus's ophthalmic photograph is baseline JPEG under .70). Lenient in, as GDCM and
 * DCMTK are: SOF3 (and the other lossless SOF markers) goes to the lossless decoder, any other
 * frame header to libjpeg-turbo.
 */
const LOSSLESS_SOF = new Set([0xc3, 0xc7, 0xcb, 0xcf]);

export async function decodeJpeg(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const header = jpegFrameHeader(encoded);
  return header && LOSSLESS_SOF.has(header.marker) ? decodeJpegLossless(encoded, geometry) : decodeJpegBaseline(encoded, geometry);
}
