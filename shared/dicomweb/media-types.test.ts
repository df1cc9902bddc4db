import { describe, expect, it } from 'vitest';
import { formatMediaType, parseAccept, parseMediaType } from './media-types';

describe('parseMediaType', () => {
  it('lower-cases type and parameter names but keeps values', () => {
    expect(parseMediaType('Multipart/Related; Type="application/dicom"; BOUNDARY=AbC')).toEqual({
      type: 'multipart/related',
      params: { type: 'application/dicom', boundary: 'AbC' },
    });
  });

  it('tolerates spaces around separators and empty parameters', () => {
    expect(parseMediaType('  application/dicom ;transfer-syntax = 1.2.840.10008.1.2.1 ;; ')).toEqual({
      type: 'application/dicom',
      params: { 'transfer-syntax': '1.2.840.10008.1.2.1' },
    });
  });

  it('unquotes quoted strings with backslash escapes', () => {
    expect(parseMediaType('multipart/related; type="multipart/related; type=\\"application/dicom\\""')?.params).toEqual({
      type: 'multipart/related; type="application/dicom"',
    });
    expect(parseMediaType('a/b; x="a\\\\b"; y=""')?.params).toEqual({ x: 'a\\b', y: '' });
  });

  it('accepts an unquoted slash in values, as PS3.18 examples and OHIF send it', () => {
    expect(parseMediaType('multipart/related; type=application/octet-stream; transfer-syntax=*')?.params).toEqual({
      type: 'application/octet-stream',
      'transfer-syntax': '*',
    });
  });

  it.each([
    '',
    'application',
    'application/',
    '/dicom',
    'application/dicom extra',
    'application/dicom; =x',
    'application/dicom; x',
    'application/dicom; x=',
    'application/dicom; x="unterminated',
    'application/dicom; x="a"b',
    'application/dicom; x=1; X=2',
    'application/dicom, application/json',
    'application/dicom; x="a\u0000"',
    'appli cation/dicom',
  ])('rejects %j', (header) => {
    expect(parseMediaType(header)).toBeUndefined();
  });
});

describe('formatMediaType', () => {
  it('quotes values that are not tokens and escapes quotes and backslashes', () => {
    expect(
      formatMediaType('multipart/related', { type: 'application/dicom', 'transfer-syntax': '1.2.840.10008.1.2.1', boundary: 'abc-123' }),
    ).toBe('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1; boundary=abc-123');
    expect(formatMediaType('a/b', { x: 'say "hi"\\', y: '' })).toBe('a/b; x="say \\"hi\\"\\\\"; y=""');
    expect(formatMediaType('application/dicom+json')).toBe('application/dicom+json');
  });

  it('round-trips through parseMediaType', () => {
    const params = { type: 'multipart/related; type="application/dicom"', q: '0.5', boundary: 'a b' };
    expect(parseMediaType(formatMediaType('multipart/related', params))).toEqual({ type: 'multipart/related', params });
  });
});

describe('parseAccept', () => {
  it('splits on commas outside quoted strings only', () => {
    expect(parseAccept('multipart/related; type="application/dicom"; transfer-syntax=*, application/dicom+json')).toEqual([
      { type: 'multipart/related', params: { type: 'application/dicom', 'transfer-syntax': '*' }, q: 1 },
      { type: 'application/dicom+json', params: {}, q: 1 },
    ]);
    expect(parseAccept('a/b; x="1,2", c/d')).toEqual([
      { type: 'a/b', params: { x: '1,2' }, q: 1 },
      { type: 'c/d', params: {}, q: 1 },
    ]);
  });

  it('handles nested escaped quotes as DICOMweb clients send them', () => {
    expect(parseAccept('multipart/related; type="multipart/related; type=\\"application/dicom\\"", */*;q=0.1')).toEqual([
      { type: 'multipart/related', params: { type: 'multipart/related; type="application/dicom"' }, q: 1 },
      { type: '*/*', params: {}, q: 0.1 },
    ]);
  });

  it('sorts by q descending and keeps the client order among equal weights', () => {
    const types = parseAccept('a/a;q=0.5, b/b, c/c;q=0.9, d/d;q=0.5, e/e;Q=1.0, f/f;q=0').map((r) => `${r.type} ${r.q}`);
    expect(types).toEqual(['b/b 1', 'e/e 1', 'c/c 0.9', 'a/a 0.5', 'd/d 0.5', 'f/f 0']);
  });

  it('removes q from the parameters but keeps the others', () => {
    expect(parseAccept('application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50; q=0.8')).toEqual([
      { type: 'application/dicom', params: { 'transfer-syntax': '1.2.840.10008.1.2.4.50' }, q: 0.8 },
    ]);
  });

  it('skips malformed elements and empty list elements', () => {
    expect(parseAccept(' , garbage, a/b;q=2, c/d; x="1,\\"2", e/e;q=x,,f/f ,').map((r) => r.type)).toEqual(['c/d', 'f/f']);
    expect(parseAccept('')).toEqual([]);
    expect(parseAccept('g/h; x="unterminated, i/j')).toEqual([]);
  });
});
