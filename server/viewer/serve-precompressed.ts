import fs from 'node:fs/promises';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { CODINGS, type Coding } from './precompress';

/**
 * The codings of CODINGS the client accepts, best first, by q-value (RFC 9110 12.5.3) and then
 * the server's order (brotli before gzip). `*` stands for any coding not named. A coding is left
 * out when the client ranks `identity` at least as high.
 */
export function acceptedCodings(acceptEncoding: string | undefined): Coding[] {
  const q = new Map<string, number>();
  for (const entry of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = entry.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const identity = q.get('identity') ?? 0; // acceptable anyway; ranked last unless named
  return CODINGS.map(({ coding }) => ({ coding, q: q.get(coding) ?? q.get('*') ?? 0 }))
    .filter((c) => c.q > 0 && c.q > identity)
    .sort((a, b) => b.q - a.q)
    .map((c) => c.coding);
}

const SUFFIX: Record<Coding, string> = Object.fromEntries(CODINGS.map((c) => [c.coding, c.suffix])) as Record<Coding, string>;

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The first sibling (`file.br`, `file.gz`) written by writeCompressedSiblings that the client accepts. */
export async function compressedSibling(
  file: string,
  acceptEncoding: string | undefined,
): Promise<{ coding: Coding; file: string } | undefined> {
  for (const coding of acceptedCodings(acceptEncoding)) {
    if (await isFile(file + SUFFIX[coding])) return { coding, file: file + SUFFIX[coding] };
  }
  return undefined;
}

/**
 * Answers GET/HEAD of a file under `root` with its pre-compressed sibling when the client accepts
 * one; otherwise passes on (to express.static, which sends the file itself). `res.sendFile` (the
 * `send` package, as express.static) gives Content-Length, ETag, conditional requests and Range
 * on the compressed bytes, which is what a Range means once Content-Encoding is set (RFC 9110 14.1.2).
 *
 * Hand-written rather than express-static-gzip 3: that one lists the siblings once when the server
 * starts (a build swapped in later, as build-viewer does, would be served uncompressed), and its
 * brotli preference overrides the client's q-values.
 */
export function servePrecompressed(root: string, options: { maxAge: number; immutable: boolean }): RequestHandler {
  const base = path.resolve(root);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let file: string;
    try {
      file = path.resolve(base, `.${decodeURIComponent(req.path)}`);
    } catch {
      return next();
    }
    if (!file.startsWith(base + path.sep) || file.includes('\0')) return next();
    res.vary('Accept-Encoding');
    void (async () => {
      const sibling = (await isFile(file)) ? await compressedSibling(file, req.headers['accept-encoding']) : undefined;
      if (!sibling) return next();
      res.setHeader('Content-Encoding', sibling.coding);
      res.type(path.extname(file)); // of the file, not of .br
      res.sendFile(sibling.file, options, (error?: NodeJS.ErrnoException) => {
        if (!error || res.headersSent) return;
        res.removeHeader('Content-Encoding');
        res.removeHeader('Content-Type');
        // Gone meanwhile (a rebuild swapped the folder): let express.static answer.
        if (error.code === 'ENOENT') next();
        else next(error);
      });
    })().catch(next);
  };
}
