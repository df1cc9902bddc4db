import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { REPO_ROOT } from './viewer/viewer-paths';

/** Where `npm start` runs the archive from: main.js and the codec pool's codec-worker.js. */
export const SERVER_DIST = path.join(REPO_ROOT, 'dist', 'server');

const ENTRY_POINTS = { main: 'server/main.ts', 'codec-worker': 'server/codecs/codec-worker.ts' };

/**
 * Compiles the archive to JavaScript for `npm start`: the server then runs on plain Node instead
 * of through tsx, whose loader thread and compiled-module cache cost ~60 MB of resident memory
 * for as long as the archive runs. One bundle per entry point, packages left to node_modules,
 * line numbers kept by a source map beside it (`node --enable-source-maps`). It takes well under
 * a second, so it runs on every start and is never stale. Each file is written beside its final
 * name and renamed into place, so an archive starting at the same time never reads half a file.
 */
export function buildServer(outDir: string = SERVER_DIST): void {
  const result = buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: ENTRY_POINTS,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    logLevel: 'warning',
  });
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of result.outputFiles) {
    const staging = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(staging, file.contents);
    fs.renameSync(staging, file.path);
  }
}

// `tsx server/build-server.ts`: the start script.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  try {
    buildServer();
  } catch (error) {
    console.error('The server could not be built:', error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
