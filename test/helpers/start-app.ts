import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config';
import { createLogger, type Logger } from '../../server/logger';
import { startArchive, type RunningArchive } from '../../server/start-archive';
import { basicAuthorization, signedInFetch, type ArchiveClient, type ArchiveFetch } from './signed-in-fetch';

/** The admin account every test archive starts with. */
export const TEST_ADMIN = { username: 'admin', password: 'test-admin-password' } as const;

export interface TestArchive extends RunningArchive, ArchiveClient {
  dataDir: string;
  /** `Authorization` header value of the test admin (HTTP Basic). */
  adminAuthorization: string;
  /**
   * fetch() signed in as the test admin (see signed-in-fetch.ts); a request with its own
   * Authorization or Cookie header goes as that principal. A request with no credentials at all
   * is a plain fetch().
   */
  fetch: ArchiveFetch;
  stop(): Promise<void>;
}

/**
 * What every test archive runs with, in process or as a process: its data folder, quiet logs,
 * a free DIMSE port (not 11112: test archives run side by side) and the admin TEST_ADMIN.
 */
export function testArchiveEnv(dataDir: string): Record<string, string> {
  return {
    PACS_DATA_DIR: dataDir,
    PACS_LOG_LEVEL: 'error',
    PACS_DIMSE_PORT: '0',
    PACS_ADMIN_USER: TEST_ADMIN.username,
    PACS_ADMIN_PASSWORD: TEST_ADMIN.password,
  };
}

/**
 * Starts the real server on a loopback port 0 with a fresh data folder (and so a fresh SQLite
 * file) and the admin account TEST_ADMIN. `env` adds PACS_* variables, e.g. S3 settings from
 * `startS3Server`, or a PACS_DATA_DIR of the test's own; `logger` hears what the archive logs.
 * Every request says who makes it: `archive.fetch()` as that admin, plain fetch() with its own
 * credentials or none.
 */
export async function startTestArchive(env: Record<string, string> = {}, logger: Logger = createLogger('error')): Promise<TestArchive> {
  const dataDir = env.PACS_DATA_DIR ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'pacs-test-')));
  const config = loadConfig({ ...testArchiveEnv(dataDir), PACS_PORT: '0', ...env });
  const archive = await startArchive(config, logger);
  const adminAuthorization = basicAuthorization(TEST_ADMIN.username, TEST_ADMIN.password);
  return Object.assign(archive, {
    dicomWeb: `${archive.url}/dicom-web`,
    dataDir,
    adminAuthorization,
    fetch: signedInFetch(archive.url, adminAuthorization),
    stop: async () => {
      await archive.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  });
}
