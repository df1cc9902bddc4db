import { Readable } from 'node:stream';
import { MULTIPART_RELATED, parseMediaType } from '../../shared/dicomweb/media-types';
import { ACCEPTED_BOUNDARY_RULE, isAcceptedBoundary } from '../../shared/dicomweb/multipart-boundary';
import { AppError } from '../../shared/errors';

/**
 * Streaming reader for multipart/related request bodies (RFC 2046 5.1.1, RFC 2387) as STOW-RS
 * sends them (PS3.18 10.5, 8.7.1). Written by hand because `dicer` is deprecated with an unfixed
 * crash on malformed part headers (CVE-2022-24434) and `busboy` only parses multipart/form-data.
 *
 * Bodies are 1 GB and more, so nothing is buffered: part bodies are passed on as subarrays of the
 * source's chunks (only the few bytes of a delimiter split across two chunks are copied), and the
 * source is read only when the consumer asks for more, so memory stays at about one chunk.
 * Lenient in: preamble, epilogue, transport padding, bare-LF header lines and boundaries longer than
 * RFC 2046's 70 characters (Orthanc 1.10.1 writes 73; see shared/dicomweb/multipart-boundary.ts).
 */
export interface MultipartPart {
  /** Header names in lower case; repeated headers joined with ", " (RFC 9110 5.3). */
  headers: Record<string, string>;
  /** The part's bytes, never an empty buffer; ends early if the consumer has moved on to the next part. */
  body: AsyncIterable<Buffer>;
}

export interface MultipartReadOptions {
  /** Largest header block of one part, boundary line included (default 16 KiB). */
  maxHeaderBytes?: number;
}

/**
 * The parts of a multipart/related body, in order. Read (or abandon) a part's body before asking
 * for the next part, which discards what was left unread. An empty body gives zero parts; the
 * epilogue is read to the end and discarded. The source is never destroyed here, even when the
 * consumer stops early: the caller owns it (an HTTP request must stay open so that the error
 * response can still be written).
 */
export async function* readMultipartRelated(
  source: AsyncIterable<Buffer> | NodeJS.ReadableStream,
  boundary: string,
  options: MultipartReadOptions = {},
): AsyncGenerator<MultipartPart> {
  const scanner = new PartScanner(chunksOf(source), boundary, options.maxHeaderBytes ?? 16 * 1024);
  try {
    if (!(await scanner.pull())) return;
    await scanner.skipBody(); // the preamble
    for (let index = 0; ; index++) {
      const headers = await scanner.readHeaders(index);
      if (!headers) break;
      yield { headers, body: scanner.body(index) };
      await scanner.skipBody();
    }
    while (await scanner.pull()); // the epilogue
  } finally {
    await scanner.release();
  }
}

/** The boundary of a multipart/related Content-Type, checking its `type` parameter if present. */
export function boundaryFromContentType(contentType: string | undefined, expectedRootType?: string): string {
  const media = contentType === undefined ? undefined : parseMediaType(contentType);
  if (!media && contentType !== undefined && /^\s*multipart\/related\s*;/i.test(contentType)) {
    throw new AppError('MALFORMED_MULTIPART', 'The parameters of the multipart/related Content-Type are malformed.');
  }
  if (media?.type !== MULTIPART_RELATED) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `The request body must be multipart/related (PS3.18 10.5), not ${media?.type ?? 'missing or malformed'}.`,
    );
  }
  const rootType = media.params.type;
  if (expectedRootType !== undefined && rootType !== undefined) {
    const actual = parseMediaType(rootType)?.type ?? rootType.trim().toLowerCase();
    if (actual !== expectedRootType.toLowerCase()) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `This resource accepts multipart/related; type="${expectedRootType}", not type="${actual}".`,
      );
    }
  }
  const boundary = media.params.boundary;
  if (boundary === undefined) {
    throw new AppError('MALFORMED_MULTIPART', 'The multipart/related Content-Type has no boundary parameter (RFC 2046 5.1.1).');
  }
  if (!isAcceptedBoundary(boundary)) {
    throw new AppError('MALFORMED_MULTIPART', `The boundary must be ${ACCEPTED_BOUNDARY_RULE}.`);
  }
  return boundary;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const EMPTY: Buffer = Buffer.alloc(0);
const CLOSE = Symbol('close delimiter');

class PartScanner {
  private readonly delimiter: Buffer;
  private chunk: Buffer = EMPTY;
  private pos = 0;
  /** Body bytes held back because they may begin a delimiter that continues in the next chunk. */
  private held: Buffer = Buffer.from('\r\n'); // a virtual CRLF so that `--boundary` can open the body
  private inBody = true;
  /** Index of the part whose body is being read; -1 while in the preamble or once released. */
  private part = -1;
  private ended = false;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly boundary: string,
    private readonly maxHeaderBytes: number,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  /** Makes the next non-empty source chunk current; false at the end of the source. */
  async pull(): Promise<boolean> {
    if (this.failure) throw this.failure.error;
    while (!this.ended) {
      let next: IteratorResult<unknown>;
      try {
        next = await this.source.next();
      } catch (error) {
        this.failure = { error };
        throw error;
      }
      if (next.done) break;
      const chunk = toBuffer(next.value);
      if (chunk.length > 0) {
        this.chunk = chunk;
        this.pos = 0;
        return true;
      }
    }
    this.ended = true;
    this.chunk = EMPTY;
    this.pos = 0;
    return false;
  }

  async *body(index: number): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.part !== index) return;
      const piece = await this.bodyChunk();
      if (!piece) return;
      yield piece;
    }
  }

  async skipBody(): Promise<void> {
    while (await this.bodyChunk());
  }

  /** The next non-empty piece of the current body (or preamble); undefined once its delimiter is consumed. */
  private async bodyChunk(): Promise<Buffer | undefined> {
    while (this.inBody) {
      if (this.pos === this.chunk.length && !(await this.pull())) {
        throw new AppError(
          'MALFORMED_MULTIPART',
          this.part < 0
            ? `The multipart body contains no delimiter line "--${this.boundary}" for the boundary in Content-Type.`
            : `The multipart body ended inside part ${this.part + 1}, before the close delimiter "--${this.boundary}--".`,
        );
      }
      const piece = this.scanBody();
      if (piece.length > 0) return piece;
    }
    return undefined;
  }

  /** Body bytes from the current position up to a delimiter (consumed) or up to held-back bytes. */
  private scanBody(): Buffer {
    const rest = this.chunk.subarray(this.pos);
    const delimiterLength = this.delimiter.length;
    if (this.held.length > 0) {
      const held = this.held;
      const joined = Buffer.concat([held, rest.subarray(0, delimiterLength - 1)]);
      const match = findDelimiter(joined, this.delimiter);
      this.held = EMPTY;
      if (match.at >= held.length) return held; // no delimiter starts in the held bytes
      if (match.complete) {
        this.pos += match.at + delimiterLength - held.length;
        this.inBody = false;
      } else {
        // `rest` is shorter than a delimiter and may still be the start of one
        this.pos = this.chunk.length;
        this.held = joined.subarray(match.at);
      }
      return joined.subarray(0, match.at);
    }
    const match = findDelimiter(rest, this.delimiter);
    if (match.complete) {
      this.pos += match.at + delimiterLength;
      this.inBody = false;
    } else {
      this.pos = this.chunk.length;
      this.held = match.at < rest.length ? Buffer.from(rest.subarray(match.at)) : EMPTY;
    }
    return rest.subarray(0, match.at);
  }

  /** What follows a delimiter: the headers of part `index`, or undefined after the close delimiter. */
  async readHeaders(index: number): Promise<Record<string, string> | undefined> {
    let seen = EMPTY;
    for (;;) {
      if (this.pos === this.chunk.length && !(await this.pull())) {
        throw new AppError('MALFORMED_MULTIPART', `The multipart body ended in the delimiter line or headers of part ${index + 1}.`);
      }
      const window = this.chunk.subarray(this.pos, this.pos + this.maxHeaderBytes - seen.length);
      const head = seen.length > 0 ? Buffer.concat([seen, window]) : window;
      const parsed = parseHead(head, index);
      if (parsed === CLOSE) {
        this.pos = this.chunk.length;
        return undefined;
      }
      if (parsed) {
        this.pos += parsed.end - seen.length;
        this.part = index;
        this.inBody = true;
        return parsed.headers;
      }
      if (head.length >= this.maxHeaderBytes) {
        throw new AppError('MALFORMED_MULTIPART', `The header block of part ${index + 1} is larger than ${this.maxHeaderBytes} bytes.`);
      }
      seen = head;
      this.pos = this.chunk.length;
    }
  }

  async release(): Promise<void> {
    this.part = -1;
    this.inBody = false;
    if (!this.ended && !this.failure) await this.source.return?.();
  }
}

/** The first complete delimiter in `buf`, else the start of a suffix that may begin one, else buf.length. */
function findDelimiter(buf: Buffer, delimiter: Buffer): { at: number; complete: boolean } {
  const at = buf.indexOf(delimiter);
  if (at >= 0) return { at, complete: true };
  for (let i = buf.indexOf(CR, Math.max(0, buf.length - delimiter.length + 1)); i >= 0; i = buf.indexOf(CR, i + 1)) {
    if (delimiter.compare(buf, i, buf.length, 0, buf.length - i) === 0) return { at: i, complete: false };
  }
  return { at: buf.length, complete: false };
}

/**
 * Parses the rest of a delimiter line and the header block after it: `--` (close delimiter),
 * or transport padding, CRLF, header lines, CRLF. Undefined when `buf` does not hold all of it yet.
 */
function parseHead(buf: Buffer, index: number): { headers: Record<string, string>; end: number } | typeof CLOSE | undefined {
  const malformed = (what: string) => new AppError('MALFORMED_MULTIPART', `Part ${index + 1}: ${what}.`);
  if (buf[0] === DASH) {
    if (buf.length < 2) return undefined;
    if (buf[1] === DASH) return CLOSE;
  }
  let lineEnd = buf.indexOf(LF);
  const boundaryLine = buf.toString('latin1', 0, lineEnd < 0 ? buf.length : lineEnd);
  if (!/^[ \t]*\r?$/.test(boundaryLine)) throw malformed('unexpected characters after the boundary in its delimiter line');
  const headers: Record<string, string> = Object.create(null);
  let last: string | undefined;
  while (lineEnd >= 0) {
    const start = lineEnd + 1;
    lineEnd = buf.indexOf(LF, start);
    if (lineEnd < 0) return undefined;
    const line = buf.toString('latin1', start, buf[lineEnd - 1] === CR && lineEnd > start ? lineEnd - 1 : lineEnd);
    if (line === '') return { headers, end: lineEnd + 1 };
    if (line.includes('\r')) throw malformed('a header line contains a bare CR');
    if (line[0] === ' ' || line[0] === '\t') {
      // obs-fold (RFC 9110 5.5): a continuation line, replaced by a space
      if (last === undefined) throw malformed('the header block starts with a continuation line');
      headers[last] += ` ${trimOws(line)}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (colon < 0 || !TOKEN.test(name)) throw malformed('a header line is not "Name: value"');
    const value = trimOws(line.slice(colon + 1));
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    last = name;
  }
  return undefined;
}

function trimOws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, '');
}

// A Readable's default iterator destroys the stream when the consumer stops early; for an HTTP
// request that would kill the socket before the error response is written.
function chunksOf(source: AsyncIterable<Buffer> | NodeJS.ReadableStream): AsyncIterator<unknown> {
  if (source instanceof Readable) return source.iterator({ destroyOnReturn: false });
  return source[Symbol.asyncIterator]();
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('A multipart source must yield bytes, not strings (was setEncoding called?).');
}
