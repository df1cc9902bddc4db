import { defineConfig } from 'vitest/config';

// One config for the viewer build (root: viewer/) and the test runner.
export default defineConfig({
  root: 'viewer',
  // cornerstone is one large chunk by nature; the screens are split by route (viewer/src/app/routes.ts).
  build: { outDir: '../dist/viewer', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2048 },
  test: {
    root: '.',
    include: ['test/**/*.test.ts', 'server/**/*.test.ts', 'shared/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/setup/viewer-build.ts'],
  },
});
