import { defineConfig } from 'vitest/config';

// One config for the viewer build (root: viewer/) and the test runner.
export default defineConfig({
  root: 'viewer',
  // The screens are split by route (viewer/src/app/routes.ts); cornerstone-tools (imaging/load-measurement-tools.ts),
  // dcmjs (tag browser) and the codecs (decode worker) are chunks of their own, loaded after or without the first image.
  // build-viewer.ts writes .br/.gz beside each file; server/viewer/serve-precompressed.ts sends them.
  // Our own modules that several screens share go into one chunk, not a dozen tiny ones: the viewer
  // page asked for about fifteen files at once over the browser's six connections to the archive.
  build: {
    outDir: '../dist/viewer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      output: { codeSplitting: { groups: [{ name: 'app-shared', test: /\/viewer\/src\//, minShareCount: 2 }] } },
    },
  },
  test: {
    root: '.',
    include: ['test/**/*.test.ts', 'server/**/*.test.ts', 'shared/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/setup/viewer-build.ts'],
  },
});
