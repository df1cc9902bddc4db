import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Debian command-line tools some tests use as reference implementations (GDCM's gdcmconv,
 * DCMTK's dcmconv, OpenJPEG's opj_decompress) or to read what we produce (unzip, and Chromium for the viewer's end-to-end tests). CI runs on a
 * clean machine as root: the vitest global setup (test/setup/debian-tools.ts) installs the
 * missing ones with one apt-get run before any test starts, so parallel test files never race
 * for the dpkg lock; `ensureDebianTool` is the per-use check (and the fallback for a single file
 * run on its own).
 */
export const TEST_TOOLS: ReadonlyArray<readonly [binary: string, debianPackage: string]> = [
  ['gdcmconv', 'libgdcm-tools'],
  ['dcmconv', 'dcmtk'],
  ['opj_decompress', 'libopenjp2-tools'],
  ['unzip', 'unzip'],
  ['chromium', 'chromium'],
];

const checked = new Set<string>();

export function ensureDebianTool(binary: string, debianPackage: string): void {
  if (checked.has(binary) || onPath(binary)) {
    checked.add(binary);
    return;
  }
  installDebianPackages([debianPackage]);
  if (!onPath(binary)) throw new Error(`${debianPackage} is installed but ${binary} is not on the PATH`);
  checked.add(binary);
}

/** Installs the packages of the tools in `tools` whose binary is missing. */
export function ensureDebianTools(tools: ReadonlyArray<readonly [string, string]>): void {
  const missing = tools.filter(([binary]) => !onPath(binary)).map(([, debianPackage]) => debianPackage);
  if (missing.length > 0) installDebianPackages(missing);
  for (const [binary, debianPackage] of tools) ensureDebianTool(binary, debianPackage);
}

function installDebianPackages(packages: string[]): void {
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', ...packages], {
      stdio: 'pipe',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  // A fresh machine may not have the package lists yet.
  if (install().status !== 0) {
    execFileSync('apt-get', ['update'], { stdio: 'pipe' });
    const second = install();
    if (second.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed: ${second.stderr.toString().slice(-500)}`);
  }
}

function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}
