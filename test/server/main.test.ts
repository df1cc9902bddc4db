import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `server/main.ts` (what `npm start` runs) as a real process. */
function runMain(env: Record<string, string>, untilLine?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (untilLine?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start (server/main.ts)', () => {
  it('starts on the embedded defaults, prints the URL it listens on, and stops cleanly on SIGTERM', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pacs-main-'));
    try {
      const { code, stdout } = await runMain({ PACS_PORT: '0', PACS_DATA_DIR: dataDir }, /listening on/);
      expect(stdout).toMatch(/PACS archive listening on http:\/\/127\.0\.0\.1:\d+ /);
      expect(code).toBe(0);
      expect((await fs.readdir(dataDir)).sort()).toEqual(expect.arrayContaining(['index.sqlite', 'objects']));
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with bad configuration and names every bad variable', async () => {
    const { code, stdout, stderr } = await runMain({ PACS_PORT: 'eighty', PACS_STORAGE: 'tape', PACS_LOG_LEVEL: 'loud' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    for (const name of ['PACS_PORT', 'PACS_STORAGE', 'PACS_LOG_LEVEL']) expect(stderr).toContain(name);
  });
});
