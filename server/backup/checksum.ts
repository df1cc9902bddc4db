import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';

export interface Checksum {
  sha256: string;
  size: number;
}

/** SHA-256 (hex) and size of a local file, streamed. */
export async function checksumFile(file: string): Promise<Checksum> {
  return checksumStream(createReadStream(file, { highWaterMark: 1 << 20 }));
}

/** SHA-256 (hex) and size of a whole stream. */
export async function checksumStream(stream: Readable): Promise<Checksum> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** A pass-through that hashes and counts what flows through it: the checksum of an object computed while it is copied. */
export class HashingStream extends Transform {
  /** `source` piped through a new HashingStream; an error of the source ends it too. */
  static of(source: Readable): HashingStream {
    const hashing = new HashingStream();
    source.once('error', (error) => hashing.destroy(error));
    return source.pipe(hashing);
  }

  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  /** The checksum, once the stream has ended. */
  checksum(): Checksum {
    return { sha256: this.hash.digest('hex'), size: this.bytes };
  }
}
