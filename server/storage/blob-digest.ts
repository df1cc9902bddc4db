import { createHash } from 'node:crypto';
import type { BlobStore } from './blob-store';

/** SHA-256 of a stored object, hex (streamed, constant memory). */
export async function blobSha256(store: BlobStore, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await store.get(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
