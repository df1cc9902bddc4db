/** What a decoder needs to know about one frame besides its bytes (PS3.3 C.7.6.3 Image Pixel Module). */
export interface FrameGeometry {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  photometricInterpretation: string;
  /** Of the encoded data where it matters (RLE segments are always by plane). */
  planarConfiguration: 0 | 1;
}

export interface DecodedFrame {
  /** Little endian samples, interleaved (Planar Configuration 0), `bitsAllocated` bits each. */
  pixels: Uint8Array;
  /** As the pixels now are, e.g. RGB after JPEG decoding of YBR_FULL_422. */
  photometricInterpretation: string;
}

export interface EncodedFrame {
  bytes: Uint8Array;
  /** Set for lossy output only: what PS3.3 C.7.6.1.1.5 asks to record (Lossy Image Compression Method and Ratio). */
  lossy?: { method: 'ISO_15444_15' | 'ISO_10918_1' | 'ISO_14495_1'; ratio: number };
  /** Photometric Interpretation of the encoded pixels (e.g. RGB, MONOCHROME2, YBR_FULL_422 for JPEG baseline colour). */
  photometricInterpretation: string;
}

/** Bytes of one native frame: packed bits for Bits Allocated 1. */
export function nativeFrameBytes(g: Pick<FrameGeometry, 'rows' | 'columns' | 'samplesPerPixel' | 'bitsAllocated'>): number {
  return Math.ceil((g.rows * g.columns * g.samplesPerPixel * g.bitsAllocated) / 8);
}

/** The samples of little-endian native pixels of 8 or 16 bits, signed where Pixel Representation says so. */
export function samplesOf(
  pixels: Uint8Array,
  geometry: Pick<FrameGeometry, 'bitsAllocated' | 'pixelRepresentation'>,
): ArrayLike<number> & Iterable<number> {
  if (geometry.bitsAllocated === 8) return pixels;
  // Typed arrays of 16-bit elements need an even byte offset.
  const aligned = pixels.byteOffset % 2 === 0 ? pixels : pixels.slice();
  const { buffer, byteOffset, length } = aligned;
  return geometry.pixelRepresentation === 1
    ? new Int16Array(buffer, byteOffset, length >> 1)
    : new Uint16Array(buffer, byteOffset, length >> 1);
}

/** Planar (RRR…GGG…BBB…) samples of `bytesPerSample` bytes to interleaved (RGBRGB…). */
export function interleavePlanes(planar: Uint8Array, samplesPerPixel: number, bytesPerSample: number): Uint8Array {
  const pixels = planar.length / (samplesPerPixel * bytesPerSample);
  const out = new Uint8Array(planar.length);
  for (let s = 0; s < samplesPerPixel; s++) {
    const plane = s * pixels * bytesPerSample;
    for (let p = 0; p < pixels; p++) {
      const from = plane + p * bytesPerSample;
      const to = (p * samplesPerPixel + s) * bytesPerSample;
      for (let b = 0; b < bytesPerSample; b++) out[to + b] = planar[from + b]!;
    }
  }
  return out;
}

/** Colour models that JPEG 2000 and JPEG decoders turn into RGB (PS3.5 8.2.1, 8.2.4). */
export function afterColourTransform(photometricInterpretation: string, samplesPerPixel: number): string {
  return samplesPerPixel === 3 && /^YBR_(FULL|FULL_422|ICT|RCT)$/.test(photometricInterpretation) ? 'RGB' : photometricInterpretation;
}
