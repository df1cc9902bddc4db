import { AppError } from '../../shared/errors';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { DECODERS } from './decode-here';
import { decodeInPool } from './codec-pool';
import { nativeFrameBytes, type DecodedFrame, type FrameGeometry } from './frame-geometry';

/**
 * Which encapsulated transfer syntaxes the archive can decode to native pixels, and the one
 * entry point that does it (PS3.5 8.2, A.4). Decoding runs on a pool of worker threads
 * (codec-pool.ts) so that a 40 ms JPEG 2000 frame does not hold up every other request.
 */

/** The largest decoded frame: bounds what a header claiming huge Rows and Columns can make us allocate. */
const MAX_FRAME_BYTES = 256 * 2 ** 20;

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
  if (!(geometry.rows > 0 && geometry.columns > 0 && geometry.samplesPerPixel > 0))
    return 'The instance has no valid Rows, Columns or Samples per Pixel.';
  if (![1, 8, 16, 32].includes(geometry.bitsAllocated)) return `Bits Allocated ${geometry.bitsAllocated} cannot be decoded.`;
  if (geometry.bitsAllocated === 1 && transferSyntaxUid !== '1.2.840.10008.1.2.8.1') return `Bits Allocated 1 is not valid in ${name}.`;
  if (nativeFrameBytes(geometry) > MAX_FRAME_BYTES)
    return `A frame of ${geometry.rows}×${geometry.columns} pixels is larger than the ${MAX_FRAME_BYTES / 2 ** 20} MiB the archive decodes at once.`;
  return undefined;
}

/** Decodes one frame to little endian, interleaved native samples; 406 when it cannot. */
export async function decodeFrame(transferSyntaxUid: string, encoded: Uint8Array, geometry: FrameGeometry): Promise<DecodedFrame> {
  const problem = decodeProblem(transferSyntaxUid, geometry);
  if (problem) throw new AppError('NOT_ACCEPTABLE', problem);
  return decodeInPool(transferSyntaxUid, encoded, geometry);
}
