import { Readable } from 'node:stream';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { AppError } from '../../shared/errors';
import { decodeFrame, decodeProblem } from '../codecs/codec-registry';
import { interleavePlanes, nativeFrameBytes, type FrameGeometry } from '../codecs/frame-geometry';
import type { PixelDataLocation } from '../ingest/part10-types';
import { collect } from './byte-streams';
import {
  checkFrameNumbers,
  fragmentRunsFromMarkers,
  fragmentRunsFromTable,
  nativeFrameRange,
  startMarkerTest,
  type FragmentRun,
  type ImageGeometry,
} from './frame-locator';
import { openSpans, openValueRange, storedValue, type StoredValue } from './stored-value';
import type { StoredInstance } from './stored-instance';
import type { StoredDeps } from './stored-deps';

/**
 * Frames as stored and frames as native pixels, read from storage with range reads (PS3.5 8.2,
 * A.4): Retrieve Frames serves either, /rendered and transcoding take the native form.
 */

/** One frame's native pixels and what they are; `photometricInterpretation` as the pixels now are (RGB after JPEG decoding of YBR_FULL_422). */
export interface NativeFrame extends Omit<FrameGeometry, 'planarConfiguration'> {
  pixels: Uint8Array; // one frame, little endian, samples interleaved (Planar Configuration 0)
}

/** What reading frames needs of a located instance: its index row (pixel description included) and its pixel data location. */
export type StoredPixels = Pick<StoredInstance, 'instance' | 'bulk'>;

/** The image attributes of a located instance (Image Pixel Module, PS3.3 C.7.6.3). */
export interface StoredImage extends FrameGeometry, ImageGeometry {
  photometricInterpretation: string;
  transferSyntax: string;
  pixel: PixelDataLocation;
}

/** The bytes of one stored frame: its length and a way to open them when its turn comes. */
export interface StoredFrame {
  length: number;
  open: () => Promise<Readable>;
}

/** One frame as native pixels: decoded if encapsulated, inflated, swapped and interleaved as needed; 404/406 otherwise. */
export async function readNativeFrame(deps: StoredDeps, located: StoredPixels, frameNumber: number): Promise<NativeFrame> {
  if (!Number.isInteger(frameNumber) || frameNumber < 1) throw new AppError('BAD_REQUEST', 'Frame numbers are counted from 1.');
  const image = storedImage(located);
  checkFrameNumbers([frameNumber], image.numberOfFrames);
  const [stored] = await storedFrames(deps, located, image, [frameNumber]);
  return nativeFrameOf(image, await collect(await stored!.open()));
}

/** Native pixels from the stored bytes of one frame (what `storedFrames` opened). */
export async function nativeFrameOf(image: StoredImage, stored: Uint8Array): Promise<NativeFrame> {
  const header = {
    rows: image.rows,
    columns: image.columns,
    samplesPerPixel: image.samplesPerPixel,
    bitsAllocated: image.bitsAllocated,
    bitsStored: image.bitsStored,
    pixelRepresentation: image.pixelRepresentation,
  };
  if (image.pixel.encapsulated) {
    const decoded = await decodeFrame(image.transferSyntax, stored, image);
    return { ...header, ...decoded };
  }
  const planar = image.samplesPerPixel > 1 && image.planarConfiguration === 1;
  const pixels = planar ? interleavePlanes(stored, image.samplesPerPixel, image.bitsAllocated / 8) : stored;
  return { ...header, pixels, photometricInterpretation: image.photometricInterpretation };
}

/** Frames decoded at once (the decode pool runs one per CPU; reads overlap with decoding). */
const FRAMES_IN_FLIGHT = 4;

/** The native form of several stored frames, in order, a few read and decoded at a time. */
export async function nativeFramesOf(image: StoredImage, frames: readonly StoredFrame[]): Promise<NativeFrame[]> {
  const out: NativeFrame[] = new Array(frames.length);
  let next = 0;
  const lane = async () => {
    for (let k = next++; k < frames.length; k = next++) out[k] = await nativeFrameOf(image, await collect(await frames[k]!.open()));
  };
  await Promise.all(Array.from({ length: Math.min(FRAMES_IN_FLIGHT, frames.length) }, lane));
  return out;
}

/** Why the frames of this image cannot be made native, or undefined when they can. */
export function nativeProblem(image: StoredImage): string | undefined {
  return image.pixel.encapsulated ? decodeProblem(image.transferSyntax, image) : undefined;
}

/** The image attributes of the instance, as its index row holds them (no further query); 404 without Pixel Data. */
export function storedImage(located: StoredPixels): StoredImage {
  const { instance, bulk } = located;
  const pixel = bulk.pixelData;
  if (!pixel || pixel.length === 0) throw new AppError('NOT_FOUND', 'The instance has no Pixel Data, so it has no frames.');
  const bitsAllocated = instance.bitsAllocated ?? 0;
  return {
    transferSyntax: instance.transferSyntax,
    pixel,
    rows: instance.rows ?? 0,
    columns: instance.columns ?? 0,
    samplesPerPixel: Number(instance.samplesPerPixel ?? 1),
    bitsAllocated,
    bitsStored: numberOrUndefined(instance.bitsStored) ?? bitsAllocated,
    pixelRepresentation: numberOrUndefined(instance.pixelRepresentation) === 1 ? 1 : 0,
    photometricInterpretation: typeof instance.photometricInterpretation === 'string' ? instance.photometricInterpretation.trim() : '',
    planarConfiguration: numberOrUndefined(instance.planarConfiguration) === 1 ? 1 : 0,
    numberOfFrames: Math.max(1, instance.numberOfFrames ?? 1),
  };
}

/** A JSON value read by json_extract as `getNumber` reads it: numbers, and numeric strings (DS/IS). */
function numberOrUndefined(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The stored bytes of the listed frames (1-based, already checked against the frame count). */
export async function storedFrames(
  deps: StoredDeps,
  located: StoredPixels,
  image: StoredImage,
  numbers: readonly number[],
): Promise<StoredFrame[]> {
  return image.pixel.encapsulated ? encapsulatedFrames(deps, located, image, numbers) : nativeFrames(deps, located, image, numbers);
}

function nativeFrames(deps: StoredDeps, located: StoredPixels, image: StoredImage, numbers: readonly number[]): StoredFrame[] {
  const { pixel } = image;
  const bigEndian = transferSyntax(located.instance.transferSyntax)?.bigEndian === true;
  if (bigEndian && (image.bitsAllocated === 1 || (pixel.vr === 'OW' && image.bitsAllocated > 16))) {
    throw new AppError(
      'NOT_ACCEPTABLE',
      `Frames of big endian pixel data with ${image.bitsAllocated}-bit samples cannot be converted to little endian yet.`,
    );
  }
  const value = storedValue(located, pixel);
  return numbers.map((frame) => {
    if (image.bitsAllocated === 1) return packedBitFrame(deps, value, image, frame);
    const { start, end } = nativeFrameRange(pixel.length, image, frame);
    return { length: end - start, open: () => openValueRange(deps.blobStore, value, start, end) };
  });
}

/**
 * A frame of 1-bit pixels (PS3.5 8.1.1: packed, least significant bit first) that may begin
 * inside a byte: the bytes around it are read and shifted so that the frame begins at bit 0.
 */
function packedBitFrame(deps: StoredDeps, value: StoredValue, image: StoredImage, frame: number): StoredFrame {
  const bits = image.rows * image.columns * image.samplesPerPixel;
  const firstBit = (frame - 1) * bits;
  const start = Math.floor(firstBit / 8);
  const end = Math.ceil((firstBit + bits) / 8);
  if (end > value.length) throw new AppError('NOT_FOUND', `Frame ${frame} lies past the end of the stored Pixel Data.`);
  const length = nativeFrameBytes(image);
  const shift = firstBit % 8;
  return {
    length,
    open: async () => {
      const bytes = await collect(await openValueRange(deps.blobStore, value, start, end));
      const out = Buffer.alloc(length);
      for (let i = 0; i < length; i++) out[i] = ((bytes[i]! >> shift) | ((bytes[i + 1] ?? 0) << (8 - shift))) & 0xff;
      // Bits past the frame's last pixel belong to the next frame: clear them.
      const tail = bits % 8;
      if (tail !== 0) out[length - 1]! &= (1 << tail) - 1;
      return bufferStream(out);
    },
  };
}

async function encapsulatedFrames(
  deps: StoredDeps,
  located: StoredPixels,
  image: StoredImage,
  numbers: readonly number[],
): Promise<StoredFrame[]> {
  const fragments = image.pixel.fragments ?? [];
  const key = located.instance.blobKey;
  let runs: FragmentRun[] | undefined = fragmentRunsFromTable(image.pixel, image.numberOfFrames);
  if (!runs) {
    const isStart = startMarkerTest(transferSyntax(image.transferSyntax)?.mediaType ?? '');
    if (!isStart) {
      throw new AppError(
        'NOT_ACCEPTABLE',
        `The stored Pixel Data has ${fragments.length} fragments for ${image.numberOfFrames} frames and no usable Basic Offset Table, and its transfer syntax has no frame start marker to split it by.`,
      );
    }
    const readStarts = (from: number, to: number) =>
      Promise.all(
        fragments.slice(from, to).map(async ({ offset, length }) => {
          const head = await collect(await deps.blobStore.get(key, { start: offset, end: offset + Math.min(8, length) }));
          return isStart(head);
        }),
      );
    runs = await fragmentRunsFromMarkers(fragments.length, image.numberOfFrames, Math.max(...numbers), readStarts);
  }
  const frameRuns = runs;
  return numbers.map((frame) => {
    const run = frameRuns[frame - 1]!;
    const spans = fragments.slice(run.first, run.end).map(({ offset, length }) => ({ start: offset, end: offset + length }));
    return { length: spans.reduce((sum, s) => sum + s.end - s.start, 0), open: () => openSpans(deps.blobStore, key, spans) };
  });
}

function bufferStream(bytes: Uint8Array): Readable {
  return Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
}
