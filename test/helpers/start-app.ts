import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startArchive, type RunningArchive } from '../../server/start-archive';
import { basicAuthorization, forgetOrigin, signInFetchesTo } from './archive-credentials';

/** The admin account every test archive starts with. */
export const TEST_ADMIN = { username: 'admin', password: 'test-admin-password' } as const;

export interface TestArchive extends RunningArchive {
  /** `${url}/dicom-web` */
  dicomWeb: string;
  dataDir: string;
  /** `Authorization` header value of the test admin (HTTP Basic). */
  adminAuthorization: string;
  stop(): Promise<void>;
}

/**
 * Starts the real server on a loopback port 0 with a fresh data folder (and so a fresh SQLite
 * file) and the admin account TEST_ADMIN. `env` adds PACS_* variables, e.g. S3 settings from
 * `startS3Server`. Unless `anonymous` is set, fetch() calls to it are made as that admin (see
 * archive-credentials.ts); access-control tests pass `{ anonymous: true }` and authenticate
 * explicitly.
 */
export async function startTestArchive(env: Record<string, string> = {}, options: { anonymous?: boolean } = {}): Promise<TestArchive> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pacs-test-'));
  const config = loadConfig({
    PACS_PORT: '0',
    PACS_DATA_DIR: dataDir,
    PACS_LOG_LEVEL: 'error',
    PACS_ADMIN_USER: TEST_ADMIN.username,
    PACS_ADMIN_PASSWORD: TEST_ADMIN.password,
    ...env,
  });
  const archive = await startArchive(config, createLogger('error'));
  const adminAuthorization = basicAuthorization(TEST_ADMIN.username, TEST_ADMIN.password);
  const origin = new URL(archive.url).origin;
  if (!options.anonymous) signInFetchesTo(origin, adminAuthorization);
  return Object.assign(archive, {
    dicomWeb: `${archive.url}/dicom-web`,
    dataDir,
    adminAuthorization,
    stop: async () => {
      forgetOrigin(origin);
      await archive.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  });
}
