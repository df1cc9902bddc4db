/**
 * Reading multipart/related answers (RFC 2046 5.1.1, RFC 2387) as PS3.18 8.7.1 sends them:
 * frames, bulk data and instances retrieved by the viewer. The writing side is `multipart.ts`.
 *
 * Incremental: fed the body in chunks of any size, split anywhere, it returns each part (headers
 * and body) as soon as the delimiter after it has arrived; only the part being read is held.
 * The grammar is followed as written:
 *   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF body-part
 *                     *(delimiter transport-padding CRLF body-part)
 *                     close-delimiter transport-padding [CRLF epilogue]
 *   delimiter := CRLF "--" boundary          (the CRLF belongs to the delimiter, not to the body)
 *   body-part := MIME-part-headers [CRLF *OCTET]   (so a part may have no headers, or no body)
 * A body that breaks it, or that ends before its close delimiter, is an `Error` saying where.
 * Also accepted, as the archive's own writer sends it: a close delimiter with no part before it.
 * Header lines end with CRLF (RFC 5322 2.1); folded lines are unfolded, repeated fields joined.
 *
 * Written by hand, not with `meros` (the review's §3 table): meros decodes every part as UTF-8
 * text (binary frames would be corrupted), answers only `multipart/mixed` (a multipart/related
 * response comes back unparsed), takes the boundary as everything after `boundary=`, and does
 * not notice a truncated body. `@mjackson/multipart-parser`, the other candidate, is pre-1.0
 * (0.10) and caps a part at 2 MiB unless told otherwise (`maxFileSize`). The server's STOW request reader
 * (`server/http/multipart-reader.ts`) stays separate: it streams each part's body, of hundreds of
 * MB, with back-pressure; this one returns whole parts, which is what an answer's reader wants.
 */
import { parseMediaType } from './media-types';
import { ACCEPTED_BOUNDARY_RULE, isAcceptedBoundary } from './multipart-boundary';

export interface MultipartPart {
  /** Field names in lower case; repeated fields joined with ", " (RFC 9110 5.3). */
  headers: Record<string, string>;
  /**
   * Stays valid however the decoder goes on: a copy, or, from `decodeMultipart`, a view into the
   * body it was given (no 512 KB copy per frame; issue 11).
   */
  body: Uint8Array;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SP = 0x20;
const HTAB = 0x09;

/** The boundary of a `multipart/*` Content-Type (quoted or not), checked against RFC 2046 5.1.1 (up to 200 characters: multipart-boundary.ts). */
export function multipartBoundary(contentType: string): string {
  const media = parseMediaType(contentType);
  if (!media?.type.startsWith('multipart/')) throw new Error(`Not a multipart media type: ${JSON.stringify(contentType)}`);
  const boundary = media.params.boundary;
  if (boundary === undefined) throw new Error(`The multipart media type has no boundary parameter: ${JSON.stringify(contentType)}`);
  checkBoundary(boundary);
  return boundary;
}

/** Every part of a whole multipart body; the parts' bodies are views into `body`, which the caller must then leave as it is. */
export function decodeMultipart(body: Uint8Array, boundary: string): MultipartPart[] {
  const decoder = new MultipartDecoder(boundary, { borrow: true });
  const parts = decoder.push(body);
  decoder.end();
  return parts;
}

/** The parts of a multipart body arriving as `chunks` (a fetch body, a Node stream), each as soon as it is complete. */
export async function* multipartParts(chunks: AsyncIterable<Uint8Array>, boundary: string): AsyncGenerator<MultipartPart> {
  const decoder = new MultipartDecoder(boundary);
  for await (const chunk of chunks) yield* decoder.push(chunk);
  decoder.end();
}

type State = 'preamble' | 'after-delimiter' | 'part' | 'after-close' | 'epilogue';

/** Push the body's chunks in order, then call `end`. */
export class MultipartDecoder {
  /** `CRLF--boundary`. */
  private readonly delimiter: Uint8Array;
  /** For each byte value, how far the delimiter search may skip when the byte under its last position is that one (Horspool). */
  private readonly skip: Uint32Array;
  /** Unread bytes are `bytes[start, filled)`. */
  private bytes: Uint8Array = new Uint8Array(4096);
  /** False while `bytes` is a chunk pushed with `borrow`, which the decoder never writes into. */
  private owned = true;
  /** Before the first byte of the body has been looked at: the body may open with `--boundary`, without the CRLF. */
  private opening = true;
  private start = 0;
  private filled = 0;
  /** Bytes from `start` already searched for a delimiter: none begins before `start + searched`. */
  private searched = 0;
  private state: State = 'preamble';
  /** 1-based number of the part being read, for messages. */
  private part = 0;
  /** Set once the body is ended or found malformed: every later call throws it. */
  private over: Error | undefined;

  /**
   * With `borrow`, a chunk pushed while nothing is unread is read where it is, not copied, and the
   * parts' bodies are views into it: the caller must leave pushed chunks as they are.
   */
  constructor(
    readonly boundary: string,
    private readonly options: { borrow?: boolean } = {},
  ) {
    checkBoundary(boundary);
    this.delimiter = ascii(`\r\n--${boundary}`);
    this.skip = skipTable(this.delimiter);
  }

  /** Takes the next chunk of the body; returns the parts it completes, in order. */
  push(chunk: Uint8Array): MultipartPart[] {
    if (this.over) throw this.over;
    if (this.options.borrow && this.start === this.filled) this.adopt(chunk);
    else this.append(chunk);
    const parts: MultipartPart[] = [];
    for (;;) {
      const step = this.step();
      if (step === WAIT) return parts;
      if (step) parts.push(step);
    }
  }

  /** Says the body is over; throws if it ended before its close delimiter. */
  end(): void {
    if (this.over) throw this.over;
    this.over = new Error('The multipart body was already ended.');
    const { state } = this;
    if (state === 'epilogue' || (state === 'after-close' && this.filled === this.start)) return;
    if (state === 'after-close') throw this.malformed('the close delimiter is followed by a CR without LF');
    if (state === 'preamble') throw new Error(`The multipart body has no delimiter line "--${this.boundary}".`);
    const where =
      state === 'part'
        ? `inside part ${this.part}`
        : `in the delimiter line after ${this.part === 0 ? 'the preamble' : `part ${this.part}`}`;
    throw new Error(`The multipart body ended ${where}, before the close delimiter "--${this.boundary}--".`);
  }

  /** One move of the state machine: a part, undefined (moved on), or WAIT for more bytes. */
  private step(): MultipartPart | undefined | typeof WAIT {
    const bytes = this.bytes;
    switch (this.state) {
      case 'preamble':
      case 'part': {
        if (this.opening) {
          // The body's first line may be the dash-boundary itself (the delimiter without its CRLF).
          const opened = this.opened();
          if (opened !== false) return opened;
        }
        const at = indexOf(bytes, this.delimiter, this.skip, this.start + this.searched, this.filled);
        if (at < 0) {
          this.searched = Math.max(0, this.filled - this.start - this.delimiter.length + 1);
          if (this.state === 'preamble') this.consume(this.searched); // the preamble is dropped
          return WAIT;
        }
        const part = this.state === 'part' ? this.bodyPart(bytes.subarray(this.start, at)) : undefined;
        this.consume(at + this.delimiter.length - this.start);
        this.state = 'after-delimiter';
        return part;
      }
      case 'after-delimiter': {
        if (this.filled - this.start < 2) return WAIT;
        if (bytes[this.start] === DASH && bytes[this.start + 1] === DASH) {
          this.consume(2);
          this.state = 'after-close';
          return undefined;
        }
        const lineEnd = this.afterPadding();
        if (lineEnd === WAIT) return WAIT;
        this.consume(lineEnd - this.start);
        this.part++;
        this.state = 'part';
        return undefined;
      }
      case 'after-close': {
        const lineEnd = this.afterPadding();
        if (lineEnd === WAIT) return WAIT;
        this.state = 'epilogue';
        return undefined;
      }
      case 'epilogue':
        this.consume(this.filled - this.start);
        return WAIT;
    }
  }

  /** At the start of the body: WAIT, undefined once past a dash-boundary, or false when the body opens otherwise. */
  private opened(): undefined | typeof WAIT | false {
    const dashBoundary = this.delimiter.subarray(2);
    const available = Math.min(this.filled - this.start, dashBoundary.length);
    for (let i = 0; i < available; i++) {
      if (this.bytes[this.start + i] !== dashBoundary[i]) {
        this.opening = false;
        return false;
      }
    }
    if (available < dashBoundary.length) return WAIT;
    this.opening = false;
    this.consume(dashBoundary.length);
    this.state = 'after-delimiter';
    return undefined;
  }

  /** After a boundary: transport padding (SP, HTAB) and CRLF; where the next line starts. */
  private afterPadding(): number | typeof WAIT {
    let at = this.start;
    while (at < this.filled && (this.bytes[at] === SP || this.bytes[at] === HTAB)) at++;
    this.consume(at - this.start); // padding may be long: keep only what is still undecided
    if (at === this.filled || (this.bytes[at] === CR && at + 1 === this.filled)) return WAIT;
    if (this.bytes[at] !== CR || this.bytes[at + 1] !== LF) {
      throw this.malformed(
        this.state === 'after-close'
          ? 'the close delimiter is followed by something other than padding and CRLF'
          : 'the boundary is followed by something other than padding and CRLF (a body contains the delimiter?)',
      );
    }
    return at + 2;
  }

  /** Splits `MIME-part-headers [CRLF *OCTET]`. */
  private bodyPart(raw: Uint8Array): MultipartPart {
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    let last: string | undefined;
    let at = 0;
    while (at < raw.length) {
      const lf = raw.indexOf(LF, at);
      if (lf < 0 || lf === at || raw[lf - 1] !== CR) throw this.malformed('a header line does not end with CRLF');
      const line = latin1(raw, at, lf - 1);
      at = lf + 1;
      if (line === '') return { headers, body: this.owned ? raw.slice(at) : raw.subarray(at) };
      if (line.includes('\r')) throw this.malformed('a header line contains a bare CR');
      if (line[0] === ' ' || line[0] === '\t') {
        // obs-fold (RFC 5322 2.2.3): a continuation of the field before
        if (last === undefined) throw this.malformed('the header block starts with a continuation line');
        headers[last] += ` ${trimOws(line)}`;
        continue;
      }
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      if (colon < 0 || !TOKEN.test(name)) throw this.malformed('a header line is not "Name: value"');
      const value = trimOws(line.slice(colon + 1));
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      last = name;
    }
    return { headers, body: new Uint8Array(0) };
  }

  private malformed(what: string): Error {
    const where = this.part === 0 ? 'before the first part' : `part ${this.part}`;
    this.over = new Error(`Malformed multipart body, ${where}: ${what}.`);
    return this.over;
  }

  private consume(n: number): void {
    this.start += n;
    this.searched = Math.max(0, this.searched - n);
  }

  /** Reads `chunk` where it is (nothing is unread). */
  private adopt(chunk: Uint8Array): void {
    this.bytes = chunk;
    this.owned = false;
    this.start = 0;
    this.filled = chunk.length;
  }

  /** Appends `chunk`, moving the unread bytes to the front or into a larger buffer when it does not fit. */
  private append(chunk: Uint8Array): void {
    if (!this.owned || this.filled + chunk.length > this.bytes.length) {
      const unread = this.filled - this.start;
      const needed = unread + chunk.length;
      if (this.owned && needed <= this.bytes.length) this.bytes.copyWithin(0, this.start, this.filled);
      else {
        const larger = new Uint8Array(Math.max(needed, 2 * this.bytes.length, 4096));
        larger.set(this.bytes.subarray(this.start, this.filled));
        this.bytes = larger;
        this.owned = true;
      }
      this.start = 0;
      this.filled = unread;
    }
    this.bytes.set(chunk, this.filled);
    this.filled += chunk.length;
  }
}

const WAIT = Symbol('wait for more bytes');

function checkBoundary(boundary: string): void {
  if (!isAcceptedBoundary(boundary)) {
    throw new Error(`Not a multipart boundary (${ACCEPTED_BOUNDARY_RULE}): ${JSON.stringify(boundary)}`);
  }
}

/**
 * The first index of `needle` in `haystack[from, to)`, or -1. Horspool's search: a 512 KB frame of
 * CT pixels holds thousands of CR bytes, each a false start for a search by the delimiter's first
 * byte, while Horspool mostly skips the delimiter's whole length (40-odd bytes) at a time.
 */
function indexOf(haystack: Uint8Array, needle: Uint8Array, skip: Uint32Array, from: number, to: number): number {
  const last = needle.length - 1;
  const lastByte = needle[last]!;
  outer: for (let i = from; i + last < to; i += skip[haystack[i + last]!]!) {
    if (haystack[i + last] !== lastByte) continue;
    for (let j = 0; j < last; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function skipTable(needle: Uint8Array): Uint32Array {
  const skip = new Uint32Array(256).fill(needle.length);
  for (let j = 0; j < needle.length - 1; j++) skip[needle[j]!] = needle.length - 1 - j;
  return skip;
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function trimOws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}
