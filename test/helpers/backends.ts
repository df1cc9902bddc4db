import { realS3Env, removeBucket, startRealS3 } from './real-s3';
import { startS3Server } from './s3-server';
import { startTestArchive, type TestArchive } from './start-app';

/**
 * The storage backends the round-trip tests run on: a local folder and a real S3 server
 * (OpenStack Swift's s3api, ../shared/s3). `FAST_BACKENDS` puts s3rver, the fake, in its place
 * for the files whose many S3 round trips it makes several times faster.
 */
export const BACKENDS = ['fs', 's3'] as const;
export const FAST_BACKENDS = ['fs', 's3rver'] as const;
export type Backend = 'fs' | 's3' | 's3rver';

/**
 * Starts the archive on the given storage backend, with a fresh folder, and for S3 a fresh
 * bucket: `s3` on the real S3 server all tests share (its bucket emptied and removed at stop),
 * `s3rver` on an s3rver of its own started here.
 */
export async function startArchiveOn(backend: Backend, env: Record<string, string> = {}): Promise<TestArchive> {
  if (backend === 'fs') return startTestArchive(env);
  if (backend === 's3') return startOnRealS3(env);
  const s3 = await startS3Server();
  try {
    const archive = await startTestArchive({ ...realS3Env(s3), ...env });
    const stop = archive.stop;
    archive.stop = async () => {
      await stop();
      await s3.stop();
    };
    return archive;
  } catch (error) {
    await s3.stop();
    throw error;
  }
}

async function startOnRealS3(env: Record<string, string>): Promise<TestArchive> {
  const s3 = await startRealS3();
  const s3Env = realS3Env(s3);
  const bucket = s3Env.PACS_S3_BUCKET!;
  const archive = await startTestArchive({ ...s3Env, ...env });
  const stop = archive.stop;
  archive.stop = async () => {
    await stop();
    await removeBucket(s3, bucket);
  };
  return archive;
}

/** Every key in the archive's object storage. */
export async function storedKeys(archive: TestArchive): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of archive.blobStore.list('v1/')) keys.push(key);
  return keys.sort();
}
