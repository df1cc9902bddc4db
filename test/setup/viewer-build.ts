import { buildViewerIfNeeded } from '../../server/viewer/build-viewer';

/**
 * vitest globalSetup: builds the viewer once (skipped when up to date), so every e2e test's
 * server serves it. A failed build is reported but does not stop the server tests; the e2e tests
 * then fail on the 503 "not built" page.
 */
export default function setup(): void {
  try {
    buildViewerIfNeeded();
  } catch (error) {
    console.error(`\nThe viewer could not be built; e2e tests will fail: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
