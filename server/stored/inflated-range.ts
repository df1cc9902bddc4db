import type { Readable } from 'node:stream';
import { createInflate, createInflateRaw } from 'node:zlib';
import { AppError } from '../../shared/errors';
import { zlibWrapped } from '../codecs/zlib-wrapped';
import type { BlobStore } from '../storage/blob-store';
import { collect, slice } from './byte-streams';
import { dataSetStart } from './stored-data-set';

/**
 * Bytes [start, end) of the inflated data set of a stored Deflated Explicit VR Little Endian object
 * (PS3.5 A.5): ingest records bulk offsets in the inflated data, so they are reached by inflating
 * from the start of the data set, streaming, and stopping as soon as `end` is reached.
 */
export async function openInflatedRange(
  blobStore: BlobStore,
  key: string,
  objectSize: number,
  start: number,
  end: number,
): Promise<Readable> {
  const { dataSetStart, zlibWrapped } = await locateDeflateStream(blobStore, key);
  const compressed = await blobStore.get(key, { start: dataSetStart, end: objectSize });
  const inflater = zlibWrapped ? createInflate() : createInflateRaw();
  compressed.on('error', (error) => inflater.destroy(error));
  inflater.on('close', () => compressed.destroy());
  return slice(compressed.pipe(inflater), start, end - start);
}

const META_READ_BYTES = 64 * 1024;

/** Where the deflate stream starts: after the file meta group (stored-data-set.ts). */
async function locateDeflateStream(blobStore: BlobStore, key: string): Promise<{ dataSetStart: number; zlibWrapped: boolean }> {
  const bytes = await collect(await blobStore.get(key, { start: 0, end: META_READ_BYTES }));
  const pos = dataSetStart(bytes);
  if (pos === undefined || pos + 2 > bytes.length)
    throw new AppError('INTERNAL', 'The file meta information of a stored deflated instance could not be read.');
  // Ingest accepts a zlib wrapper too (non-conformant senders), so reading must as well.
  return { dataSetStart: pos, zlibWrapped: zlibWrapped(bytes.subarray(pos, pos + 2)) };
}
