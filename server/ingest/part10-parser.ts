import { Inflate } from 'pako';
import { zlibWrapped } from '../codecs/zlib-wrapped';
import { tagLabel } from './dicom-dictionary';
import { Part10Error, Part10Reader, type Need, type Steps } from './part10-reader';
import type { ParsedPart10, Part10ParseOptions } from './part10-types';
import { TurnBudget } from './turn-budget';

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
 * until its bytes are consumed. A deflated data set is inflated as it arrives (pako's streaming
 * inflater: node:zlib has no synchronous one) and its inflated chunks take the same path, so a
 * deflate bomb of zeros in Pixel Data costs CPU time (bounded, and shared with the event loop by
 * `writeInTurns`) but no memory.
 */

export { Part10Error };
export type { BulkElement, ParsedPart10, Part10ParseOptions, PixelDataLocation } from './part10-types';

const MIB = 1024 * 1024;
const MAX_DEFLATED_BYTES = 256 * MIB;
const MAX_INFLATED_BYTES = 1024 * MIB;
/** `writeInTurns` writes at most this much at a time: deflate inflates at most ~1032:1, so ~2 MB, a few ms of pako. */
const TURN_SLICE_BYTES = 2 * 1024;
/** Bytes all parsers together inflate between two turns of the event loop (~5 ms of pako). */
const inflateBudget = new TurnBudget(2 * MIB);

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
  private inflater: Inflate | undefined;
  private deflatedBytes = 0;
  private inflatedBytes = 0;
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
    if (this.inflater) return this.guard(() => this.inflate(chunk));
    this.chunks.push(chunk);
    this.available += chunk.length;
    this.guard(() => this.pump());
  }

  /**
   * `write()` in slices, inflating within a budget shared by all parsers per turn of the event
   * loop: one network chunk of a deflate bomb (a 256 KiB PDV) would otherwise inflate for most
   * of a second at once, and twenty of them at the same time for many seconds.
   */
  async writeInTurns(chunk: Uint8Array): Promise<void> {
    for (let at = 0; at < chunk.length; at += TURN_SLICE_BYTES) {
      const turn = this.inflater || this.need?.kind === 'inflate' ? inflateBudget.wait() : undefined;
      if (turn) await turn;
      const before = this.inflatedBytes;
      this.write(chunk.subarray(at, at + TURN_SLICE_BYTES));
      inflateBudget.spend(this.inflatedBytes - before);
    }
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
    while (this.need) {
      const need = this.need;
      // Fewer than the two bytes that tell a zlib header: inflated raw, which then fails as truncated.
      if (need.kind === 'inflate' && this.available > 0) {
        this.startInflating();
        continue;
      }
      if (this.inflater && !this.inflater.ended)
        throw new Part10Error('truncated: the deflated data set ends before the end of its deflate stream');
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
        if (this.available >= 2) this.startInflating();
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

  /** Deflated Explicit VR LE (PS3.5 A.5): the rest of the input is a raw deflate stream, inflated from here on. */
  private startInflating(): void {
    const wrapped = zlibWrapped(this.take(Math.min(2, this.available)));
    if (wrapped) this.reader.warn('the deflated data set has a zlib header; PS3.5 A.5 asks for raw deflate');
    const rest = this.chunks.map((chunk, i) => (i === 0 ? chunk.subarray(this.headOffset) : chunk));
    this.consume(this.available);
    this.inflater = new Inflate(wrapped ? { windowBits: 15 } : { raw: true });
    this.inflater.onData = (chunk) => this.inflated(chunk);
    this.reader.pos = 0;
    this.resume(undefined);
    for (const chunk of rest) this.inflate(chunk);
  }

  private inflate(compressed: Uint8Array): void {
    const inflater = this.inflater!;
    this.deflatedBytes += compressed.length;
    if (this.deflatedBytes > MAX_DEFLATED_BYTES) throw new Part10Error('the deflated data set is over 256 MiB');
    let ignored = compressed.length;
    if (!inflater.ended) {
      inflater.push(compressed);
      ignored = inflater.ended ? inflater.strm.avail_in : 0;
    }
    if (inflater.err !== 0)
      throw new Part10Error(`the deflated data set cannot be inflated (${inflater.msg || `zlib status ${inflater.err}`})`);
    if (ignored > 0) this.reader.warn('bytes after the end of the deflate stream were ignored');
  }

  /** A chunk of the inflated data set, parsed like any other input (skipped values dropped). */
  private inflated(chunk: Uint8Array): void {
    this.inflatedBytes += chunk.length;
    if (this.inflatedBytes > MAX_INFLATED_BYTES) throw new Part10Error('the data set inflates to over 1 GiB');
    this.chunks.push(chunk);
    this.available += chunk.length;
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
    this.inflater = undefined;
    throw error;
  }
}

function truncated(need: Need): Part10Error {
  if (need.kind === 'inflate') return new Part10Error('truncated: the deflated data set is missing');
  if (need.where === 'preamble') return new Part10Error('not a DICOM Part 10 file: no DICM prefix at byte 128 (fewer than 132 bytes)');
  const where = typeof need.where === 'number' ? tagLabel(need.where) : need.where;
  return new Part10Error(`truncated: the data ends inside ${where}`);
}
