import { execFileSync, spawnSync } from 'node:child_process';
import { onPath, TEST_TOOLS, type TestTool } from '../helpers/debian-tools';

/**
 * `npm run test:tools`, the first step of `npm test`: says which Debian tool each test needs and
 * why, and installs the missing ones with one apt-get run (CI runs as root on a clean machine).
 * The tests themselves never install anything.
 */
function main(): void {
  const missing: TestTool[] = [];
  console.log('Debian tools the tests use (test/helpers/debian-tools.ts):');
  for (const [binary, { debianPackage, usedFor }] of Object.entries(TEST_TOOLS) as Array<[TestTool, (typeof TEST_TOOLS)[TestTool]]>) {
    const present = onPath(binary);
    if (!present) missing.push(binary);
    console.log(`  ${binary.padEnd(15)} ${(present ? 'present' : `installing ${debianPackage}`).padEnd(30)} ${usedFor}`);
  }
  if (missing.length === 0) return;

  const packages = [...new Set(missing.flatMap((binary) => TEST_TOOLS[binary].debianPackage.split(' ')))];
  installDebianPackages(packages);
  const stillMissing = missing.filter((binary) => !onPath(binary));
  if (stillMissing.length > 0) throw new Error(`installed ${packages.join(' ')}, but ${stillMissing.join(', ')} is still not on the PATH`);
}

function installDebianPackages(packages: string[]): void {
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', ...packages], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  if (install().status === 0) return;
  // A fresh machine may not have the package lists yet.
  console.log('  apt-get update (the package lists may be missing)');
  execFileSync('apt-get', ['update'], { stdio: 'ignore' });
  const second = install();
  if (second.status !== 0) {
    const reason = second.error?.message ?? second.stderr.toString().slice(-500);
    throw new Error(`apt-get install ${packages.join(' ')} failed (it needs root and Debian): ${reason}`);
  }
}

try {
  main();
} catch (error) {
  console.error(`npm run test:tools: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
