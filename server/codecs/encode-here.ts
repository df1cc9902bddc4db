import { AppError } from '../../shared/errors';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { encodeHtj2kLossless, encodeHtj2kLossy } from './encode-htj2k';
import { encodeJpegBaseline } from './encode-jpeg-baseline';
import { encodeJpegLs } from './encode-jpeg-ls';
import { codecErrorReason } from './wasm-module';
import { nativeFrameBytes, type EncodedFrame, type FrameGeometry } from './frame-geometry';

/**
 * The encoders themselves, run on the calling thread: by the codec workers (codec-pool.ts), or
 * directly where no worker can be started. encode-registry.ts decides which frames they get.
 */

type Encoder = (pixels: Uint8Array, geometry: FrameGeometry) => Promise<EncodedFrame>;

export const ENCODERS: ReadonlyMap<string, Encoder> = new Map([
  ['1.2.840.10008.1.2.4.80', encodeJpegLs],
  ['1.2.840.10008.1.2.4.201', encodeHtj2kLossless],
  ['1.2.840.10008.1.2.4.202', encodeHtj2kLossless],
  ['1.2.840.10008.1.2.4.203', encodeHtj2kLossy],
  ['1.2.840.10008.1.2.4.50', encodeJpegBaseline],
]);

/** Encodes one frame whose syntax and geometry `encodeProblem` accepted; 406 when it cannot. */
export async function encodeHere(transferSyntaxUid: string, pixels: Uint8Array, geometry: FrameGeometry): Promise<EncodedFrame> {
  const name = transferSyntax(transferSyntaxUid)?.name ?? transferSyntaxUid;
  const encoder = ENCODERS.get(transferSyntaxUid);
  if (!encoder) throw new AppError('NOT_ACCEPTABLE', `The archive has no encoder for ${name} (${transferSyntaxUid}).`);
  const expected = nativeFrameBytes(geometry);
  if (pixels.length !== expected)
    throw new AppError('NOT_ACCEPTABLE', `A frame to encode in ${name} has ${pixels.length} bytes where its geometry says ${expected}.`);
  try {
    return await encoder(pixels, geometry);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'NOT_ACCEPTABLE',
      `A frame could not be encoded in ${name}: ${codecErrorReason(error, 'the codec rejected the frame')}.`,
      { cause: error },
    );
  }
}
