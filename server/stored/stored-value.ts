import { Readable } from 'node:stream';
import { transferSyntax } from '../../shared/dicom/transfer-syntaxes';
import { vrWordBytes } from '../ingest/dicom-dictionary';
import type { BlobStore } from '../storage/blob-store';
import { keepSpans, slice, swapWords, type ByteSpan } from './byte-streams';
import { openInflatedRange } from './inflated-range';
import type { StoredInstance } from './stored-instance';

/**
 * Reading one element value (or a part of it) out of a stored Part 10 object with range reads,
 * as DICOMweb serves bulk data: little endian (PS3.18 8.7.3.3.1), never the whole object.
 */
export interface StoredValue {
  key: string;
  /** Size of the stored object. */
  objectSize: number;
  /** Offset of the first value byte: in the object, or in the inflated data set when `deflated`. */
  offset: number;
  length: number;
  /** Big endian source: bytes per word to swap (1: none). */
  swapWidth: number;
  deflated: boolean;
}

/**
 * A value of a located instance, where ingest recorded it (a `bulk` item or the pixel data):
 * swapped to little endian by its VR when the instance is big endian, unless `asStored`
 * (encapsulated pixel items are bytes, never swapped).
 */
export function storedValue(
  located: Pick<StoredInstance, 'instance' | 'bulk'>,
  item: { vr: string; offset: number; length: number },
  asStored = false,
): StoredValue {
  const { instance, bulk } = located;
  const bigEndian = transferSyntax(instance.transferSyntax)?.bigEndian === true;
  return {
    key: instance.blobKey,
    objectSize: instance.size,
    offset: item.offset,
    length: item.length,
    swapWidth: asStored ? 1 : swapWidthOf(item.vr, bigEndian),
    deflated: bulk.deflated,
  };
}

/** Bytes per word that become little endian by swapping, for a value of this VR stored big endian. */
export function swapWidthOf(vr: string, bigEndian: boolean): number {
  return bigEndian ? vrWordBytes(vr) : 1;
}

/** Bytes [start, end) of the value, little endian. */
export async function openValueRange(blobStore: BlobStore, value: StoredValue, start: number, end: number): Promise<Readable> {
  if (value.deflated) return openInflatedRange(blobStore, value.key, value.objectSize, value.offset + start, value.offset + end);
  const w = value.swapWidth;
  if (w <= 1) return blobStore.get(value.key, { start: value.offset + start, end: value.offset + end });
  // Swap whole words: widen the read to word boundaries of the value, then cut the answer out.
  const from = start - (start % w);
  const to = Math.min(value.length, end + ((w - (end % w)) % w));
  const words = await blobStore.get(value.key, { start: value.offset + from, end: value.offset + to });
  return slice(swapWords(words, w), start - from, end - start);
}

/** The concatenated bytes of `spans` (fragment values), read with one range read from the first to the last. */
export async function openSpans(blobStore: BlobStore, key: string, spans: readonly ByteSpan[]): Promise<Readable> {
  const first = spans[0];
  const last = spans[spans.length - 1];
  if (!first || !last) return Readable.from([]);
  const whole = await blobStore.get(key, { start: first.start, end: last.end });
  return spans.length === 1 ? whole : keepSpans(whole, spans, first.start);
}
