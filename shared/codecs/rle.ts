import { AppError } from '../errors';

/**
 * RLE Lossless (1.2.840.10008.1.2.5), PS3.5 Annex G, in plain TypeScript so that the archive and
 * the browser viewer share it. Written here: it is forty lines of PackBits, and the maintained
 * npm decoders for it come bundled inside whole viewer packages (@cornerstonejs/dicom-image-loader
 * needs @cornerstonejs/core and vtk.js as peers).
 *
 * A frame is a 64-byte header (segment count, then up to 15 segment offsets) and one segment
 * per byte of each sample, most significant byte first, sample planes in order (G.2).
 */
export interface RleGeometry {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
}

/** Little-endian, interleaved samples of one frame. */
export function decodeRleFrame(encoded: Uint8Array, geometry: RleGeometry): Uint8Array {
  const { rows, columns, samplesPerPixel, bitsAllocated } = geometry;
  const bytesPerSample = Math.ceil(bitsAllocated / 8);
  const pixelCount = rows * columns;
  const segments = samplesPerPixel * bytesPerSample;
  if (encoded.length < 64) throw bad('the frame is shorter than the 64-byte RLE header');
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const count = view.getUint32(0, true);
  if (count !== segments) throw bad(`the RLE header lists ${count} segments where ${segments} are needed`);
  const offsets = Array.from({ length: count }, (_, i) => view.getUint32(4 + 4 * i, true));
  const out = new Uint8Array(pixelCount * segments);
  for (let segment = 0; segment < count; segment++) {
    const start = offsets[segment]!;
    const end = segment + 1 < count ? offsets[segment + 1]! : encoded.length;
    if (start < 64 || end > encoded.length || end < start) throw bad(`segment ${segment + 1} lies outside the frame`);
    const sample = Math.floor(segment / bytesPerSample);
    // Segment k of a sample holds its byte of significance k counting from the most significant.
    const byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
    unpackSegment(encoded, start, end, out, sample * bytesPerSample + byteInSample, segments, pixelCount);
  }
  return out;
}

/** PackBits (G.3.1): writes `pixelCount` bytes at `first`, `first + stride`, … */
function unpackSegment(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  first: number,
  stride: number,
  pixelCount: number,
): void {
  let at = start;
  let n = 0;
  while (n < pixelCount && at < end) {
    const header = src[at++]!;
    if (header < 128) {
      // A literal run of header + 1 bytes.
      const run = Math.min(header + 1, pixelCount - n, end - at);
      for (let i = 0; i < run; i++) out[first + n++ * stride] = src[at + i]!;
      at += header + 1;
    } else if (header > 128) {
      // The next byte repeated 257 - header times.
      const value = src[at++]!;
      const run = Math.min(257 - header, pixelCount - n);
      for (let i = 0; i < run; i++) out[first + n++ * stride] = value;
    }
    // 128 is a no-op.
  }
  if (n < pixelCount) throw bad(`a segment decodes to ${n} of ${pixelCount} bytes`);
}

function bad(reason: string): AppError {
  return new AppError('NOT_ACCEPTABLE', `The stored RLE frame cannot be decoded: ${reason}.`);
}
