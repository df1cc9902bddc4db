import type { NextFunction, Request, Response } from 'express';
import onHeaders from 'on-headers';

/**
 * Headers on every response, chosen when the response's headers go out, by what it is.
 *
 * A document a browser may render (the viewer's HTML, and HTML, XML, SVG or PDF from anywhere)
 * and a script (a worker runs under the policy its own script came with) get the full set: a Content-Security-Policy that lets the viewer run only its own scripts, its
 * WebAssembly codecs ('wasm-unsafe-eval') and its decode worker; nothing may frame the archive
 * (clickjacking); no Referer ever leaves, so a share token or a study UID in a URL cannot leak to
 * another site; and its own browsing-context group.
 *
 * Everything else (DICOM, frames, JSON, images, ZIP) is data that nosniff keeps from ever being
 * run as a document: `default-src 'none'; frame-ancestors 'none'` and nosniff are all it needs.
 * The other headers only act on documents, and over a 4 Mbit/s link their 340 bytes on each of
 * the 600 frame answers of a staged series cost half a second (README decision 45).
 */
export function securityHeaders(connectOrigins: readonly string[], https: boolean) {
  const documentCsp = [
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
    onHeaders(res, function (this: Response) {
      this.setHeader('X-Content-Type-Options', 'nosniff');
      // Behind https (PACS_PUBLIC_URL), browsers must never fall back to plain http for a year.
      if (https) this.setHeader('Strict-Transport-Security', 'max-age=31536000');
      if (!isDocument(this.getHeader('Content-Type'))) {
        this.setHeader('Content-Security-Policy', DATA_CSP);
        return;
      }
      this.setHeader('Content-Security-Policy', documentCsp);
      this.setHeader('X-Frame-Options', 'DENY');
      this.setHeader('Referrer-Policy', 'no-referrer');
      this.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    });
    next();
  };
}

export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Media types a browser renders as a page or runs as a script; an answer without one counts too. */
const DOCUMENT_TYPE =
  /^\s*(?:text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|application\/pdf|text\/javascript|application\/javascript)\s*(?:;|$)/i;

function isDocument(contentType: number | string | string[] | undefined): boolean {
  if (contentType === undefined) return true;
  return DOCUMENT_TYPE.test(String(contentType));
}
