import { AppError } from '../../shared/errors';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { encodeInPool } from './codec-pool';
import { ENCODERS } from './encode-here';
import { nativeFrameBytes, type EncodedFrame, type FrameGeometry } from './frame-geometry';

export type { EncodedFrame } from './frame-geometry';

/**
 * Which transfer syntaxes the archive can encode native frames in, and the one entry point that
 * does it. Encoding runs on the codec worker pool (codec-pool.ts), like decoding.
 */

/** Transfer syntaxes we encode losslessly: JPEG-LS Lossless .80, HTJ2K Lossless .201, HTJ2K RPCL .202. */
export const LOSSLESS_ENCODINGS: readonly string[] = ['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202'];

/** Encoded only when a client names them explicitly: HTJ2K .203 (irreversible), JPEG Baseline .50 (8-bit only). */
export const LOSSY_ENCODINGS: readonly string[] = ['1.2.840.10008.1.2.4.203', '1.2.840.10008.1.2.4.50'];

const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const JPEG_LS = '1.2.840.10008.1.2.4.80';

/** The largest frame we encode at once, as for decoding. */
const MAX_FRAME_BYTES = 256 * 2 ** 20;

export function canEncode(transferSyntaxUid: string): boolean {
  return ENCODERS.has(transferSyntaxUid);
}

/** Why frames of this geometry cannot be encoded in that syntax, or undefined. */
export function encodeProblem(transferSyntaxUid: string, geometry: FrameGeometry): string | undefined {
  const name = transferSyntax(transferSyntaxUid)?.name ?? transferSyntaxUid;
  const { rows, columns, samplesPerPixel, bitsAllocated, bitsStored, pixelRepresentation, photometricInterpretation } = geometry;
  if (!canEncode(transferSyntaxUid)) return `The archive has no encoder for ${name} (${transferSyntaxUid}).`;
  if (!(rows > 0 && columns > 0 && rows <= 65535 && columns <= 65535)) return 'The instance has no valid Rows or Columns.';
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) return `Frames of ${samplesPerPixel} samples per pixel cannot be encoded in ${name}.`;
  if (bitsAllocated !== 8 && bitsAllocated !== 16)
    return `Frames of Bits Allocated ${bitsAllocated} cannot be encoded in ${name}; only 8 and 16.`;
  if (!(bitsStored >= 1 && bitsStored <= bitsAllocated)) return `Bits Stored ${bitsStored} does not fit Bits Allocated ${bitsAllocated}.`;
  if (nativeFrameBytes(geometry) > MAX_FRAME_BYTES)
    return `A frame of ${rows}×${columns} pixels is larger than the ${MAX_FRAME_BYTES / 2 ** 20} MiB the archive encodes at once.`;
  if (photometricInterpretation === 'YBR_FULL_422' || photometricInterpretation === 'YBR_PARTIAL_422')
    return `Native ${photometricInterpretation} frames hold subsampled chroma; the archive encodes full-resolution samples only.`;
  const lossy = LOSSY_ENCODINGS.includes(transferSyntaxUid);
  if (lossy && photometricInterpretation === 'PALETTE COLOR')
    return `PALETTE COLOR frames hold indices into a colour table; lossy ${name} would change which colours they point at.`;
  if (transferSyntaxUid === JPEG_BASELINE) {
    if (bitsAllocated !== 8) return `${name} is for 8-bit samples; this instance has Bits Allocated ${bitsAllocated}.`;
    if (pixelRepresentation === 1) return `${name} codes unsigned samples; this instance's are signed.`;
    if (rows * columns < 32 * 32) return `${name} is not made for frames this small (${rows}×${columns}); at least 32×32 pixels.`;
    if (samplesPerPixel === 3 && photometricInterpretation !== 'RGB')
      return `${name} colour is made from RGB; this instance's frames are ${photometricInterpretation}.`;
    return undefined;
  }
  if (transferSyntaxUid !== JPEG_LS && samplesPerPixel === 3 && bitsAllocated === 16)
    return `The HTJ2K encoder codes 16-bit samples for one component only; this instance has 16-bit colour.`;
  if (transferSyntaxUid !== JPEG_LS && samplesPerPixel === 3 && photometricInterpretation !== 'RGB')
    return `HTJ2K colour is coded from RGB through the codestream's colour transform; this instance's frames are ${photometricInterpretation}.`;
  return undefined;
}

/** pixels: native little-endian interleaved samples as `decodeFrame`/`nativeFramesOf` give them. Runs on the worker pool. 406 AppError on failure. */
export async function encodeFrame(transferSyntaxUid: string, pixels: Uint8Array, geometry: FrameGeometry): Promise<EncodedFrame> {
  const problem = encodeProblem(transferSyntaxUid, geometry);
  if (problem) throw new AppError('NOT_ACCEPTABLE', problem);
  return encodeInPool(transferSyntaxUid, pixels, geometry);
}
