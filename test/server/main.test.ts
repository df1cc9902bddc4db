import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEntryPoint } from '../helpers/run-entry-point';

/** Runs `server/main.ts` (what `npm start` runs) as a real process. */
const runMain = (env: Record<string, string>, untilLine?: RegExp) => runEntryPoint('server/main.ts', [], env, { untilLine });

describe('npm start (server/main.ts)', () => {
  it('starts on the embedded defaults, prints the URL it listens on, and stops cleanly on SIGTERM', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pacs-main-'));
    try {
      const { code, stdout } = await runMain({ PACS_PORT: '0', PACS_DIMSE_PORT: '0', PACS_DATA_DIR: dataDir }, /listening on/);
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
