import { inflateRawSync, inflateSync } from 'node:zlib';
import { tagLabel } from './dicom-dictionary';
import { Part10Error, Part10Reader, type Need, type Steps } from './part10-reader';
import type { ParsedPart10, Part10ParseOptions } from './part10-types';

/**
 * A streaming DICOM Part 10 parser (PS3.10 7) producing DICOM JSON (PS3.18 F.2) and the byte
 * offset of every bulk value and pixel-data fragment.
 *
 * Why hand-written: STOW-RS must parse instances as their bytes arrive (a 1 GB request may not
 * grow memory by more than ~100 MB, and one instance may be hundreds of MB), and the archive
 * needs the offset of every bulk value and fragment for range reads later. dicom-parser and
 * dcmjs both need the whole file in memory.
 *
 * Design: `Part10Reader` is a recursive-descent parser written as a generator that yields
 * byte requests; this class feeds it from the chunks given to `write()`. Bytes the reader skips
 * (pixel data, large binary values) are counted and dropped, never copied; a chunk is kept only
 * until its bytes are consumed. Deflated data sets are the exception: they are collected and
 * inflated in `end()`.
 */

export { Part10Error };
export type { BulkElement, ParsedPart10, Part10ParseOptions, PixelDataLocation } from './part10-types';

const MAX_DEFLATED_BYTES = 256 * 1024 * 1024;
const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

export class Part10StreamParser {
  private readonly reader: Part10Reader;
  private readonly steps: Steps<Omit<ParsedPart10, 'byteLength'>>;
  private need: Need | undefined;
  private parsed: Omit<ParsedPart10, 'byteLength'> | undefined;
  private failure: Part10Error | undefined;
  private ended = false;
  /** Unconsumed input: `chunks[0]` from `headOffset` on, then the other chunks whole. */
  private chunks: Uint8Array[] = [];
  private headOffset = 0;
  private available = 0;
  private skipRemaining = 0;
  private deflated: Uint8Array[] | undefined;
  private deflatedBytes = 0;
  private received = 0;

  constructor(options?: Part10ParseOptions) {
    this.reader = new Part10Reader(options);
    this.steps = this.reader.parseFile();
    this.resume(undefined);
  }

  /** Feeds the next bytes. The chunk may be kept until parsed: do not modify it afterwards. */
  write(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error('Part10StreamParser.write() after end()');
    this.received += chunk.length;
    if (chunk.length === 0) return;
    if (this.deflated) return this.collectDeflated(chunk);
    this.chunks.push(chunk);
    this.available += chunk.length;
    this.guard(() => this.pump());
  }

  /** No more bytes: the result, or a Part10Error (for example when the data is truncated). */
  end(): ParsedPart10 {
    if (this.failure) throw this.failure;
    if (!this.ended) {
      this.ended = true;
      this.guard(() => this.finish());
    }
    return { ...this.parsed!, byteLength: this.received };
  }

  private finish(): void {
    if (this.deflated) this.inflate();
    while (this.need) {
      const need = this.need;
      if (need.kind === 'read' && need.eofOk && this.available > 0 && this.take(this.available).every((byte) => byte === 0)) {
        this.reader.warn('the file ends with a few bytes of zero padding');
        this.consume(this.available);
      }
      if (need.kind === 'peek' || (need.kind === 'read' && need.eofOk && this.available === 0)) this.resume(undefined);
      else throw truncated(need);
    }
  }

  /** Satisfies the reader's requests from buffered input until it needs more than there is. */
  private pump(): void {
    while (this.need) {
      const need = this.need;
      if (need.kind === 'inflate') {
        this.deflated = [];
        const rest = this.chunks.map((chunk, i) => (i === 0 ? chunk.subarray(this.headOffset) : chunk));
        this.consume(this.available);
        for (const chunk of rest) this.collectDeflated(chunk);
        return;
      }
      if (need.kind === 'skip') {
        const n = Math.min(this.skipRemaining, this.available);
        this.consume(n);
        this.reader.pos += n;
        this.skipRemaining -= n;
        if (this.skipRemaining > 0) return;
        this.resume(undefined);
        continue;
      }
      if (this.available < need.length) return;
      const bytes = this.take(need.length);
      if (need.kind === 'peek') this.resume(bytes);
      else {
        this.consume(need.length);
        this.reader.pos += need.length;
        this.resume(bytes);
      }
    }
  }

  private resume(bytes: Uint8Array | undefined): void {
    const step = this.steps.next(bytes);
    if (step.done) {
      this.need = undefined;
      this.parsed = step.value;
    } else {
      this.need = step.value;
      if (step.value.kind === 'skip') this.skipRemaining = step.value.length;
    }
  }

  /** The next `length` buffered bytes, without consuming them: a view when they lie in one chunk. */
  private take(length: number): Uint8Array {
    const head = this.chunks[0];
    if (length === 0 || !head) return new Uint8Array(0);
    if (head.length - this.headOffset >= length) return head.subarray(this.headOffset, this.headOffset + length);
    const out = new Uint8Array(length);
    let filled = 0;
    for (let i = 0; filled < length; i++) {
      const chunk = this.chunks[i]!;
      const from = i === 0 ? this.headOffset : 0;
      const n = Math.min(chunk.length - from, length - filled);
      out.set(chunk.subarray(from, from + n), filled);
      filled += n;
    }
    return out;
  }

  private consume(length: number): void {
    this.available -= length;
    let left = length;
    while (left > 0) {
      const head = this.chunks[0]!;
      const inHead = head.length - this.headOffset;
      if (inHead > left) {
        this.headOffset += left;
        return;
      }
      left -= inHead;
      this.chunks.shift();
      this.headOffset = 0;
    }
  }

  private collectDeflated(chunk: Uint8Array): void {
    this.deflatedBytes += chunk.length;
    if (this.deflatedBytes > MAX_DEFLATED_BYTES)
      this.fail(new Part10Error(`the deflated data set is larger than ${MAX_DEFLATED_BYTES} bytes`));
    this.deflated!.push(chunk);
  }

  /** Deflated Explicit VR LE (PS3.5 A.5): the data set after the meta group is a raw deflate stream. */
  private inflate(): void {
    const compressed = Buffer.concat(this.deflated!);
    this.deflated = undefined;
    let inflated: Buffer;
    try {
      inflated = inflateRawSync(compressed, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch {
      try {
        inflated = inflateSync(compressed, { maxOutputLength: MAX_INFLATED_BYTES });
        this.reader.warn('the deflated data set has a zlib header; PS3.5 A.5 asks for raw deflate');
      } catch {
        throw new Part10Error('the deflated data set could not be inflated');
      }
    }
    this.chunks = inflated.length > 0 ? [inflated] : [];
    this.headOffset = 0;
    this.available = inflated.length;
    this.reader.pos = 0;
    this.resume(undefined);
    this.pump();
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      if (error instanceof Part10Error) this.fail(error);
      throw error;
    }
  }

  private fail(error: Part10Error): never {
    this.failure = error;
    this.chunks = [];
    this.deflated = undefined;
    throw error;
  }
}

function truncated(need: Need): Part10Error {
  if (need.kind === 'inflate') return new Part10Error('truncated: the deflated data set is missing');
  if (need.where === 'preamble') return new Part10Error('not a DICOM Part 10 file: no DICM prefix at byte 128 (fewer than 132 bytes)');
  const where = typeof need.where === 'number' ? tagLabel(need.where) : need.where;
  return new Part10Error(`truncated: the data ends inside ${where}`);
}
