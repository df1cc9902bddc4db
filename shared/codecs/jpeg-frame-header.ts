/**
 * The frame header of a JPEG codestream (ITU-T T.81 B.2.2), read by the archive and by the
 * viewer's decode worker to pick a decoder by the codestream itself, not by its transfer syntax
 * label: some senders label DCT-coded frames as lossless.
 */

/** The SOF markers of the lossless processes (T.81 Table B.1: SOF3, SOF7, SOF11, SOF15). */
export const LOSSLESS_SOF: ReadonlySet<number> = new Set([0xc3, 0xc7, 0xcb, 0xcf]);

/** The frame's SOFn marker and sample precision, or undefined if no frame header comes before the first scan. */
export function jpegFrameHeader(encoded: Uint8Array): { marker: number; precision: number } | undefined {
  let at = 2; // after SOI
  while (at + 4 < encoded.length) {
    if (encoded[at] !== 0xff) return undefined;
    const marker = encoded[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { marker, precision: encoded[at + 4]! };
    if (marker === 0xda) return undefined; // start of scan before any frame header
    at += 2 + ((encoded[at + 2]! << 8) | encoded[at + 3]!);
  }
  return undefined;
}
