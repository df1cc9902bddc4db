import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeCompressedSiblings } from './precompress';
import { REPO_ROOT, VIEWER_DIST } from './viewer-paths';

/** Written into the build when it starts: sources changed after this are not in it. */
const STAMP = '.build-stamp';
/** What the build is made from. */
const SOURCES = [
  'viewer',
  'shared',
  'vite.config.ts',
  'package-lock.json',
  'server/viewer/build-viewer.ts',
  'server/viewer/precompress.ts',
];
const LOCK = path.join(REPO_ROOT, 'dist', '.viewer-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

function newestMtime(entry: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows only as a newer directory
  for (const name of fs.readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

/** True when dist/viewer exists and no source is newer than the start of its build. */
export function viewerBuildIsCurrent(distDir: string = VIEWER_DIST): boolean {
  let built: number;
  try {
    built = Number(fs.readFileSync(path.join(distDir, STAMP), 'utf8'));
    fs.statSync(path.join(distDir, 'index.html'));
  } catch {
    return false;
  }
  const newest = Math.max(...SOURCES.map((s) => newestMtime(path.join(REPO_ROOT, s))));
  return Number.isFinite(built) && newest <= built;
}

/**
 * Builds the viewer with `vite build` into a fresh folder, writes the `.br`/`.gz` siblings the
 * server sends (serve-precompressed.ts), then swaps it in, so a server running
 * meanwhile never serves an index.html whose assets are half written. Several processes (parallel
 * test runs, `npm start`) may ask at once: a lock folder lets one build while the others wait.
 */
export function buildViewer(distDir: string = VIEWER_DIST): void {
  const started = Date.now();
  const staging = `${distDir}.staging-${process.pid}`;
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const run = spawnSync(process.execPath, [vite, 'build', '--outDir', staging, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`vite build failed (exit ${run.status ?? run.signal})`);
  }
  writeCompressedSiblings(staging);
  fs.writeFileSync(path.join(staging, STAMP), String(started));
  const old = `${distDir}.old-${process.pid}`;
  if (fs.existsSync(distDir)) fs.renameSync(distDir, old);
  fs.renameSync(staging, distDir);
  fs.rmSync(old, { recursive: true, force: true });
}

/** Builds the viewer unless the build is current; returns whether it built. */
export function buildViewerIfNeeded(distDir: string = VIEWER_DIST): boolean {
  if (viewerBuildIsCurrent(distDir)) return false;
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  acquireLock();
  try {
    if (viewerBuildIsCurrent(distDir)) return false; // built by whoever held the lock
    buildViewer(distDir);
    return true;
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

function acquireLock(): void {
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // released meanwhile
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
}

// `tsx server/viewer/build-viewer.ts [--if-needed]`: the build:viewer and start scripts.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const ifNeeded = process.argv.includes('--if-needed');
  if (ifNeeded) {
    if (!buildViewerIfNeeded()) console.log('viewer build is up to date');
  } else {
    fs.mkdirSync(path.dirname(LOCK), { recursive: true });
    acquireLock();
    try {
      buildViewer();
    } finally {
      fs.rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
