import type { FileHandle } from 'node:fs/promises';
import type { ObjectCopy } from './blob-store';

/**
 * Copies a whole file out through a few read buffers that are reused from object to object, for
 * the hot path of Retrieve Study/Series as stored (hundreds of MB per answer). A file stream
 * allocates a fresh buffer per read, and 158 MB of short-lived buffers per answer made the garbage
 * collector and allocation cost the archive twice Orthanc's CPU per byte served. Here a buffer
 * is read into again only once the write that carried it has been flushed (`write` resolves),
 * so the consumer must not keep a chunk after that: an HTTP response's write callback is the
 * moment the bytes are in the kernel.
 */

/** What one copy may have in flight: one buffer being written while the next is read. */
const BUFFERS_PER_COPY = 2;
const BUFFER_BYTES = 512 * 1024;
/** Free buffers kept for later copies; more concurrent copies allocate and drop their own. */
const MAX_POOLED = 16;

const pool: Buffer[] = [];

function acquire(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(BUFFER_BYTES);
}

function release(buffer: Buffer): void {
  if (pool.length < MAX_POOLED) pool.push(buffer);
}

/** An opened file to copy out; `close` releases it whether or not `copyTo` ran. */
export class PooledFileCopy implements ObjectCopy {
  constructor(private readonly file: FileHandle) {}

  /** Every byte of the file, in order, through `write`, which resolves once it no longer needs the chunk. */
  async copyTo(write: (chunk: Uint8Array) => Promise<void>): Promise<void> {
    const buffers = Array.from({ length: BUFFERS_PER_COPY }, acquire);
    const inFlight: (Promise<void> | undefined)[] = buffers.map(() => undefined);
    try {
      for (let position = 0, k = 0; ; k = (k + 1) % BUFFERS_PER_COPY) {
        await inFlight[k];
        const { bytesRead } = await this.file.read(buffers[k]!, 0, BUFFER_BYTES, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        inFlight[k] = write(buffers[k]!.subarray(0, bytesRead));
        // Handled here so a write failing while the next read runs is no unhandled rejection; it is thrown when awaited.
        inFlight[k]!.catch(() => {});
      }
      await Promise.all(inFlight);
    } finally {
      // Only buffers no write still holds go back: a write that failed may not have let go yet.
      const settled = await Promise.allSettled(inFlight);
      if (settled.every((s) => s.status === 'fulfilled')) buffers.forEach(release);
    }
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
