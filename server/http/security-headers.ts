import type { NextFunction, Request, Response } from 'express';

/**
 * Headers on every response. The Content-Security-Policy lets the viewer run only its own
 * scripts, its WebAssembly codecs ('wasm-unsafe-eval') and its decode worker; nothing may frame
 * the archive (clickjacking); and no Referer ever leaves, so a share token or a study UID in a
 * URL cannot leak to another site.
 */
export function securityHeaders(connectOrigins: readonly string[], https: boolean) {
  const csp = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${connectOrigins.map((o) => ` ${o}`).join('')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    // Behind https (PACS_PUBLIC_URL), browsers must never fall back to plain http for a year.
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    next();
  };
}
