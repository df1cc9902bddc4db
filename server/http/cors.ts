import type { NextFunction, Request, Response } from 'express';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOWED_HEADERS = 'Accept, Accept-Encoding, Authorization, Content-Type, If-None-Match, If-Range, Range, X-CSRF-Token, X-Share-PIN';
/** Response headers a viewer on another origin needs to read (paging warning, caching, parts). */
const EXPOSED_HEADERS = 'Content-Length, Content-Location, Content-Range, ETag, Warning, X-Request-Id';

/**
 * CORS for the configured origins only (off when the list is empty), so that a viewer served
 * from another site (e.g. OHIF) can use the archive; any other origin gets no CORS headers and
 * the browser keeps its page out. Preflight requests are answered here with 204.
 */
export function cors(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (allowed.size === 0 || origin === undefined) return next();
    res.append('Vary', 'Origin');
    if (!allowed.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
