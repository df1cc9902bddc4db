import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is server/viewer/viewer-paths.ts). */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Where `vite build` (vite.config.ts) writes the viewer. */
export const VIEWER_DIST = path.join(REPO_ROOT, 'dist', 'viewer');
