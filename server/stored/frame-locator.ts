import { AppError } from '../../shared/errors';
import type { PixelDataLocation } from '../ingest/part10-types';
import type { ByteSpan } from './byte-streams';

/**
 * Where frame k lives in stored pixel data (PS3.5 8.2, A.4): a byte range of native pixel data,
 * or a run of fragments of encapsulated pixel data.
 */

export interface ImageGeometry {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  numberOfFrames: number;
  /** Native YBR_FULL_422 holds two samples per pixel, not three (PS3.3 C.7.6.3.1.2). */
  photometricInterpretation?: string;
}

/** Bits of one native frame as stored. */
function nativeFrameBits(image: ImageGeometry): number {
  const samples = image.samplesPerPixel === 3 && image.photometricInterpretation === 'YBR_FULL_422' ? 2 : image.samplesPerPixel;
  return image.rows * image.columns * samples * image.bitsAllocated;
}

/** The `{frames}` path segment (PS3.18 10.4.1.1.4): comma-separated frame numbers, 1-based; 400 otherwise. */
export function parseFrameList(list: string): number[] {
  const parts = list.split(',');
  const numbers = parts.map((part) => (/^[0-9]{1,10}$/.test(part) ? Number(part) : NaN));
  if (numbers.some((n) => !(n >= 1))) {
    throw new AppError(
      'BAD_REQUEST',
      'The frame list must be comma-separated frame numbers counted from 1, such as frames/1 or frames/1,3,2.',
    );
  }
  return numbers;
}

/** 404 for frame numbers past the last frame. */
export function checkFrameNumbers(numbers: readonly number[], numberOfFrames: number): void {
  const past = numbers.find((n) => n > numberOfFrames);
  if (past !== undefined) {
    throw new AppError(
      'NOT_FOUND',
      `There is no frame ${past}: the instance has ${numberOfFrames} frame${numberOfFrames === 1 ? '' : 's'}.`,
    );
  }
}

/** Byte range of native frame `frame` inside the pixel data value. */
export function nativeFrameRange(pixelLength: number, image: ImageGeometry, frame: number): ByteSpan {
  const frameBits = nativeFrameBits(image);
  if (!(frameBits > 0))
    throw new AppError(
      'NOT_FOUND',
      'The instance has no valid Rows, Columns, Samples per Pixel or Bits Allocated, so its frames cannot be located.',
    );
  const startBit = (frame - 1) * frameBits;
  const endBit = frame * frameBits;
  // Packed bits (Bits Allocated 1, e.g. binary SEG): a frame can begin inside a byte; native-frame.ts shifts those.
  if (startBit % 8 !== 0 || (endBit % 8 !== 0 && frame !== image.numberOfFrames)) {
    throw new AppError(
      'NOT_ACCEPTABLE',
      `Frame ${frame} does not start and end on a byte boundary (1-bit pixels), so it is not a byte range of the stored value.`,
    );
  }
  const range = { start: startBit / 8, end: Math.ceil(endBit / 8) };
  if (range.end > pixelLength) throw new AppError('NOT_FOUND', `Frame ${frame} lies past the end of the stored Pixel Data.`);
  return range;
}

/** Fragment indexes [first, end) of one frame. */
export interface FragmentRun {
  first: number;
  end: number;
}

/**
 * Frames of encapsulated pixel data when the fragment count or the Basic Offset Table tells
 * (PS3.5 A.4); undefined when start markers must be read (multi-frame, no usable table, more
 * fragments than frames).
 */
export function fragmentRunsFromTable(pixel: PixelDataLocation, numberOfFrames: number): FragmentRun[] | undefined {
  const fragments = pixel.fragments ?? [];
  const count = fragments.length;
  if (count === 0) throw new AppError('NOT_FOUND', 'The encapsulated Pixel Data has no fragments, so it has no frames.');
  if (numberOfFrames === 1) return [{ first: 0, end: count }];
  if (count === numberOfFrames) return fragments.map((_, i) => ({ first: i, end: i + 1 }));
  const table = pixel.basicOffsetTable ?? [];
  if (table.length !== numberOfFrames) return undefined;
  // Table entries are offsets of item tags relative to the first fragment's item tag.
  const base = fragments[0]!.offset;
  const indexOf = new Map(fragments.map((f, i) => [f.offset - base, i]));
  const firsts = table.map((offset) => indexOf.get(offset));
  if (firsts.some((first, k) => first === undefined || (k > 0 && first <= firsts[k - 1]!))) return undefined;
  return firsts.map((first, k) => ({ first: first!, end: firsts[k + 1] ?? count }));
}

const SCAN_BATCH = 16;

/**
 * Frames 1..`lastWanted` found by reading the first bytes of fragments in order: a fragment that
 * starts with the codec's start marker begins a frame. Reading stops once frame `lastWanted` is
 * known to have ended. `readStarts(from, to)` answers, for fragments from..to-1, whether each starts a frame.
 */
export async function fragmentRunsFromMarkers(
  count: number,
  numberOfFrames: number,
  lastWanted: number,
  readStarts: (from: number, to: number) => Promise<boolean[]>,
): Promise<FragmentRun[]> {
  const starts: number[] = [];
  let scanned = 0;
  while (scanned < count && starts.length <= lastWanted) {
    const to = Math.min(count, scanned + SCAN_BATCH);
    (await readStarts(scanned, to)).forEach((isStart, i) => {
      if (isStart) starts.push(scanned + i);
    });
    scanned = to;
  }
  const complete = scanned === count;
  if (starts[0] !== 0 || starts.length < lastWanted || (complete && starts.length !== numberOfFrames)) {
    throw new AppError(
      'NOT_ACCEPTABLE',
      `The stored encapsulated Pixel Data cannot be split into ${numberOfFrames} frames: it has ${count} fragments, no usable Basic Offset Table, and ${complete ? starts.length : 'too few'} fragments that begin a frame.`,
    );
  }
  return Array.from({ length: lastWanted }, (_, k) => ({ first: starts[k]!, end: starts[k + 1] ?? count }));
}

/** Whether a fragment's first bytes begin a frame, for codecs whose frames have a start marker. */
export function startMarkerTest(mediaType: string): ((head: Uint8Array) => boolean) | undefined {
  switch (mediaType) {
    case 'image/jpeg':
    case 'image/jls':
      return (h) => h[0] === 0xff && h[1] === 0xd8; // SOI
    case 'image/jp2':
    case 'image/jpx':
    case 'image/jphc':
      return (h) => (h[0] === 0xff && h[1] === 0x4f && h[2] === 0xff && h[3] === 0x51) || isJp2Signature(h); // SOC SIZ
    case 'image/dicom-rle':
      // RLE header (PS3.5 G.5): 1..15 segments, the first at offset 64.
      return (h) =>
        h.length >= 8 &&
        h[0]! >= 1 &&
        h[0]! <= 15 &&
        h[1] === 0 &&
        h[2] === 0 &&
        h[3] === 0 &&
        h[4] === 64 &&
        h[5] === 0 &&
        h[6] === 0 &&
        h[7] === 0;
    default:
      return undefined;
  }
}

function isJp2Signature(h: Uint8Array): boolean {
  return h[0] === 0 && h[1] === 0 && h[2] === 0 && h[3] === 0x0c && h[4] === 0x6a && h[5] === 0x50 && h[6] === 0x20 && h[7] === 0x20;
}
