import type { Readable } from 'node:stream';
import type { BlobStore } from './blob-store';

/** True when two stored objects have the same bytes (streamed, constant memory). */
export async function blobsEqual(store: BlobStore, keyA: string, keyB: string): Promise<boolean> {
  const [a, b] = await Promise.all([store.get(keyA), store.get(keyB)]);
  const readerA = chunks(a);
  const readerB = chunks(b);
  try {
    let bufA: Buffer = Buffer.alloc(0);
    let bufB: Buffer = Buffer.alloc(0);
    for (;;) {
      if (bufA.length === 0) bufA = (await readerA.next()).value ?? Buffer.alloc(0);
      if (bufB.length === 0) bufB = (await readerB.next()).value ?? Buffer.alloc(0);
      if (bufA.length === 0 || bufB.length === 0) return bufA.length === bufB.length;
      const n = Math.min(bufA.length, bufB.length);
      if (!bufA.subarray(0, n).equals(bufB.subarray(0, n))) return false;
      bufA = bufA.subarray(n);
      bufB = bufB.subarray(n);
    }
  } finally {
    a.destroy();
    b.destroy();
  }
}

async function* chunks(stream: Readable): AsyncGenerator<Buffer, undefined> {
  for await (const chunk of stream) if ((chunk as Buffer).length > 0) yield chunk as Buffer;
  return undefined;
}
