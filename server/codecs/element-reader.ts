import { AppError } from '../../shared/errors';
import { KNOWN_VRS, LONG_LENGTH_VRS, implicitVr } from '../ingest/dicom-dictionary';
import { ITEM, ITEM_DELIMITER, SEQUENCE_DELIMITER } from './element-encoding';

/**
 * Reading the elements of a stored data set in any of the native encodings (implicit or explicit
 * VR, little or big endian; PS3.5 7.1): the reading side of element-encoding.ts, for the
 * re-encoder in explicit-little-endian.ts. A value past the end is a 406, never a crash.
 */

export interface Syntax {
  explicit: boolean;
  littleEndian: boolean;
}

export interface Header {
  tag: number;
  vr: string;
  length: number;
}

export class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly syntax: Syntax,
  ) {}

  private u16(at: number): number {
    const b = this.bytes;
    if (at + 2 > b.length) throw truncated();
    return this.syntax.littleEndian ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
  }

  private u32(at: number): number {
    return this.syntax.littleEndian ? (this.u16(at) + this.u16(at + 2) * 0x10000) >>> 0 : (this.u16(at) * 0x10000 + this.u16(at + 2)) >>> 0;
  }

  peekGroup(): number {
    return this.u16(this.pos);
  }

  peekUint16(): number {
    return this.u16(this.pos);
  }

  peekTag(): number {
    return ((this.u16(this.pos) << 16) | this.u16(this.pos + 2)) >>> 0;
  }

  /** The next element's (or item's) header; the position moves to its value. */
  header(pixelRepresentation?: number): Header {
    const tag = ((this.u16(this.pos) << 16) | this.u16(this.pos + 2)) >>> 0;
    if (tag === ITEM || tag === ITEM_DELIMITER || tag === SEQUENCE_DELIMITER) {
      const length = this.u32(this.pos + 4);
      this.pos += 8;
      return { tag, vr: '', length };
    }
    if (!this.syntax.explicit) {
      const length = this.u32(this.pos + 4);
      this.pos += 8;
      return { tag, vr: implicitVr(tag, length, pixelRepresentation), length };
    }
    if (this.pos + 6 > this.bytes.length) throw truncated();
    const vr = String.fromCharCode(this.bytes[this.pos + 4]!, this.bytes[this.pos + 5]!);
    if (!KNOWN_VRS.has(vr))
      throw new AppError('NOT_ACCEPTABLE', `The stored data set has an element with an invalid VR, so it cannot be re-encoded.`);
    if (LONG_LENGTH_VRS.has(vr)) {
      const length = this.u32(this.pos + 8);
      this.pos += 12;
      return { tag, vr, length };
    }
    const length = this.u16(this.pos + 6);
    this.pos += 8;
    return { tag, vr, length };
  }

  take(length: number): Uint8Array {
    if (this.pos + length > this.bytes.length) throw truncated();
    const value = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }
}

export function truncated(): AppError {
  return new AppError('NOT_ACCEPTABLE', 'The stored data set ends early, so it cannot be re-encoded.');
}
