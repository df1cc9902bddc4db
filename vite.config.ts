import { defineConfig } from 'vitest/config';

// One config for the viewer build (root: viewer/) and the test runner.
export default defineConfig({
  root: 'viewer',
  build: { outDir: '../dist/viewer', emptyOutDir: true },
  test: {
    root: '.',
    include: ['test/**/*.test.ts', 'server/**/*.test.ts', 'shared/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/setup/debian-tools.ts'],
  },
});
