import { gzip } from 'node:zlib';
import type { Request, Response } from 'express';
import { DICOM_JSON } from '../../shared/dicomweb/media-types';
import { cacheControlFor, matchesIfNoneMatch } from './cache-policy';

/** Bodies smaller than this are sent as they are: gzip would not pay for its headers. */
const GZIP_MIN_BYTES = 1024;

/**
 * Sends a DICOM JSON body (PS3.18 8.7.2): gzip when the client accepts it (a 300-instance series
 * is ~1.5 MB of JSON that compresses ~15×, which matters on a district hospital's link), and, when
 * an `etag` is given, `304 Not Modified` to a matching `If-None-Match`. Compression runs on the
 * thread pool, never on the event loop.
 */
export function sendDicomJson(req: Request, res: Response, body: string, options: { status?: number; etag?: string } = {}): void {
  res.type(DICOM_JSON);
  if (options.etag !== undefined) {
    res.setHeader('ETag', options.etag);
    // Patient data: private caches only, always revalidated, and never kept for a share's guest.
    res.setHeader('Cache-Control', cacheControlFor(res, 'revalidate'));
    if (matchesIfNoneMatch(req.headers['if-none-match'], options.etag)) {
      res.status(304).end();
      return;
    }
  }
  res.status(options.status ?? 200);
  res.append('Vary', 'Accept-Encoding');
  if (body.length < GZIP_MIN_BYTES || !acceptsGzip(req.headers['accept-encoding'])) {
    res.send(body);
    return;
  }
  gzip(Buffer.from(body, 'utf8'), (error, compressed) => {
    if (error) {
      res.send(body);
      return;
    }
    res.setHeader('Content-Encoding', 'gzip');
    res.send(compressed);
  });
}

/** RFC 9110 8.4: gzip (or *) listed with a non-zero weight. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((entry) => {
    const [coding = '', ...params] = entry.split(';').map((p) => p.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
