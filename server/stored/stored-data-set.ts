import { LONG_LENGTH_VRS } from '../ingest/dicom-dictionary';
import type { BlobStore } from '../storage/blob-store';

/**
 * Where the data set of a Part 10 object starts: after the preamble, `DICM` and the File Meta
 * Information group (PS3.10 7.1), read the way ingest reads it (while the group is 0002, and not
 * past the group length when there is one); 0 for an object without `DICM`. Undefined when
 * `bytes` ends before the group does.
 */
export function dataSetStart(bytes: Buffer): number | undefined {
  if (bytes.length < 132) return undefined;
  if (bytes.toString('latin1', 128, 132) !== 'DICM') return 0;
  let pos = 132;
  let groupEnd: number | undefined;
  while (pos !== groupEnd) {
    if (pos + 8 > bytes.length) return undefined;
    if (bytes.readUInt16LE(pos) !== 0x0002) return pos;
    const element = bytes.readUInt16LE(pos + 2);
    const vr = bytes.toString('latin1', pos + 4, pos + 6);
    const long = LONG_LENGTH_VRS.has(vr);
    if (long && pos + 12 > bytes.length) return undefined;
    const length = long ? bytes.readUInt32LE(pos + 8) : bytes.readUInt16LE(pos + 6);
    const valueStart = pos + (long ? 12 : 8);
    if (element === 0 && vr === 'UL' && length === 4) {
      if (valueStart + 4 > bytes.length) return undefined;
      groupEnd = valueStart + 4 + bytes.readUInt32LE(valueStart);
    }
    pos = valueStart + length;
  }
  return pos;
}

/** A File Meta Information group is a few hundred bytes; one that does not end within this is not one. */
const MAX_META_BYTES = 64 * 1024;

/**
 * The stored object's data set without its File Meta Information, streamed from storage: what a
 * DIMSE C-STORE sends (PS3.7 9.1.1: the data set in the presentation context's syntax, here the
 * stored one). The object is opened now (a missing one rejects before anything is sent); only its
 * first chunks are held, until the meta group ends.
 */
export async function openStoredDataSet(blobStore: BlobStore, blobKey: string): Promise<AsyncIterable<Buffer> & { close(): void }> {
  const source = await blobStore.get(blobKey);
  const bytes = (async function* () {
    let head: Buffer | undefined = Buffer.alloc(0);
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (!head) {
          yield chunk;
          continue;
        }
        head = Buffer.concat([head, chunk]);
        const start = dataSetStart(head);
        if (start === undefined) {
          if (head.length > MAX_META_BYTES) throw new Error(`the stored object ${blobKey} has no readable File Meta Information`);
          continue;
        }
        const rest = head.subarray(start);
        head = undefined;
        if (rest.length > 0) yield rest;
      }
      if (head) throw new Error(`the stored object ${blobKey} ends inside its File Meta Information`);
    } finally {
      source.destroy();
    }
  })();
  // close(): for a data set never read (its command could not be sent), whose generator never ran.
  return Object.assign(bytes, { close: () => source.destroy() });
}
