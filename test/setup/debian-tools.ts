import { ensureDebianTools, TEST_TOOLS } from '../helpers/debian-tools';

/** vitest globalSetup: the Debian tools tests compare against, installed once before any test file runs. */
export default function setup(): void {
  ensureDebianTools(TEST_TOOLS);
}
