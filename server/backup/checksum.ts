import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { ObjectDigest } from '../storage/object-digest';

/** What a backup knows of an object's bytes: the manifest's SHA-256 and size, and the archive's ingest digest (object-digest.ts) to compare with the row's. */
export interface Checksum {
  sha256: string;
  size: number;
  /** Absent for an object kept from the last backup without being read again. */
  digest?: string;
}

/** Both digests and the size of what is fed in. */
class Digests {
  private readonly sha256: Hash = createHash('sha256');
  private readonly ingest = new ObjectDigest();
  size = 0;

  update(chunk: Buffer): void {
    this.sha256.update(chunk);
    this.ingest.update(chunk);
    this.size += chunk.length;
  }

  checksum(): Checksum {
    return { sha256: this.sha256.digest('hex'), size: this.size, digest: this.ingest.digest() };
  }
}

/** The checksum of a local file, streamed. */
export async function checksumFile(file: string): Promise<Checksum> {
  return checksumStream(createReadStream(file, { highWaterMark: 1 << 20 }));
}

/** The checksum of a whole stream. */
export async function checksumStream(stream: Readable): Promise<Checksum> {
  const digests = new Digests();
  for await (const chunk of stream) digests.update(chunk as Buffer);
  return digests.checksum();
}

/** A pass-through that hashes and counts what flows through it: the checksum of an object computed while it is copied. */
export class HashingStream extends Transform {
  private readonly digests = new Digests();

  /** `source` piped through a new HashingStream; an error of the source ends it too. */
  static of(source: Readable): HashingStream {
    const hashing = new HashingStream();
    source.once('error', (error) => hashing.destroy(error));
    return source.pipe(hashing);
  }

  get bytes(): number {
    return this.digests.size;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.digests.update(chunk);
    done(null, chunk);
  }

  /** The checksum, once the stream has ended. */
  checksum(): Checksum {
    return this.digests.checksum();
  }
}
