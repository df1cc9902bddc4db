import { AppError } from '../../shared/errors';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { decodeJpegLs } from './charls';
import { decodeDeflatedFrame } from './deflate-frame';
import { nativeFrameBytes, type DecodedFrame, type FrameGeometry } from './frame-geometry';
import { decodeHtj2k, decodeJpeg2000 } from './jpeg2000';
import { decodeJpeg } from './jpeg';
import { decodeRle } from './rle';
import { codecErrorReason } from './wasm-module';

/**
 * The decoders themselves, run on the calling thread: by the codec workers (codec-pool.ts),
 * or directly where no worker can be started. Every decoder's output is checked against the
 * geometry, so a frame that decodes to the wrong size never reaches a client.
 */

type Decoder = (encoded: Uint8Array, geometry: FrameGeometry) => Promise<DecodedFrame>;

export const DECODERS: ReadonlyMap<string, Decoder> = new Map([
  ['1.2.840.10008.1.2.4.50', decodeJpeg],
  ['1.2.840.10008.1.2.4.51', decodeJpeg],
  ['1.2.840.10008.1.2.4.53', decodeJpeg],
  ['1.2.840.10008.1.2.4.55', decodeJpeg],
  ['1.2.840.10008.1.2.4.57', decodeJpeg],
  ['1.2.840.10008.1.2.4.70', decodeJpeg],
  ['1.2.840.10008.1.2.4.80', decodeJpegLs],
  ['1.2.840.10008.1.2.4.81', decodeJpegLs],
  ['1.2.840.10008.1.2.4.90', decodeJpeg2000],
  ['1.2.840.10008.1.2.4.91', decodeJpeg2000],
  ['1.2.840.10008.1.2.4.201', decodeHtj2k],
  ['1.2.840.10008.1.2.4.202', decodeHtj2k],
  ['1.2.840.10008.1.2.4.203', decodeHtj2k],
  ['1.2.840.10008.1.2.5', decodeRle],
  ['1.2.840.10008.1.2.8.1', decodeDeflatedFrame],
]);

/** Decodes one frame whose syntax and geometry `decodeProblem` accepted; 406 when the codestream is bad. */
export async function decodeHere(transferSyntaxUid: string, encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  let frame: DecodedFrame;
  try {
    frame = await DECODERS.get(transferSyntaxUid)!(encoded, geometry);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'NOT_ACCEPTABLE',
      `A stored frame could not be decoded (${transferSyntax(transferSyntaxUid)?.name}): ${codecErrorReason(error, 'the codec rejected the codestream')}.`,
      { cause: error },
    );
  }
  return { ...frame, pixels: fitToGeometry(frame.pixels, geometry) };
}

/** Decoders give 8-bit samples for 8-bit codestreams even where Bits Allocated is 16: widen those. */
function fitToGeometry(pixels: Uint8Array, geometry: FrameGeometry): Uint8Array {
  const expected = nativeFrameBytes(geometry);
  const samples = geometry.rows * geometry.columns * geometry.samplesPerPixel;
  if (pixels.length === expected) return pixels;
  if (geometry.bitsAllocated === 16 && pixels.length === samples) {
    const wide = new Uint8Array(samples * 2);
    for (let i = 0; i < samples; i++) wide[2 * i] = pixels[i]!;
    return wide;
  }
  throw new AppError(
    'NOT_ACCEPTABLE',
    `A stored frame decodes to ${pixels.length} bytes where Rows, Columns, Samples per Pixel and Bits Allocated say ${expected}.`,
  );
}
