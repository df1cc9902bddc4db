import type { Readable } from 'node:stream';
import { createInflate, createInflateRaw } from 'node:zlib';
import { AppError } from '../../shared/errors';
import { LONG_LENGTH_VRS } from '../ingest/dicom-dictionary';
import type { BlobStore } from '../storage/blob-store';
import { collect, slice } from './byte-streams';

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

/**
 * Where the deflate stream starts: after the file meta group (PS3.10 7.1), read the way ingest
 * reads it (while the group is 0002, and not past the group length when there is one).
 */
async function locateDeflateStream(blobStore: BlobStore, key: string): Promise<{ dataSetStart: number; zlibWrapped: boolean }> {
  const bytes = await collect(await blobStore.get(key, { start: 0, end: META_READ_BYTES }));
  let pos = 132;
  let groupEnd: number | undefined;
  while (pos + 8 <= bytes.length && bytes.readUInt16LE(pos) === 0x0002 && pos !== groupEnd) {
    const element = bytes.readUInt16LE(pos + 2);
    const vr = bytes.toString('latin1', pos + 4, pos + 6);
    const long = LONG_LENGTH_VRS.has(vr);
    if (long && pos + 12 > bytes.length) break;
    const length = long ? bytes.readUInt32LE(pos + 8) : bytes.readUInt16LE(pos + 6);
    const valueStart = pos + (long ? 12 : 8);
    if (element === 0 && vr === 'UL' && length === 4 && valueStart + 4 <= bytes.length)
      groupEnd = valueStart + 4 + bytes.readUInt32LE(valueStart);
    pos = valueStart + length;
  }
  const b0 = bytes[pos];
  const b1 = bytes[pos + 1];
  if (b0 === undefined || b1 === undefined)
    throw new AppError('INTERNAL', 'The file meta information of a stored deflated instance could not be read.');
  // Ingest accepts a zlib wrapper too (non-conformant senders), so reading must as well.
  return { dataSetStart: pos, zlibWrapped: (b0 & 0x0f) === 8 && b0 >> 4 <= 7 && ((b0 << 8) | b1) % 31 === 0 };
}
