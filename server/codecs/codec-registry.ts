import { AppError } from '../../shared/errors';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { decodeJpegLs } from './charls';
import { decodeDeflatedFrame } from './deflate-frame';
import { nativeFrameBytes, type DecodedFrame, type FrameGeometry } from './frame-geometry';
import { decodeHtj2k, decodeJpeg2000 } from './jpeg2000';
import { decodeJpeg } from './jpeg';
import { decodeRle } from './rle';

/**
 * Which encapsulated transfer syntaxes the archive can decode to native pixels, and the one
 * entry point that does it (PS3.5 8.2, A.4). Every decoder's output is checked against the
 * geometry, so a frame that decodes to the wrong size never reaches a client.
 */

type Decoder = (encoded: Uint8Array, geometry: FrameGeometry) => Promise<DecodedFrame>;

const DECODERS: ReadonlyMap<string, Decoder> = new Map([
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

/** The DCT JPEG syntaxes: the decoder is 8-bit only (see libjpeg-turbo.ts). */
const EIGHT_BIT_JPEG = new Set(['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.53', '1.2.840.10008.1.2.4.55']);

export function canDecode(transferSyntaxUid: string): boolean {
  return DECODERS.has(transferSyntaxUid);
}

/**
 * Why frames of this syntax and geometry cannot be decoded, or undefined when they can: asked
 * before a response starts, so that no answer is cut short by a frame we knew we could not make.
 */
export function decodeProblem(transferSyntaxUid: string, geometry: FrameGeometry): string | undefined {
  const name = transferSyntax(transferSyntaxUid)?.name ?? transferSyntaxUid;
  if (!canDecode(transferSyntaxUid)) return `The archive has no decoder for ${name} (${transferSyntaxUid}).`;
  if (!(geometry.rows > 0 && geometry.columns > 0 && geometry.samplesPerPixel > 0)) return 'The instance has no valid Rows, Columns or Samples per Pixel.';
  if (![1, 8, 16, 32].includes(geometry.bitsAllocated)) return `Bits Allocated ${geometry.bitsAllocated} cannot be decoded.`;
  if (geometry.bitsAllocated === 1 && transferSyntaxUid !== '1.2.840.10008.1.2.8.1') return `Bits Allocated 1 is not valid in ${name}.`;
  if (EIGHT_BIT_JPEG.has(transferSyntaxUid) && geometry.bitsStored > 8) {
    return `The frames are ${geometry.bitsStored}-bit lossy JPEG (${transferSyntaxUid}); the archive has no decoder for JPEG DCT precisions above 8 bits, so they can only be served as stored (transfer-syntax=*).`;
  }
  return undefined;
}

/** Decodes one frame to little endian, interleaved native samples; 406 when it cannot. */
export async function decodeFrame(transferSyntaxUid: string, encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const problem = decodeProblem(transferSyntaxUid, geometry);
  if (problem) throw new AppError('NOT_ACCEPTABLE', problem);
  let frame: DecodedFrame;
  try {
    frame = await DECODERS.get(transferSyntaxUid)!(encoded, geometry);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('NOT_ACCEPTABLE', `A stored frame could not be decoded (${transferSyntax(transferSyntaxUid)?.name}): ${reasonOf(error)}.`, { cause: error });
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
  throw new AppError('NOT_ACCEPTABLE', `A stored frame decodes to ${pixels.length} bytes where Rows, Columns, Samples per Pixel and Bits Allocated say ${expected}.`);
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  // Emscripten throws bare numbers (C++ exception pointers) and strings.
  return typeof error === 'string' ? error : 'the codec rejected the codestream';
}
