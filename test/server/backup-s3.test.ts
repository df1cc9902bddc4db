import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCheckFindsNothing, expectSameBytes, indexedInstances, runPacs, storeSeries } from '../helpers/backup-cli';
import { realS3Env, startRealS3, type RealS3 } from '../helpers/real-s3';
import { freshBucketName } from '../helpers/s3-server';
import { startTestArchive, testArchiveEnv, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * `pacs backup` of an archive on a real S3 server (OpenStack Swift's s3api, ../shared/s3), into a
 * folder and into another bucket under a prefix; `pacs restore` of each into a fresh bucket.
 */
describe('backup and restore of an archive on S3', () => {
  let s3: RealS3;
  let liveEnv: Record<string, string>;
  let live: TestArchive;
  let dir: string;
  const studies = new Map<string, string[]>();

  beforeAll(async () => {
    s3 = await startRealS3();
    dir = await makeTempDir('backup-s3');
    const s3Env = realS3Env(s3);
    live = await startTestArchive(s3Env);
    liveEnv = { ...testArchiveEnv(live.dataDir), ...s3Env };
    for (const seed of ['s3-a', 's3-b']) {
      const { studyUid, sopUids } = await storeSeries(live, 8, seed);
      studies.set(studyUid, sopUids);
    }
  });

  afterAll(async () => {
    await live?.stop();
    await removeTempDir(dir);
  });

  /** Restores `from` into a fresh data dir and bucket, starts an archive on them and compares it with the live one. */
  async function expectRestores(from: string): Promise<void> {
    const dataDir = path.join(dir, `restored-${freshBucketName()}`);
    const env = { ...testArchiveEnv(dataDir), ...realS3Env(s3) };
    const restore = await runPacs(['restore', from], env);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('16 of 16 objects');
    const restored = await startTestArchive({ ...env, PACS_DATA_DIR: dataDir });
    try {
      expect(await expectSameBytes(live, restored, studies)).toBe(16);
      expect(indexedInstances(restored).size).toBe(16);
      await expectCheckFindsNothing(env);
    } finally {
      await restored.stop();
    }
  }

  it('into a folder', async () => {
    const backupDir = path.join(dir, 'backup');
    const backup = await runPacs(['backup', backupDir], liveEnv);
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toContain('16 objects');
    expect(backup.stdout).toContain('16 copied, 0 hard-linked, 0 kept');
    await expectRestores(backupDir);
  });

  it('into another bucket under a prefix, incrementally', async () => {
    const target = `s3://${freshBucketName()}/nightly/pacs`;
    const first = await runPacs(['backup', target], liveEnv);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('16 copied, 0 hard-linked, 0 kept');
    const second = await runPacs(['backup', target], liveEnv);
    expect(second.stdout).toContain('0 copied, 0 hard-linked, 16 kept');
    await expectRestores(target);
  });
});
