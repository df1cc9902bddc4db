import { chromium, type Browser } from 'playwright-core';
import { ensureDebianTool } from './debian-tools';

/**
 * Debian's Chromium driven by playwright-core (no browser download: the test installs the
 * Debian package when it is missing). The flags keep a headless root run from reaching for
 * Google's services, which this network refuses.
 */
export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  ensureDebianTool('chromium', 'chromium');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
