import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Debian command-line tools some tests use as reference implementations (GDCM's gdcmconv,
 * OpenJPEG's opj_decompress). CI runs on a clean machine as root: a missing tool is installed
 * with apt-get, once per test process.
 */
const checked = new Set<string>();

export function ensureDebianTool(binary: string, debianPackage: string): void {
  if (checked.has(binary) || onPath(binary)) {
    checked.add(binary);
    return;
  }
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { stdio: 'pipe', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  // A fresh machine may not have the package lists yet.
  if (install().status !== 0) {
    execFileSync('apt-get', ['update'], { stdio: 'pipe' });
    const second = install();
    if (second.status !== 0) throw new Error(`apt-get install ${debianPackage} failed: ${second.stderr.toString().slice(-500)}`);
  }
  if (!onPath(binary)) throw new Error(`${debianPackage} is installed but ${binary} is not on the PATH`);
  checked.add(binary);
}

function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}
