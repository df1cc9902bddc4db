import { tagNumber } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { AppError } from '../../shared/errors';
import { toExplicitVrLittleEndian, type ReplacedElement } from '../codecs/explicit-little-endian';
import { nativeFrameBytes } from '../codecs/frame-geometry';
import type { IndexedInstance } from '../index/archive-index';
import type { DeidContext } from '../sharing/deidentify/deidentify-json';
import { deidentifyPart10 } from '../sharing/deidentify/deidentify-part10';
import { collect } from './byte-streams';
import { nativeFramesOf, nativeProblem, storedFrames, storedImage, type StoredImage } from './native-frame';
import { findStored, type StoredInstance } from './stored-instance';
import type { StoredDeps } from './stored-deps';

/**
 * An instance re-encoded in Explicit VR Little Endian for retrieval (PS3.18 8.7.3.5.2: the
 * default transfer syntax of application/dicom): native Pixel Data (decoded when stored
 * compressed), the File Meta Transfer Syntax UID, and the Image Pixel attributes that decoding
 * changes. Planned for every instance before a response starts; made one instance at a time.
 */
export interface TranscodePlan {
  instance: IndexedInstance;
  located: StoredInstance;
  /** Undefined for instances without Pixel Data (SR, RT…): only the encoding changes. */
  image: StoredImage | undefined;
}

/** An instance is re-encoded in memory: this bounds what one request can take (file, pixels and output about three times it). */
const MAX_NATIVE_BYTES = 512 * 2 ** 20;

/** Whether the instance can be re-encoded in Explicit VR Little Endian; 406 with the reason if not. */
export function planExplicitLittleEndian(deps: StoredDeps, instance: IndexedInstance): TranscodePlan {
  const located = findStored(deps.index, instance.studyUid, instance.seriesUid, instance.sopUid);
  if (!located) throw new AppError('NOT_FOUND', 'An instance disappeared from the archive during the request.');
  const syntax = transferSyntax(instance.transferSyntax);
  if (!syntax) throw cannot(`its transfer syntax ${instance.transferSyntax} is unknown to the archive`);
  const pixel = located.bulk.pixelData;
  const image = pixel && pixel.length > 0 ? storedImage(located) : undefined;
  const problem = image ? nativeProblem(image) : undefined;
  if (problem) throw cannot(problem);
  if (image?.pixel.encapsulated && image.bitsAllocated === 1 && (image.rows * image.columns * image.samplesPerPixel) % 8 !== 0) {
    throw cannot('its 1-bit frames do not end on byte boundaries');
  }
  const nativeBytes = image?.pixel.encapsulated ? nativeFrameBytes(image) * image.numberOfFrames : 0;
  if (nativeBytes > MAX_NATIVE_BYTES || located.instance.size > MAX_NATIVE_BYTES) {
    throw cannot(`it is too large to re-encode in memory (more than ${MAX_NATIVE_BYTES / 2 ** 20} MiB); retrieve its frames instead`);
  }
  return { instance, located, image };
}

/**
 * The whole re-encoded Part 10 object; with `deidentify` (an anonymized share), also
 * de-identified by the Basic Profile with that share's replacement UIDs.
 */
export async function transcodeToExplicitLittleEndian(deps: StoredDeps, plan: TranscodePlan, deidentify?: DeidContext): Promise<Buffer> {
  const { instance, located, image } = plan;
  const replace = new Map<number, ReplacedElement>();
  if (image?.pixel.encapsulated) {
    const numbers = Array.from({ length: image.numberOfFrames }, (_, k) => k + 1);
    const frames = await nativeFramesOf(image, await storedFrames(deps, located, image, numbers));
    const photometric = frames[0]?.photometricInterpretation ?? image.photometricInterpretation;
    replace.set(tagNumber(Tag.PixelData), { vr: image.bitsAllocated > 8 ? 'OW' : 'OB', value: Buffer.concat(frames.map((f) => f.pixels)) });
    replace.set(tagNumber(Tag.PhotometricInterpretation), { vr: 'CS', value: Buffer.from(photometric, 'latin1') });
    if (image.samplesPerPixel > 1) replace.set(tagNumber(Tag.PlanarConfiguration), { vr: 'US', value: Uint8Array.of(0, 0) });
    if (transferSyntax(instance.transferSyntax)?.lossy)
      replace.set(tagNumber(Tag.LossyImageCompression), { vr: 'CS', value: Buffer.from('01', 'latin1') });
  }
  const file = await collect(await deps.blobStore.get(instance.blobKey));
  const input = {
    file,
    transferSyntax: instance.transferSyntax,
    sopClassUid: instance.sopClassUid,
    sopInstanceUid: instance.sopUid,
    replace,
  };
  return deidentify ? deidentifyPart10(input, deidentify) : toExplicitVrLittleEndian(input);
}

function cannot(reason: string): AppError {
  return new AppError(
    'NOT_ACCEPTABLE',
    `An instance cannot be produced in Explicit VR Little Endian (${EXPLICIT_VR_LITTLE_ENDIAN}): ${reason.replace(/\.$/, '')}. Ask for transfer-syntax=* to receive it as stored.`,
  );
}
