import { Readable } from 'node:stream';

/**
 * Small stream transforms for serving stored bytes: cut a slice, keep fragment values, swap words.
 * Each reads its source lazily and stops (destroying the source) as soon as it has what it needs.
 */

/** A byte range: inclusive start, exclusive end. */
export interface ByteSpan {
  start: number;
  end: number;
}

/** `take` bytes after skipping `skip`. */
export function slice(source: AsyncIterable<Buffer>, skip: number, take: number): Readable {
  return Readable.from(
    (async function* () {
      let toSkip = skip;
      let left = take;
      if (left <= 0) return;
      for await (const chunk of source) {
        let part = chunk;
        if (toSkip > 0) {
          const n = Math.min(toSkip, part.length);
          toSkip -= n;
          part = part.subarray(n);
        }
        if (part.length === 0) continue;
        if (part.length >= left) {
          yield part.subarray(0, left);
          return;
        }
        left -= part.length;
        yield part;
      }
    })(),
  );
}

/** Only the bytes inside `spans` (sorted, disjoint) of a stream whose first byte is at `base`. */
export function keepSpans(source: AsyncIterable<Buffer>, spans: readonly ByteSpan[], base: number): Readable {
  return Readable.from(
    (async function* () {
      let position = base;
      let index = 0;
      for await (const chunk of source) {
        const chunkEnd = position + chunk.length;
        while (index < spans.length) {
          const span = spans[index]!;
          const from = Math.max(span.start, position);
          const to = Math.min(span.end, chunkEnd);
          if (from < to) yield chunk.subarray(from - position, to - position);
          if (span.end > chunkEnd) break;
          index++;
        }
        if (index === spans.length) return;
        position = chunkEnd;
      }
    })(),
  );
}

/** Reverses the byte order of every `width`-byte word (2, 4 or 8); a trailing partial word passes as is. */
export function swapWords(source: AsyncIterable<Buffer>, width: number): Readable {
  return Readable.from(
    (async function* () {
      let carry: Buffer = Buffer.alloc(0);
      for await (const chunk of source) {
        // A copy: the swap works in place and the chunk may be shared with its producer.
        const bytes = Buffer.concat([carry, chunk]);
        const whole = bytes.length - (bytes.length % width);
        carry = bytes.subarray(whole);
        if (whole === 0) continue;
        const out = bytes.subarray(0, whole);
        if (width === 2) out.swap16();
        else if (width === 4) out.swap32();
        else out.swap64();
        yield out;
      }
      if (carry.length > 0) yield carry;
    })(),
  );
}

export async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
