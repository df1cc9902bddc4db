import { Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { MULTIPART_RELATED, formatMediaType } from '../../shared/dicomweb/media-types';
import { closeDelimiter, newBoundary, partHeader } from '../../shared/dicomweb/multipart';
import type { ObjectCopy } from '../storage/blob-store';

/**
 * Writes a multipart/related response (RFC 2387, PS3.18 8.7.1) part by part, honouring the
 * destination's backpressure so that a multi-GB study never sits in memory.
 * The random 128-bit boundary is what keeps part bodies from containing the delimiter; they are
 * not scanned for it.
 * If a body stream fails, `writePart` rejects and the multipart body is left unfinished: the
 * caller must destroy the response, so the client sees an aborted transfer, not a valid but
 * short body.
 */
export class MultipartWriter {
  private parts = 0;

  constructor(
    private readonly out: Writable,
    readonly boundary: string = newBoundary(),
  ) {}

  /** The Content-Type header value: `multipart/related; type="<rootType>"; …; boundary=…`. */
  contentType(rootType: string, extraParams: Record<string, string> = {}): string {
    return formatMediaType(MULTIPART_RELATED, { type: rootType, ...extraParams, boundary: this.boundary });
  }

  /**
   * The length of the whole body these parts make, for a Content-Length when every part's length
   * is known before the answer starts (no chunked transfer coding to frame and parse).
   */
  bodyLength(parts: readonly { headers: Record<string, string>; length: number }[]): number {
    if (parts.length === 0) return Buffer.byteLength(closeDelimiter(this.boundary).slice(2), 'latin1');
    let total = Buffer.byteLength(closeDelimiter(this.boundary), 'latin1');
    for (const [n, part] of parts.entries())
      total += Buffer.byteLength(partHeader(this.boundary, part.headers, n === 0), 'latin1') + part.length;
    return total;
  }

  async writePart(headers: Record<string, string>, body: Readable | Uint8Array | ObjectCopy): Promise<void> {
    await this.write(Buffer.from(partHeader(this.boundary, headers, this.parts === 0), 'latin1'));
    this.parts++;
    if (body instanceof Uint8Array) {
      await this.write(body);
      return;
    }
    if (!(body instanceof Readable)) {
      // The copy reuses a chunk's memory once its write is flushed: wait for exactly that.
      await body.copyTo((chunk) => this.writeFlushed(chunk));
      return;
    }
    for await (const chunk of body) await this.write(chunk as Uint8Array);
  }

  /** Writes the close delimiter, ends `out` and waits until it has been flushed. */
  async end(): Promise<void> {
    const close = closeDelimiter(this.boundary);
    // Without parts there is no body before the delimiter, so no CRLF to end it.
    this.out.end(Buffer.from(this.parts === 0 ? close.slice(2) : close, 'latin1'));
    await finished(this.out, { readable: false });
  }

  /** Resolves once `chunk` has been handed to the socket, rejects if the response fails or closes first. */
  private writeFlushed(chunk: Uint8Array): Promise<void> {
    if (this.out.destroyed) return Promise.reject(new Error('The multipart response was closed before it was complete.'));
    return new Promise((resolve, reject) => {
      const onClose = () => reject(new Error('The multipart response was closed before it was complete.'));
      this.out.once('close', onClose);
      this.out.write(chunk, (error) => {
        this.out.off('close', onClose);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  private async write(chunk: Uint8Array): Promise<void> {
    if (this.out.destroyed) throw new Error('The multipart response was closed before it was complete.');
    if (chunk.length === 0 || this.out.write(chunk)) return;
    await drained(this.out);
  }
}

/** Resolves on 'drain'; rejects if `out` errors or closes first (a client that went away never drains). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(new Error('The multipart response was closed before it was complete.'));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}
