import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { closeDelimiter, newBoundary, partHeader } from '../../shared/dicomweb/multipart';
import { boundaryFromContentType, readMultipartRelated, type MultipartReadOptions } from '../../server/http/multipart-reader';
import { MultipartWriter } from '../../server/http/multipart-writer';

const B = 'test-boundary-42';

type ReadPart = { headers: Record<string, string>; body: Buffer };

async function readAll(source: AsyncIterable<Buffer> | Readable, boundary = B, options?: MultipartReadOptions): Promise<ReadPart[]> {
  const parts: ReadPart[] = [];
  for await (const part of readMultipartRelated(source, boundary, options))
    parts.push({ headers: { ...part.headers }, body: await collect(part.body) });
  return parts;
}

/** A part body's bytes, checking that the reader never yields an empty chunk. */
async function collect(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    expect(chunk.length).toBeGreaterThan(0);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function* chunks(...buffers: Array<Buffer | string>): AsyncGenerator<Buffer> {
  for (const b of buffers) yield Buffer.from(b);
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const edges = [0, ...[...cuts].sort((a, b) => a - b), buf.length];
  return edges.slice(1).map((end, i) => buf.subarray(edges[i], end));
}

function encode(parts: ReadPart[], { boundary = B, preamble = '', epilogue = '' } = {}): Buffer {
  return Buffer.concat([
    Buffer.from(preamble),
    ...parts.flatMap((p, i) => [Buffer.from(partHeader(boundary, p.headers, i === 0 && !preamble)), p.body]),
    Buffer.from(closeDelimiter(boundary) + epilogue),
  ]);
}

/** A seeded PRNG (an LCG is plenty here) so that a failing random chunking can be replayed. */
function prng(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function trickyBodies(boundary: string): Buffer[] {
  return [
    Buffer.alloc(0),
    Buffer.from(`--${boundary} is not a delimiter without the CRLF before it`),
    Buffer.from('\r\n\r\n\n\r\r\r\n-\r\n--'),
    Buffer.from(`near miss \r\n--${boundary.slice(0, -1)}X in the middle`),
    Buffer.from(`ends with a delimiter prefix\r\n--${boundary.slice(0, -1)}`),
    Buffer.from('\r'),
    randomBytes(400),
  ];
}

/** Bodies as hex, because comparing big Buffers byte by byte makes vitest's diffing slow. */
function hex(parts: ReadPart[]): Array<{ headers: Record<string, string>; body: string }> {
  return parts.map((p) => ({ headers: p.headers, body: p.body.toString('hex') }));
}

const tricky: ReadPart[] = trickyBodies(B).map((body, i) => ({
  headers: { 'content-type': 'application/dicom', 'x-index': String(i) },
  body,
}));

function expectMalformed(promise: Promise<unknown>, message: RegExp) {
  return expect(promise).rejects.toMatchObject({ code: 'MALFORMED_MULTIPART', message: expect.stringMatching(message) });
}

describe('MultipartWriter → readMultipartRelated', () => {
  it('round-trips random and tricky binary bodies given as Buffer, Uint8Array and streams', async () => {
    const out = new PassThrough();
    const writer = new MultipartWriter(out);
    const bodies = [...trickyBodies(writer.boundary), randomBytes(200_000)];
    const reading = readAll(out, boundaryFromContentType(writer.contentType('application/dicom'), 'application/dicom'));
    for (const [i, body] of bodies.entries()) {
      const as = i % 3 === 0 ? body : i % 3 === 1 ? new Uint8Array(body) : Readable.from(splitAt(body, [1, 7, 100]));
      await writer.writePart({ 'Content-Type': 'application/dicom', 'Content-Location': `/part/${i}` }, as);
    }
    await writer.end();
    const parts = await reading;
    expect(parts.map((p) => p.body.toString('hex'))).toEqual(bodies.map((b) => b.toString('hex')));
    expect(parts[1]?.headers).toEqual({ 'content-type': 'application/dicom', 'content-location': '/part/1' });
  });

  it('writes a Content-Type with the root type, extra parameters and the boundary', () => {
    const writer = new MultipartWriter(new PassThrough(), 'abc');
    expect(writer.contentType('application/dicom', { 'transfer-syntax': '1.2.840.10008.1.2.1' })).toBe(
      'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1; boundary=abc',
    );
    expect(newBoundary()).toMatch(/^[0-9a-z-]{20,70}$/);
    expect(newBoundary()).not.toBe(newBoundary());
  });

  it('rejects writePart when the body stream fails mid-part', async () => {
    const out = new PassThrough();
    out.resume();
    const body = new Readable({ read() {} });
    body.push(Buffer.from('half of a file'));
    setImmediate(() => body.destroy(new Error('blob store went away')));
    await expect(new MultipartWriter(out).writePart({ 'Content-Type': 'application/dicom' }, body)).rejects.toThrow('blob store went away');
  });

  it('waits for drain, and rejects instead of hanging when the response is closed', async () => {
    const out = new PassThrough({ highWaterMark: 1024 });
    let done = false;
    const writing = new MultipartWriter(out)
      .writePart({}, Readable.from([randomBytes(64 * 1024), randomBytes(10)]))
      .then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    out.resume();
    await writing;
    const closed = new PassThrough({ highWaterMark: 16 });
    const failing = new MultipartWriter(closed).writePart({}, randomBytes(1024));
    closed.destroy();
    await expect(failing).rejects.toThrow(/closed before it was complete/);
  });
});

describe('readMultipartRelated', () => {
  const message = encode(tricky, { preamble: 'preamble\r\n', epilogue: '\r\nepilogue' });

  it('gives identical bytes for every split of the body into two chunks', async () => {
    for (let i = 1; i < message.length; i++) expect(hex(await readAll(chunks(...splitAt(message, [i]))))).toEqual(hex(tricky));
  });

  it('gives identical bytes for 1-byte chunks and for random chunkings', async () => {
    const bytes = Array.from({ length: message.length - 1 }, (_, i) => i + 1);
    expect(hex(await readAll(chunks(...splitAt(message, bytes))))).toEqual(hex(tricky));
    const random = prng(2387);
    for (let n = 0; n < 300; n++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 12) }, () => Math.floor(random() * message.length));
      expect(hex(await readAll(chunks(...splitAt(message, cuts), '')))).toEqual(hex(tricky));
    }
  });

  it('ignores the preamble and the epilogue, delimiters in them included', async () => {
    const parts = [{ headers: { 'content-type': 'application/dicom' }, body: Buffer.from('the part') }];
    const preamble = `a preamble with --${B} but no CRLF before it\r\n`;
    const epilogue = `\r\n--${B}\r\ncontent-type: text/plain\r\n\r\nnot a part\r\n--${B}--\r\n`;
    expect(await readAll(chunks(encode(parts, { preamble, epilogue })))).toEqual(parts);
  });

  it('accepts transport padding, bare LF line endings and folded or repeated headers', async () => {
    const body = `--${B} \t \nContent-Type: a/b\nX-Folded: one\r\n  two\nX-A: 1\nx-a:2\n\nfirst\r\n--${B}\t\r\n\r\nsecond\r\n--${B}-- \r\n`;
    expect(await readAll(chunks(body))).toEqual([
      { headers: { 'content-type': 'a/b', 'x-folded': 'one two', 'x-a': '1, 2' }, body: Buffer.from('first') },
      { headers: {}, body: Buffer.from('second') },
    ]);
  });

  it('reports an empty body or a lone close delimiter as zero parts', async () => {
    expect(await readAll(chunks())).toEqual([]);
    expect(await readAll(chunks('', ''))).toEqual([]);
    expect(await readAll(chunks(`--${B}--\r\n`))).toEqual([]);
  });

  it('fails on a missing first delimiter, a missing close delimiter and broken delimiter lines', async () => {
    await expectMalformed(readAll(chunks('no multipart here')), /no delimiter line "--test-boundary-42"/);
    await expectMalformed(readAll(chunks(`--${B}\r\n\r\ntruncated`)), /ended inside part 1, before the close delimiter/);
    await expectMalformed(
      readAll(chunks(`--${B}\r\n\r\none\r\n--${B}\r\n\r\ntwo\r\n--${B}`)),
      /ended in the delimiter line or headers of part 3/,
    );
    await expectMalformed(readAll(chunks(`--${B}\r\nContent-Type: a/b\r\n`)), /ended in the delimiter line or headers of part 1/);
    await expectMalformed(readAll(chunks(`--${B}garbage\r\n\r\nx\r\n--${B}--`)), /Part 1: unexpected characters after the boundary/);
    await expectMalformed(readAll(chunks(`--${B}\r\nnot a header\r\n\r\nx\r\n--${B}--`)), /Part 1: a header line is not "Name: value"/);
    await expectMalformed(readAll(chunks(`--${B}\r\nBad Name: x\r\n\r\nx\r\n--${B}--`)), /Part 1: a header line is not/);
  });

  it('fails on a header block larger than maxHeaderBytes', async () => {
    const huge = `--${B}\r\nX-Huge: ${'x'.repeat(20_000)}\r\n\r\nbody\r\n--${B}--`;
    await expectMalformed(readAll(chunks(huge)), /header block of part 1 is larger than 16384 bytes/);
    await expectMalformed(readAll(chunks(...splitAt(Buffer.from(huge), [100, 200]))), /larger than 16384 bytes/);
    const small = `--${B}\r\nX-A: 12345\r\n\r\nbody\r\n--${B}--`; // 16 bytes from the boundary to the body
    expect(await readAll(chunks(small), B, { maxHeaderBytes: 16 })).toHaveLength(1);
    await expectMalformed(readAll(chunks(small), B, { maxHeaderBytes: 15 }), /larger than 15 bytes/);
  });

  it('skips the unread rest of a part body when the consumer moves on', async () => {
    const parts = [...tricky, { headers: { 'x-index': 'last' }, body: Buffer.from('the last part') }];
    const encoded = encode(parts);
    const source = chunks(...splitAt(encoded, [encoded.indexOf('x-index: 6') + 100]));
    const seen: string[] = [];
    const bodies: Array<AsyncIterable<Buffer>> = [];
    for await (const part of readMultipartRelated(source, B)) {
      const index = part.headers['x-index'] ?? '?';
      seen.push(index);
      bodies.push(part.body);
      if (index === '6') {
        for await (const chunk of part.body) {
          expect(chunk.length).toBeLessThan(400);
          break; // abandoned mid-body
        }
      }
      if (index === 'last') expect(await collect(part.body)).toEqual(Buffer.from('the last part'));
    }
    expect(seen).toEqual(['0', '1', '2', '3', '4', '5', '6', 'last']);
    for (const body of bodies) expect(await collect(body)).toHaveLength(0);
  });

  it('propagates source errors, also to the body being read', async () => {
    async function* failing() {
      yield Buffer.from(`--${B}\r\n\r\nsome bytes`);
      throw new Error('socket hang up');
    }
    await expect(readAll(failing())).rejects.toThrow('socket hang up');
    const parts = readMultipartRelated(failing(), B);
    const first = await parts.next();
    const body = first.value?.body[Symbol.asyncIterator]();
    expect((await body?.next())?.value).toEqual(Buffer.from('some bytes'));
    await expect(body?.next()).rejects.toThrow('socket hang up');
    await expect(parts.next()).rejects.toThrow('socket hang up');
  });

  it('reads no more than one chunk ahead of the consumer', async () => {
    let pulled = 0;
    async function* counted() {
      for (const chunk of [`--${B}\r\n\r\nfirst`, ...Array(50).fill('data'), `\r\n--${B}--`]) {
        pulled++;
        yield Buffer.from(chunk);
      }
    }
    const parts = readMultipartRelated(counted(), B)[Symbol.asyncIterator]();
    const body = (await parts.next()).value?.body[Symbol.asyncIterator]();
    expect(pulled).toBe(1);
    expect((await body?.next())?.value.toString()).toBe('first');
    expect(pulled).toBe(1);
    expect((await body?.next())?.value.toString()).toBe('data');
    expect(pulled).toBe(2);
  });

  it('reads a Node Readable of Buffers or Uint8Arrays and leaves it open when the consumer stops early', async () => {
    const source = () => Readable.from([Buffer.from(`--${B}\r\n\r\none\r\n--${B}\r\n\r\ntwo`), new TextEncoder().encode(`\r\n--${B}--`)]);
    expect(await readAll(source())).toEqual([
      { headers: {}, body: Buffer.from('one') },
      { headers: {}, body: Buffer.from('two') },
    ]);
    const readable = source();
    for await (const part of readMultipartRelated(readable, B)) {
      expect(part.headers).toEqual({});
      break;
    }
    expect(readable.destroyed).toBe(false);
    readable.destroy();
  });

  it('streams 300 MB of 1 MB parts in bounded memory', async () => {
    const boundary = newBoundary();
    const [partCount, partSize] = [300, 1024 * 1024];
    const unit = Buffer.concat([Buffer.from(partHeader(boundary, { 'Content-Type': 'application/dicom' }, false)), randomBytes(partSize)]);
    const cycle = Buffer.concat([unit, unit]);
    // Fresh chunks of an odd size, like socket reads, so that delimiters straddle chunks.
    async function* generated(chunkSize = 65_521) {
      for (let pos = 2, end = unit.length * partCount; pos < end; pos += chunkSize) {
        const chunk = Buffer.allocUnsafe(Math.min(chunkSize, end - pos));
        cycle.copy(chunk, 0, pos % unit.length);
        yield chunk;
      }
      yield Buffer.from(closeDelimiter(boundary));
    }
    // V8 collects fresh-chunk garbage only every ~64 MB: drain the source once so the baseline includes that lag.
    for await (const _ of generated());
    const rssBefore = process.memoryUsage().rss;
    let maxRss = rssBefore;
    let [parts, bytes] = [0, 0];
    const started = performance.now();
    for await (const part of readMultipartRelated(generated(), boundary)) {
      parts++;
      for await (const chunk of part.body) bytes += chunk.length;
      if (parts % 10 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
    }
    const seconds = (performance.now() - started) / 1000;
    expect(parts).toBe(partCount);
    expect(bytes).toBe(partCount * partSize);
    expect(maxRss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    console.log(
      `multipart reader: ${(bytes / 1e6 / seconds).toFixed(0)} MB/s over ${bytes / 1e6} MB (chunk generation included), rss +${((maxRss - rssBefore) / 1e6).toFixed(1)} MB`,
    );
  });
});

describe('boundaryFromContentType', () => {
  it('returns the boundary, quoted or not, and checks the root type case-insensitively', () => {
    expect(boundaryFromContentType('multipart/related; type="application/dicom"; boundary=abc', 'application/dicom')).toBe('abc');
    expect(boundaryFromContentType('Multipart/Related; Type=Application/DICOM; Boundary="a b:c"', 'application/dicom')).toBe('a b:c');
    expect(boundaryFromContentType('multipart/related; boundary=x', 'application/dicom')).toBe('x');
    expect(boundaryFromContentType(`multipart/related; type="application/dicom+xml"; boundary=${'b'.repeat(70)}`)).toHaveLength(70);
    // Longer than RFC 2046's 70, as Orthanc 1.10.1 writes them (test/server/peer-quirks.test.ts), up to 200.
    expect(boundaryFromContentType(`multipart/related; boundary=${'b'.repeat(200)}`)).toHaveLength(200);
  });

  it.each([
    [undefined, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/dicom', 'UNSUPPORTED_MEDIA_TYPE'],
    ['multipart/form-data; boundary=abc', 'UNSUPPORTED_MEDIA_TYPE'],
    ['multipart/related; type="application/dicom+json"; boundary=abc', 'UNSUPPORTED_MEDIA_TYPE'],
    ['multipart/related; type="application/dicom"', 'MALFORMED_MULTIPART'],
    ['multipart/related; type="application/dicom"; boundary=""', 'MALFORMED_MULTIPART'],
    [`multipart/related; boundary=${'b'.repeat(201)}`, 'MALFORMED_MULTIPART'],
    ['multipart/related; boundary="ends with space "', 'MALFORMED_MULTIPART'],
    ['multipart/related; boundary="a\\"b"', 'MALFORMED_MULTIPART'],
    ['multipart/related; boundary="unterminated', 'MALFORMED_MULTIPART'],
  ])('rejects %j with %s', (contentType, code) => {
    expect(() => boundaryFromContentType(contentType, 'application/dicom')).toThrow(expect.objectContaining({ code }));
  });
});
