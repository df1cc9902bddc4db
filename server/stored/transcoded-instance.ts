import { createHash } from 'node:crypto';
import { tagNumber } from '../../shared/dicom/tag-forms';
import { Tag } from '../../shared/dicom/tags';
import { EXPLICIT_VR_LITTLE_ENDIAN, transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { AppError } from '../../shared/errors';
import { encapsulatedPixelItems } from '../codecs/encapsulated-pixel-data';
import { LOSSLESS_ENCODINGS, encodeFrame, encodeProblem } from '../codecs/encode-registry';
import { toExplicitVrLittleEndian, type ReplacedElement } from '../codecs/explicit-little-endian';
import { nativeFrameBytes, type EncodedFrame, type FrameGeometry } from '../codecs/frame-geometry';
import type { IndexedInstance } from '../index/archive-index';
import type { StoredBulk } from '../index/stored-bulk';
import type { DeidContext } from '../sharing/deidentify/deidentify-json';
import { deidentifyPart10 } from '../sharing/deidentify/deidentify-part10';
import { collect } from './byte-streams';
import type { DerivedFrames } from './derived-frames';
import { encodedFrames } from './encoded-frames';
import { nativeFrameOf, nativeFramesOf, nativeProblem, storedFrames, storedImage, type StoredImage } from './native-frame';
import { findStored, indexedInstance, type StoredInstance } from './stored-instance';
import type { StoredDeps } from './stored-deps';

/**
 * An instance re-encoded for retrieval in a transfer syntax it is not stored in: Explicit VR
 * Little Endian (PS3.18 8.7.3.5.2: the default of application/dicom), native Pixel Data decoded
 * when stored compressed; or a syntax the archive encodes to (server/codecs/encode-registry.ts:
 * JPEG-LS, HTJ2K, JPEG baseline), each frame decoded if need be, encoded on the worker pool and
 * written as one fragment (encapsulated-pixel-data.ts). The rest of the data set is the stored
 * one, element by element (explicit-little-endian.ts), with the File Meta Transfer Syntax UID and
 * the Image Pixel attributes that change. Planned for every instance before a response starts;
 * made one instance at a time.
 */
export interface TranscodePlan {
  instance: IndexedInstance;
  located: StoredInstance;
  /** Undefined for instances without Pixel Data (SR, RT…): only the encoding changes. */
  image: StoredImage | undefined;
  /** The transfer syntax written. */
  target: string;
}

/** What re-encoding needs: the stored-instance layer, and the derived frame cache where there is one. */
export type TranscodeDeps = StoredDeps & { derived?: DerivedFrames };

/** An instance is re-encoded in memory: this bounds what one request can take (file, pixels and output about three times it). */
const MAX_NATIVE_BYTES = 512 * 2 ** 20;

/**
 * Whether the instance can be written in `target` (Explicit VR Little Endian or an encoded
 * syntax); 406 with the reason if not. A data set without Pixel Data can be written in any of
 * them: the encapsulated syntaxes differ from Explicit VR Little Endian only in how Pixel Data is
 * encoded (PS3.5 A.4), so it is labelled with the syntax asked for, which PS3.18 8.7.8.2 makes the
 * Selected Transfer Syntax of its part.
 */
export function planTranscode(located: StoredInstance, target: string): TranscodePlan {
  const instance = indexedInstance(located);
  const cannot = cannotIn(target);
  const stored = transferSyntax(instance.transferSyntax);
  if (!stored) throw cannot(`its transfer syntax ${instance.transferSyntax} is unknown to the archive`);
  const tooLarge = inflatedTooLarge(located);
  if (tooLarge) throw cannot(tooLarge);
  const pixel = located.bulk.pixelData;
  const image = pixel && pixel.length > 0 ? storedImage(located) : undefined;
  if (!image) return { instance, located, image, target };
  const problem =
    nativeProblem(image) ?? (target === EXPLICIT_VR_LITTLE_ENDIAN ? undefined : encodeProblem(target, decodedGeometry(image)));
  if (problem) throw cannot(problem);
  if (image.pixel.encapsulated && image.bitsAllocated === 1 && (image.rows * image.columns * image.samplesPerPixel) % 8 !== 0) {
    throw cannot('its 1-bit frames do not end on byte boundaries');
  }
  const nativeBytes = image.pixel.encapsulated || target !== EXPLICIT_VR_LITTLE_ENDIAN ? nativeFrameBytes(image) * image.numberOfFrames : 0;
  if (nativeBytes > MAX_NATIVE_BYTES || instance.size > MAX_NATIVE_BYTES) {
    throw cannot(`it is too large to re-encode in memory (more than ${MAX_NATIVE_BYTES / 2 ** 20} MiB); retrieve its frames instead`);
  }
  return { instance, located, image, target };
}

/**
 * Why a stored deflated data set may not be inflated whole in memory (to be re-encoded or
 * de-identified), or undefined: 1 MB stored may be 1 GB inflated (a deflate bomb within the
 * ingest's limits).
 */
export function inflatedTooLarge(located: StoredInstance): string | undefined {
  if (inflatedExtent(located.bulk) <= MAX_NATIVE_BYTES) return undefined;
  return `its deflated data set is too large to re-encode in memory (more than ${MAX_NATIVE_BYTES / 2 ** 20} MiB inflated)`;
}

/** Where the inflated data set of a deflated instance ends at the least: after its last bulk value (0 when not deflated). */
function inflatedExtent(bulk: StoredBulk): number {
  if (!bulk.deflated) return 0;
  const ends = bulk.items.map((item) => item.offset + item.length);
  if (bulk.pixelData) ends.push(bulk.pixelData.offset + bulk.pixelData.length);
  return Math.max(0, ...ends);
}

/** The geometry of the frames as the encoder receives them: native, interleaved, colour as decoding leaves it. */
function decodedGeometry(image: StoredImage, photometricInterpretation = decodedPhotometric(image)): FrameGeometry {
  const { rows, columns, samplesPerPixel, bitsAllocated, bitsStored, pixelRepresentation } = image;
  return {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    pixelRepresentation,
    photometricInterpretation,
    planarConfiguration: 0,
  };
}

/** Decoders return YBR colour as RGB (PS3.5 8.2, codec-registry.ts); native data keeps its own. */
function decodedPhotometric(image: StoredImage): string {
  const { photometricInterpretation: pi } = image;
  return image.pixel.encapsulated && image.samplesPerPixel === 3 && pi.startsWith('YBR') ? 'RGB' : pi;
}

/** The instance by its full UID path, planned for Explicit VR Little Endian (WADO-URI's `application/dicom`). */
export function planExplicitLittleEndian(deps: StoredDeps, instance: IndexedInstance): TranscodePlan {
  const located = findStored(deps.index, instance.studyUid, instance.seriesUid, instance.sopUid);
  if (!located) throw new AppError('NOT_FOUND', 'An instance disappeared from the archive during the request.');
  return planTranscode(located, EXPLICIT_VR_LITTLE_ENDIAN);
}

/**
 * The whole re-encoded Part 10 object; with `deidentify` (an anonymized share), also
 * de-identified by the Basic Profile with that share's replacement UIDs.
 */
export async function transcodeInstance(deps: TranscodeDeps, plan: TranscodePlan, deidentify?: DeidContext): Promise<Buffer> {
  const { instance, image, target } = plan;
  const replace = new Map<number, ReplacedElement>();
  if (!image) {
    if (target !== EXPLICIT_VR_LITTLE_ENDIAN) replace.set(tagNumber(Tag.TransferSyntaxUID), { vr: 'UI', value: ascii(target) });
  } else if (target === EXPLICIT_VR_LITTLE_ENDIAN) {
    if (image.pixel.encapsulated) await decodedPixels(deps, plan, image, replace);
  } else {
    await encodedPixels(deps, plan, image, replace, deidentify);
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

/** Same as `transcodeInstance`, by its former name (WADO-URI). */
export const transcodeToExplicitLittleEndian = transcodeInstance;

/** Native Pixel Data for Explicit VR Little Endian: every frame decoded (Decision 5). */
async function decodedPixels(
  deps: StoredDeps,
  plan: TranscodePlan,
  image: StoredImage,
  replace: Map<number, ReplacedElement>,
): Promise<void> {
  const numbers = Array.from({ length: image.numberOfFrames }, (_, k) => k + 1);
  const frames = await nativeFramesOf(image, await storedFrames(deps, plan.located, image, numbers));
  const photometric = frames[0]?.photometricInterpretation ?? image.photometricInterpretation;
  replace.set(PIXEL_DATA, { vr: image.bitsAllocated > 8 ? 'OW' : 'OB', value: Buffer.concat(frames.map((f) => f.pixels)) });
  imagePixelChanges(replace, image, photometric);
  if (transferSyntax(image.transferSyntax)?.lossy) replace.set(tagNumber(Tag.LossyImageCompression), { vr: 'CS', value: ascii('01') });
}

/** Frames read, decoded and encoded at once per instance (the pool runs one task per CPU; reads overlap with coding). */
const FRAMES_IN_FLIGHT = 4;

/**
 * Encapsulated Pixel Data in `plan.target`: each frame made native (read, decoded if stored
 * compressed), then encoded; only the encoded frames are kept, so an instance holds its encoded
 * size plus a few native frames.
 */
async function encodedPixels(
  deps: TranscodeDeps,
  plan: TranscodePlan,
  image: StoredImage,
  replace: Map<number, ReplacedElement>,
  deidentify: DeidContext | undefined,
): Promise<void> {
  const { target } = plan;
  const numbers = Array.from({ length: image.numberOfFrames }, (_, k) => k + 1);
  if (deps.derived && image.samplesPerPixel === 1 && LOSSLESS_ENCODINGS.includes(target)) {
    return cachedPixels({ ...deps, derived: deps.derived }, plan, image, numbers, replace);
  }
  const stored = await storedFrames(deps, plan.located, image, numbers);
  const encoded: EncodedFrame[] = new Array(stored.length);
  let next = 0;
  const lane = async () => {
    for (let k = next++; k < stored.length; k = next++) {
      const native = await nativeFrameOf(image, await collect(await stored[k]!.open()));
      encoded[k] = await encodeFrame(target, native.pixels, decodedGeometry(image, native.photometricInterpretation));
    }
  };
  await Promise.all(Array.from({ length: Math.min(FRAMES_IN_FLIGHT, stored.length) }, lane));
  replace.set(PIXEL_DATA, { vr: 'OB', value: encapsulatedPixelItems(encoded.map((f) => f.bytes)), encapsulatedIn: target });
  imagePixelChanges(replace, image, encoded[0]?.photometricInterpretation ?? image.photometricInterpretation);
  const lossy = encoded[0]?.lossy;
  if (lossy) {
    const ratio = (nativeFrameBytes(image) * encoded.length) / encoded.reduce((n, f) => n + f.bytes.length, 0);
    const sop = deidentify ? deidentify.uids.replace(plan.instance.sopUid) : plan.instance.sopUid;
    lossyLabels(replace, lossy.method, ratio, lossyUid(sop, target));
  } else if (transferSyntax(image.transferSyntax)?.lossy) {
    // Lossless encoding of pixels that were lossy once: still "01" (PS3.3 C.7.6.1.1.5: once set, never reset).
    replace.set(tagNumber(Tag.LossyImageCompression), { vr: 'CS', value: ascii('01') });
  }
}

/**
 * Grey frames in a lossless syntax from the derived frame cache (stored/derived-frames.ts), which
 * Retrieve Frames fills and reads too: a frame encoded for one reader is not encoded again for
 * the next. Only there: the cache keeps the codestream alone, and for grey lossless frames that
 * is all the data set needs (Photometric Interpretation unchanged, no ratio to record); colour
 * comes out of the encoders in a Photometric Interpretation of their choosing (YBR_RCT…).
 */
async function cachedPixels(
  deps: TranscodeDeps & { derived: DerivedFrames },
  plan: TranscodePlan,
  image: StoredImage,
  numbers: number[],
  replace: Map<number, ReplacedElement>,
): Promise<void> {
  const frames = await encodedFrames(deps, plan.located, image, numbers, plan.target);
  const bytes: Buffer[] = [];
  for (const frame of frames) bytes.push(await collect(await frame.open()));
  replace.set(PIXEL_DATA, { vr: 'OB', value: encapsulatedPixelItems(bytes), encapsulatedIn: plan.target });
  imagePixelChanges(replace, image, image.photometricInterpretation);
  if (transferSyntax(image.transferSyntax)?.lossy) replace.set(tagNumber(Tag.LossyImageCompression), { vr: 'CS', value: ascii('01') });
}

/** Photometric Interpretation as the new pixels are; Planar Configuration 0 (interleaved; PS3.5 8.2 for the encapsulated syntaxes); no stale offset tables. */
function imagePixelChanges(replace: Map<number, ReplacedElement>, image: StoredImage, photometric: string): void {
  replace.set(tagNumber(Tag.PhotometricInterpretation), { vr: 'CS', value: ascii(photometric) });
  if (image.samplesPerPixel > 1) replace.set(tagNumber(Tag.PlanarConfiguration), { vr: 'US', value: Uint8Array.of(0, 0) });
  // An Extended Offset Table describes the stored fragments, not the new ones (PS3.5 A.4).
  replace.set(tagNumber(Tag.ExtendedOffsetTable), { vr: 'OV', value: () => undefined });
  replace.set(tagNumber(Tag.ExtendedOffsetTableLengths), { vr: 'OV', value: () => undefined });
}

/**
 * What PS3.3 C.7.6.1.1.5 asks of "a compressed version of another image": Lossy Image
 * Compression "01"; the ratio and method of this compression appended to any earlier ones
 * (Lossy Image Compression Ratio and Method are multi-valued, one value per compression, in
 * order); Value 1 of Image Type DERIVED; and, the predecessor being a DICOM image, a new SOP
 * Instance UID, in the data set and in the File Meta. DICOMweb names no exception for lossy
 * compression asked for in a retrieve (PS3.18 8.7.3.5.2 leaves the choice of syntax to the user
 * agent, nothing about identity), so the rule of PS3.3 applies: a lossy part never carries the
 * UID of the lossless original. The new UID is derived from the original and the syntax (2.25
 * form, PS3.5 B.2), so retrieving it again gives the same UID rather than a new instance each time.
 */
function lossyLabels(replace: Map<number, ReplacedElement>, method: string, ratio: number, sopUid: string): void {
  replace.set(tagNumber(Tag.LossyImageCompression), { vr: 'CS', value: ascii('01') });
  replace.set(tagNumber(Tag.LossyImageCompressionRatio), { vr: 'DS', value: (stored) => appended(stored, decimalString(ratio)) });
  replace.set(tagNumber(Tag.LossyImageCompressionMethod), { vr: 'CS', value: (stored) => appended(stored, method) });
  replace.set(tagNumber(Tag.ImageType), { vr: 'CS', value: (stored) => (stored ? derivedImageType(stored) : undefined) });
  replace.set(tagNumber(Tag.SOPInstanceUID), { vr: 'UI', value: ascii(sopUid) });
  replace.set(tagNumber(Tag.MediaStorageSOPInstanceUID), { vr: 'UI', value: ascii(sopUid) });
}

/** `2.25.` and the decimal value of the first 128 bits of SHA-256 over the syntax and the UID it replaces. */
export function lossyUid(sopUid: string, target: string): string {
  const digest = createHash('sha256').update(`lossy ${target} ${sopUid}`, 'latin1').digest();
  return `2.25.${BigInt(`0x${digest.subarray(0, 16).toString('hex')}`).toString(10)}`;
}

/** Image Type with Value 1 DERIVED, the other values as stored. */
function derivedImageType(stored: Uint8Array): Uint8Array {
  const values = text(stored).split('\\');
  values[0] = 'DERIVED';
  return ascii(values.join('\\'));
}

function appended(stored: Uint8Array | undefined, value: string): Uint8Array {
  const before = stored ? text(stored) : '';
  return ascii(before === '' ? value : `${before}\\${value}`);
}

/** A DS value (at most 16 characters, PS3.5 6.2): two decimals are plenty for a ratio. */
function decimalString(n: number): string {
  const fixed = n.toFixed(2);
  return fixed.length <= 16 ? fixed : n.toExponential(6);
}

/** The value as text without padding (trailing NUL or space, leading space). */
function text(value: Uint8Array): string {
  return Buffer.from(value)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
}

function ascii(value: string): Uint8Array {
  return Buffer.from(value, 'latin1');
}

const PIXEL_DATA = tagNumber(Tag.PixelData);

function cannotIn(target: string): (reason: string) => AppError {
  const name = transferSyntax(target)?.name ?? target;
  return (reason) =>
    new AppError(
      'NOT_ACCEPTABLE',
      `An instance cannot be produced in ${name} (${target}): ${reason.replace(/\.$/, '')}. Ask for transfer-syntax=* to receive it as stored.`,
    );
}
