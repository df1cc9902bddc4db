import { AppError } from '../../shared/errors';
import { itemHeader, u32 } from './element-encoding';

/**
 * The items of encapsulated Pixel Data (PS3.5 A.4) for frames encoded one fragment each: a Basic
 * Offset Table item, then one fragment item per frame. The element header (undefined length) and
 * the Sequence Delimitation Item are the re-encoder's (explicit-little-endian.ts).
 *
 * The Basic Offset Table is filled, not left empty: with one fragment per frame it costs four
 * bytes a frame, and every reader (ours included, server/stored/frame-locator.ts) can then find
 * frame k without reading the fragments before it or guessing frame starts from codec markers.
 * Its 32-bit offsets hold because an instance re-encoded here is at most MAX_NATIVE_BYTES
 * (transcoded-instance.ts), far below 4 GiB; past that an Extended Offset Table would be needed
 * and the Basic one must be empty (PS3.5 A.4, Table A.4-1).
 */
export function encapsulatedPixelItems(frames: readonly Uint8Array[]): Buffer {
  const offsets: Uint8Array[] = [];
  const items: Uint8Array[] = [];
  let offset = 0;
  for (const frame of frames) {
    // Fragments have an even length (PS3.5 A.4): a codestream of odd length gets one zero byte after its end marker.
    const padded = frame.length % 2 === 0 ? frame : Buffer.concat([frame, Uint8Array.of(0)]);
    offsets.push(u32(offset));
    items.push(itemHeader(padded.length), padded);
    offset += 8 + padded.length;
    if (offset > 0xffffffff) throw new AppError('NOT_ACCEPTABLE', 'The encoded frames are too large for a Basic Offset Table (4 GiB).');
  }
  const table = Buffer.concat(offsets);
  return Buffer.concat([itemHeader(table.length), table, ...items]);
}
