import { AppError } from '../../shared/errors';
import { encodeFrame, encodeProblem } from '../codecs/encode-registry';
import { afterColourTransform, type FrameGeometry } from '../codecs/frame-geometry';
import { collect } from './byte-streams';
import type { DerivedFrame, DerivedFrames } from './derived-frames';
import { nativeFrameOf, nativeProblem, storedFrames, type StoredFrame, type StoredImage, type StoredPixels } from './native-frame';
import type { StoredDeps } from './stored-deps';

/**
 * Frames of a stored instance encoded in another transfer syntax (issue 11 item 2): read as
 * stored, made native (decoded, inflated, interleaved), encoded on the codec worker pool, and
 * kept in the derived-representation cache (derived-frames.ts), which a second reader takes them
 * from without decoding or encoding anything.
 */

/** What encoding stored frames needs: the stored-instance layer and the cache. */
export interface EncodingDeps extends StoredDeps {
  derived: DerivedFrames;
}

/** The geometry of the frames once native: what the encoder is given (JPEG and JPEG 2000 colour arrives as RGB). */
export function nativeGeometry(image: StoredImage): FrameGeometry {
  const photometricInterpretation = image.pixel.encapsulated
    ? afterColourTransform(image.photometricInterpretation, image.samplesPerPixel)
    : image.photometricInterpretation;
  return { ...image, photometricInterpretation, planarConfiguration: 0 };
}

/** Why this image's frames cannot be produced in `transferSyntaxUid` by encoding, or undefined when they can. */
export function encodingProblem(image: StoredImage, transferSyntaxUid: string): string | undefined {
  return nativeProblem(image) ?? encodeProblem(transferSyntaxUid, nativeGeometry(image));
}

/** Frames encoded at once (the codec pool runs one per CPU; reads overlap with coding). */
const FRAMES_IN_FLIGHT = 4;

/**
 * The listed frames (1-based, checked) in `transferSyntaxUid`, from the cache or encoded now; all
 * are made before this resolves, so a frame that cannot be made is a clean 406, never a cut answer.
 */
export async function encodedFrames(
  deps: EncodingDeps,
  located: StoredPixels,
  image: StoredImage,
  numbers: readonly number[],
  transferSyntaxUid: string,
): Promise<DerivedFrame[]> {
  let stored: Promise<StoredFrame[]> | undefined;
  // The stored frames are located only if some frame is not in the cache.
  const storedFrame = async (k: number) => (await (stored ??= storedFrames(deps, located, image, numbers)))[k]!;
  const out: DerivedFrame[] = new Array(numbers.length);
  let next = 0;
  const lane = async () => {
    for (let k = next++; k < numbers.length; k = next++) {
      const source = { blobKey: located.instance.blobKey, frame: numbers[k]!, transferSyntax: transferSyntaxUid };
      out[k] = await deps.derived.frame(source, () => encodeStored(image, storedFrame(k), transferSyntaxUid));
    }
  };
  await Promise.all(Array.from({ length: Math.min(FRAMES_IN_FLIGHT, numbers.length) }, lane));
  return out;
}

/** One stored frame, made native and encoded; a failure at any step is a 406 that says which. */
export async function encodeStored(image: StoredImage, frame: Promise<StoredFrame>, transferSyntaxUid: string): Promise<Uint8Array> {
  try {
    const native = await nativeFrameOf(image, await collect(await (await frame).open()));
    const encoded = await encodeFrame(transferSyntaxUid, native.pixels, { ...nativeGeometry(image), ...native, planarConfiguration: 0 });
    return encoded.bytes;
  } catch (error) {
    // Storage failures keep their status; a codec that fails in a way of its own is the frame's fault.
    if (error instanceof AppError && error.code !== 'INTERNAL') throw error;
    throw new AppError('NOT_ACCEPTABLE', `A frame of this instance could not be encoded in ${transferSyntaxUid}.`, { cause: error });
  }
}
