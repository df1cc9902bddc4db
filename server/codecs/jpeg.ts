import { decodeJpegHighPrecision } from './dcmtk-jpeg';
import { decodeJpegLossless } from './jpeg-lossless';
import type { DecodedFrame, FrameGeometry } from './frame-geometry';
import { jpegFrameHeader } from '../../shared/codecs/jpeg-frame-header';
import { decodeJpegBaseline } from './libjpeg-turbo';

/**
 * The JPEG family (1.2.840.10008.1.2.4.50 … .70), chosen by the codestream's own frame header
 * rather than by the transfer syntax alone: some senders label DCT-coded frames as lossless
 * (the corpus's ophthalmic photograph is baseline JPEG under .70). Lenient in, as GDCM and
 * DCMTK are: SOF3 (and the other lossless SOF markers) goes to the lossless decoder, 8-bit DCT
 * frames to libjpeg-turbo, DCT frames of higher precision (12-bit) to DCMTK's IJG build.
 */
const LOSSLESS_SOF = new Set([0xc3, 0xc7, 0xcb, 0xcf]);

export async function decodeJpeg(encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const header = jpegFrameHeader(encoded);
  if (header && LOSSLESS_SOF.has(header.marker)) return decodeJpegLossless(encoded, geometry);
  if (header && header.precision > 8) return decodeJpegHighPrecision(encoded, geometry);
  return decodeJpegBaseline(encoded, geometry);
}
