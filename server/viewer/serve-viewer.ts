import fs from 'node:fs/promises';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { APP_PATHS } from '../../shared/app-paths';
import { compressedSibling, servePrecompressed } from './serve-precompressed';
import { VIEWER_DIST } from './viewer-paths';

/** One year: Vite names everything under assets/ by content hash, so a changed file is a new URL. */
const HASHED_MAX_AGE = 365 * 24 * 3600;

/**
 * Serves the built viewer: `index.html` (no-cache, so a rebuild is picked up at once) for the app
 * paths, and the static files of the build. Mounted after /dicom-web and /wado, and it answers only
 * GET/HEAD of the app paths and of files that exist, so the archive's routes are never shadowed.
 */
export function serveViewer(distDir: string = VIEWER_DIST): Router {
  const router = express.Router();
  const sendIndex = async (req: Request, res: Response, next: NextFunction) => {
    const index = path.join(distDir, 'index.html');
    let html: Buffer;
    try {
      const sibling = await compressedSibling(index, req.headers['accept-encoding']);
      html = await fs.readFile(sibling?.file ?? index);
      res.vary('Accept-Encoding');
      if (sibling) res.setHeader('Content-Encoding', sibling.coding);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return next(error);
      res.status(503).setHeader('Cache-Control', 'no-store');
      res.type('html').send(NOT_BUILT_PAGE);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html);
  };
  for (const appPath of APP_PATHS) router.get(appPath, sendIndex);
  const hashed = { immutable: true, maxAge: HASHED_MAX_AGE * 1000 };
  // The .br/.gz siblings written by the build when the client accepts them, else the file itself.
  router.use(
    '/assets',
    servePrecompressed(path.join(distDir, 'assets'), hashed),
    express.static(path.join(distDir, 'assets'), { index: false, ...hashed }),
  );
  // Unhashed files of the build (favicon, public/): revalidated each time.
  router.use(
    express.static(distDir, {
      index: false,
      cacheControl: true,
      maxAge: 0,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  // A browser asking for a page the app does not have gets the app (404), which says so in the
  // user's language; API clients and everything under the archive's own paths keep the JSON 404.
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (/^\/(api|dicom-web|wado|assets)(\/|$)/.test(req.path) || req.accepts(['json', 'html']) !== 'html') return next();
    res.status(404);
    void sendIndex(req, res, next);
  });
  return router;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Viewer not built</title></head>
<body style="font-family: system-ui, sans-serif; background: #0b0d10; color: #d6dbe1; padding: 2em">
<h1>The viewer is not built</h1>
<p>The archive is running (DICOMweb API at <code>/dicom-web</code>), but the browser viewer has not been built yet.
Run <code>npm run build:viewer</code> (or start the server with <code>npm start</code>, which builds it when needed), then reload this page.</p>
</body></html>
`;
