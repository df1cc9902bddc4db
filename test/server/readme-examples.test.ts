import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/debian-tools';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The README's curl examples, run as written (only the base URL and the output file differ). */
describe('README curl examples', () => {
  let archive: TestArchive;
  let outDir: string;
  beforeAll(async () => {
    archive = await startTestArchive();
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacs-readme-'));
  });
  afterAll(async () => {
    await archive?.stop();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('store, search, retrieve and delete work', async () => {
    requireTool('curl');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('```sh\nBASE=');
    expect(start).toBeGreaterThan(0);
    const script = readme
      .slice(start + '```sh\n'.length, readme.indexOf('```', start + 6))
      .replace('BASE=http://127.0.0.1:8080/dicom-web', `BASE=${archive.dicomWeb}`)
      .replace("AUTH='admin:your-password'", `AUTH='${TEST_ADMIN.username}:${TEST_ADMIN.password}'`)
      .replace('-o study.multipart', `-o ${path.join(outDir, 'study.multipart')}`);
    // Asynchronous: the archive answering curl runs in this very process.
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, encoding: 'utf8' });
    const lines = stdout.trim().split('\n');
    const [stored, byDate, byName, series] = lines.slice(0, 4).map((line) => JSON.parse(line) as unknown);
    const metadata = lines[4]; // the first 600 bytes, as the README prints them
    expect((stored as Record<string, { Value: unknown[] }>)['00081199']?.Value).toHaveLength(1);
    expect(byDate).toHaveLength(1);
    expect(byName).toHaveLength(1);
    expect(series).toHaveLength(1);
    expect(metadata).toMatch(/^\[\{"0008/);
    expect(lines.at(-1)).toBe('204');
    expect(fs.statSync(path.join(outDir, 'study.multipart')).size).toBeGreaterThan(526_000);
  });
});
