import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startArchive, type RunningArchive } from '../../server/start-archive';

export interface TestArchive extends RunningArchive {
  /** `${url}/dicom-web` */
  dicomWeb: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the real server on a loopback port 0 with a fresh data folder (and so a fresh SQLite
 * file). `env` adds PACS_* variables, e.g. S3 settings from `startS3Server`.
 */
export async function startTestArchive(env: Record<string, string> = {}): Promise<TestArchive> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pacs-test-'));
  const config = loadConfig({ PACS_PORT: '0', PACS_DATA_DIR: dataDir, PACS_LOG_LEVEL: 'error', ...env });
  const archive = await startArchive(config, createLogger('error'));
  return Object.assign(archive, {
    dicomWeb: `${archive.url}/dicom-web`,
    dataDir,
    stop: async () => {
      await archive.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  });
}
