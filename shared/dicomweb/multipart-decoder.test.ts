import { describe, expect, it } from 'vitest';
import { closeDelimiter, newBoundary, partHeader } from './multipart';
import { MultipartDecoder, decodeMultipart, multipartBoundary, multipartParts, type MultipartPart } from './multipart-decoder';

const B = "dicomweb-'()+_,-./:=? 7f";

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const part = (headers: Record<string, string>, body: string | Uint8Array): MultipartPart => ({
  headers,
  body: typeof body === 'string' ? bytes(body) : body,
});

/** Feeds `body` cut at `cuts` (ascending offsets) and ends it. */
function decodeCut(body: Uint8Array, cuts: readonly number[], boundary = B): MultipartPart[] {
  const decoder = new MultipartDecoder(boundary);
  const parts: MultipartPart[] = [];
  let from = 0;
  for (const cut of [...cuts, body.length]) {
    parts.push(...decoder.push(body.subarray(from, cut)));
    from = cut;
  }
  decoder.end();
  return parts;
}

/** Every way of cutting `body` once, and into single bytes. */
function everySplit(body: Uint8Array): number[][] {
  const splits = Array.from({ length: body.length + 1 }, (_, i) => [i]);
  splits.push(Array.from({ length: body.length }, (_, i) => i));
  return splits;
}

const valid: Array<[string, string, MultipartPart[]]> = [
  [
    'two parts, the CRLF before each delimiter not in the body',
    `--${B}\r\nContent-Type: application/octet-stream\r\n\r\nabc\r\n--${B}\r\ncontent-type: text/plain\r\nContent-Location: /x\r\n\r\n\r\nline\r\n\r\n--${B}--\r\n`,
    [
      part({ 'content-type': 'application/octet-stream' }, 'abc'),
      part({ 'content-type': 'text/plain', 'content-location': '/x' }, '\r\nline\r\n'),
    ],
  ],
  [
    'bodies holding near-boundaries',
    `--${B}\r\n\r\n\r\n--${B.slice(0, -1)}!x--${B}\r--${B}\n--${B}\r\n-${B}\r\n--\r\n--${B}\r\n\r\n--${B.slice(0, 5)}\r\n--${B}--`,
    [part({}, `\r\n--${B.slice(0, -1)}!x--${B}\r--${B}\n--${B}\r\n-${B}\r\n--`), part({}, `--${B.slice(0, 5)}`)],
  ],
  [
    'preamble, transport padding and epilogue',
    `preamble --${B}\r\nwith lines\r\n--${B} \t \r\nA: 1\r\n\r\none\r\n--${B}\t\r\nA: 2\r\n\r\ntwo\r\n--${B}-- \t\r\nepilogue\r\n--${B}\r\nnot a part\r\n--${B}--\r\n`,
    [part({ a: '1' }, 'one'), part({ a: '2' }, 'two')],
  ],
  [
    'empty parts: no body, no headers, neither, headers without the blank line',
    `--${B}\r\nA: 1\r\n\r\n\r\n--${B}\r\n\r\nbody\r\n--${B}\r\n\r\n--${B}\r\n\r\n\r\n--${B}\r\nA: 5\r\n\r\n--${B}--`,
    [part({ a: '1' }, ''), part({}, 'body'), part({}, ''), part({}, ''), part({ a: '5' }, '')],
  ],
  [
    'folded and repeated header fields, spaces around values',
    `--${B}\r\nX-Long:  one\r\n two\r\n\tthree \r\nAccept: a\r\naccept:b\r\n\r\n--${B}--`,
    [part({ 'x-long': 'one two three', accept: 'a, b' }, '')],
  ],
  ['no part at all, as the writer ends an empty body', `--${B}--\r\n`, []],
  ['no part and no final CRLF', `--${B}--`, []],
];

describe('MultipartDecoder', () => {
  it.each(valid)('%s, cut at every byte and into single bytes', (_, text, expected) => {
    const body = bytes(text);
    for (const cuts of everySplit(body)) expect(decodeCut(body, cuts), `cut at ${cuts.join(',')}`).toEqual(expected);
  });

  it('decodes at every pair of cuts', () => {
    const [, text, expected] = valid[3]!;
    const body = bytes(text);
    for (let i = 0; i <= body.length; i++) for (let j = i; j <= body.length; j++) expect(decodeCut(body, [i, j])).toEqual(expected);
  });

  it('round-trips binary parts written with multipart.ts, however they arrive', () => {
    const boundary = newBoundary();
    const random = seeded(7);
    const bodies = [0, 1, 2, 3, 4096, 70_000].map((n) => Uint8Array.from({ length: n }, () => random() & 0xff));
    // Bytes that look like the start of a delimiter, at the end of a body and alone.
    bodies.push(bytes(`\r\n--${boundary.slice(0, -1)}`), bytes('\r\n'), bytes('\r'));
    const pieces: Uint8Array[] = [];
    bodies.forEach((body, n) => {
      pieces.push(bytes(partHeader(boundary, { 'Content-Type': 'application/octet-stream', 'Content-Location': `/f/${n}` }, n === 0)));
      pieces.push(body);
    });
    pieces.push(bytes(closeDelimiter(boundary)));
    const whole = concat(pieces);
    const expected = hex(
      bodies.map((body, n) => part({ 'content-type': 'application/octet-stream', 'content-location': `/f/${n}` }, body)),
    );
    expect(hex(decodeMultipart(whole, boundary))).toEqual(expected);
    for (let trial = 0; trial < 50; trial++) {
      const cuts = Array.from({ length: 1 + (random() % 40) }, () => random() % whole.length).sort((a, b) => a - b);
      expect(hex(decodeCut(whole, cuts, boundary))).toEqual(expected);
    }
  });

  it('gives each part as soon as its delimiter has arrived', () => {
    const decoder = new MultipartDecoder(B);
    expect(decoder.push(bytes(`--${B}\r\n\r\none\r\n--`))).toEqual([]);
    expect(decoder.push(bytes(B))).toEqual([part({}, 'one')]);
    expect(decoder.push(bytes(`\r\n\r\ntwo\r\n--${B}--`))).toEqual([part({}, 'two')]);
    decoder.end();
  });

  it('decodes a whole body where it is: the parts are views into it, not copies', () => {
    const body = bytes(`preamble\r\n--${B}\r\nA: 1\r\n\r\none\r\n--${B}\r\n\r\ntwo\r\n--${B}--`);
    const parts = decodeMultipart(body, B);
    expect(parts).toEqual([part({ a: '1' }, 'one'), part({}, 'two')]);
    expect(parts.map((p) => [p.body.buffer === body.buffer, p.body.byteOffset])).toEqual([
      [true, `preamble\r\n--${B}\r\nA: 1\r\n\r\n`.length],
      [true, body.length - `two\r\n--${B}--`.length],
    ]);
    // Pushed chunks stay copied: the decoder may reuse its buffer, the parts stay as they were.
    const decoder = new MultipartDecoder(B);
    const [one] = decoder.push(body);
    expect(one!.body.buffer).not.toBe(body.buffer);
  });

  it('finds the delimiter among bytes that almost make it (CR, LF, dashes, boundary prefixes)', () => {
    const near = [`\r`, `\r\n`, `\r\n-`, `\r\n--`, `\r\n--${B.slice(0, 5)}`, `\r\n--${B.slice(0, -1)}`, `--${B}`, `\n--${B}`];
    const noisy = near.join('x').repeat(50);
    const body = bytes(`--${B}\r\n\r\n${noisy}\r\n--${B}\r\n\r\n${noisy}${noisy}\r\n--${B}--`);
    for (const parts of [decodeMultipart(body, B), decodeCut(body, [7, 100, 1001, 2500])]) {
      expect(parts).toEqual([part({}, noisy), part({}, noisy + noisy)]);
    }
  });

  it('reads an async stream of chunks', async () => {
    async function* chunks() {
      for (const piece of [`--${B}\r\nA: 1\r\n\r\no`, `ne\r\n--${B}\r\n\r\ntwo\r`, `\n--${B}--`]) yield bytes(piece);
    }
    const parts: MultipartPart[] = [];
    for await (const p of multipartParts(chunks(), B)) parts.push(p);
    expect(parts).toEqual([part({ a: '1' }, 'one'), part({}, 'two')]);
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['an empty body', '', /no delimiter line "--dicomweb/],
    ['a body without the boundary', `--other\r\n\r\nx\r\n--other--`, /no delimiter line/],
    ['a body cut inside a part', `--${B}\r\nA: 1\r\n\r\nabc\r\n--${B}\r\n\r\nde`, /ended inside part 2, before the close delimiter/],
    ['a body cut inside headers', `--${B}\r\nA: 1\r\n`, /ended inside part 1/],
    ['a body cut after a delimiter', `--${B}\r\n\r\nabc\r\n--${B}`, /ended in the delimiter line after part 1/],
    ['a body cut after the first boundary', `--${B} `, /ended in the delimiter line after the preamble/],
    ['a boundary that is only a prefix of a line', `--${B}\r\n\r\nabc\r\n--${B}x\r\n\r\n--${B}--`, /part 1: the boundary is followed by/],
    ['junk after the first boundary', `--${B}x\r\n\r\n--${B}--`, /before the first part: the boundary is followed by/],
    ['junk after the close delimiter', `--${B}\r\n\r\nabc\r\n--${B}--x`, /the close delimiter is followed by something other/],
    ['a CR alone after the close delimiter', `--${B}\r\n\r\nabc\r\n--${B}--\r`, /followed by a CR without LF/],
    ['a header line ending in a bare LF', `--${B}\r\nA: 1\n\r\nabc\r\n--${B}--`, /part 1: a header line does not end with CRLF/],
    ['a header line without CRLF before the delimiter', `--${B}\r\nA: 1\r\n--${B}--`, /a header line does not end with CRLF/],
    ['a header line with a bare CR', `--${B}\r\nA: 1\r2\r\n\r\n\r\n--${B}--`, /bare CR/],
    [
      'a header line without a colon',
      `--${B}\r\n\r\nx\r\n--${B}\r\nnot a header\r\n\r\nx\r\n--${B}--`,
      /part 2: a header line is not "Name: value"/,
    ],
    ['a header block opening with a folded line', `--${B}\r\n A: 1\r\n\r\n\r\n--${B}--`, /starts with a continuation line/],
  ];

  it.each(malformed)('refuses %s, wherever it is cut', (_, text, message) => {
    const body = bytes(text);
    for (const cuts of everySplit(body)) expect(() => decodeCut(body, cuts), `cut at ${cuts.join(',')}`).toThrow(message);
  });

  it('refuses more bytes after the end or after an error', () => {
    const ended = new MultipartDecoder(B);
    ended.push(bytes(`--${B}--`));
    ended.end();
    expect(() => ended.push(bytes('x'))).toThrow(/already ended/);
    const broken = new MultipartDecoder(B);
    expect(() => broken.push(bytes(`--${B}x\r\n`))).toThrow(/boundary is followed by/);
    expect(() => broken.push(bytes('\r\n'))).toThrow(/boundary is followed by/);
    expect(() => broken.end()).toThrow(/boundary is followed by/);
  });

  it.each(['', 'x'.repeat(201), 'trailing ', 'semi;colon', 'quote"d', 'é'])('refuses the boundary %j', (boundary) => {
    expect(() => new MultipartDecoder(boundary)).toThrow(/Not a multipart boundary/);
  });
});

describe('multipartBoundary', () => {
  it.each([
    ['multipart/related; type="application/octet-stream"; boundary=abc-123', 'abc-123'],
    ['Multipart/Related;BOUNDARY="a b:c=d?"; type=application/dicom', 'a b:c=d?'],
    ['multipart/related; boundary=dicomweb-0f/1.2', 'dicomweb-0f/1.2'],
    ['multipart/mixed; boundary="graphql"', 'graphql'],
    [`multipart/related; boundary=${'x'.repeat(70)}`, 'x'.repeat(70)],
    // Longer than RFC 2046's 70, as Orthanc 1.10.1 writes them, up to 200.
    [`multipart/related; boundary=${'x'.repeat(200)}`, 'x'.repeat(200)],
  ])('%s → %s', (contentType, boundary) => {
    expect(multipartBoundary(contentType)).toBe(boundary);
  });

  it.each([
    ['application/dicom; boundary=abc', /Not a multipart media type/],
    ['multipart/related', /no boundary parameter/],
    ['multipart/related; boundary=', /Not a multipart media type/],
    ['multipart/related; boundary="trailing "', /Not a multipart boundary/],
    [`multipart/related; boundary=${'x'.repeat(201)}`, /Not a multipart boundary/],
  ])('refuses %s', (contentType, message) => {
    expect(() => multipartBoundary(contentType)).toThrow(message);
  });
});

/** Bodies as hex text: comparing long typed arrays element by element is slow in expect(). */
function hex(parts: readonly MultipartPart[]): Array<{ headers: Record<string, string>; body: string }> {
  return parts.map(({ headers, body }) => ({ headers, body: Array.from(body, (b) => b.toString(16).padStart(2, '0')).join('') }));
}

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}
