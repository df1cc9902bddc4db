import type { Request, Response } from 'express';
import { AppError } from '../../shared/errors';
import type { ByteSpan } from '../stored/byte-streams';

/**
 * The range of a single-part answer to send (RFC 9110 14): undefined for the whole
 * representation, or one span for a 206. Sets `Accept-Ranges: bytes`. A `Range` counts only when
 * `If-Range` is absent or holds exactly the answer's strong tag (14.3: a date never matches, there
 * is no Last-Modified); an unsatisfiable one is a 416 with `Content-Range: bytes *\/length`.
 */
export function requestedRange(req: Request, res: Response, etag: string, length: number): ByteSpan | undefined {
  res.setHeader('Accept-Ranges', 'bytes');
  const ifRange = req.get('if-range');
  const header = ifRange === undefined || ifRange.trim() === etag ? req.headers.range : undefined;
  const range = parseRange(header, length);
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${length}`);
    throw new AppError('RANGE_NOT_SATISFIABLE', `The Range lies outside the ${length} bytes of this representation.`);
  }
  return range;
}

/** Status, Content-Length and Content-Range of a single-part answer carrying `range` of `length` bytes (or all of them). */
export function setRangeHeaders(res: Response, range: ByteSpan | undefined, length: number): void {
  res.status(range ? 206 : 200);
  res.setHeader('Content-Length', String(range ? range.end - range.start : length));
  if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.end - 1}/${length}`);
}

/**
 * A single `bytes=first-last`, `bytes=first-` or `bytes=-suffix` range (RFC 9110 14.1.2).
 * Anything else (several ranges, other units, malformed) is ignored and the whole value is sent,
 * as RFC 9110 14.2 allows.
 *
 * Not Express's `req.range()`: its range-parser 1.3 answers -1 ("unsatisfiable", so 416) where
 * RFC 9110 14.1.2 says otherwise, for a suffix longer than the value (`bytes=-200` of 100 bytes is
 * all of it; fixed in range-parser 2, jshttp/range-parser#66, which needs Node 22) and for a last
 * position before the first (`bytes=9-5` is invalid, so ignored). Its -1 also drops the unit, and
 * it keeps one range of several. Fixing that up around it would take a second parser.
 */
export function parseRange(header: string | undefined, length: number): ByteSpan | 'unsatisfiable' | undefined {
  const match = header?.trim().match(/^bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)$/i);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || length === 0 ? 'unsatisfiable' : { start: Math.max(0, length - suffix), end: length };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= length) return 'unsatisfiable';
  return { start, end: last === '' ? length : Math.min(length, Number(last) + 1) };
}
