import { startS3Server, freshBucketName } from './s3-server';
import { startTestArchive, type TestArchive } from './start-app';

export const BACKENDS = ['fs', 's3'] as const;
export type Backend = (typeof BACKENDS)[number];

/**
 * Starts the archive on the given storage backend: `fs` in a fresh folder, `s3` against a real
 * S3-compatible server (s3rver) on loopback with a fresh bucket, started here.
 */
export async function startArchiveOn(backend: Backend, env: Record<string, string> = {}): Promise<TestArchive> {
  if (backend === 'fs') return startTestArchive(env);
  const s3 = await startS3Server();
  try {
    const archive = await startTestArchive({
      PACS_STORAGE: 's3',
      PACS_S3_ENDPOINT: s3.endPoint,
      PACS_S3_PORT: String(s3.port),
      PACS_S3_USE_SSL: 'false',
      PACS_S3_ACCESS_KEY: s3.accessKey,
      PACS_S3_SECRET_KEY: s3.secretKey,
      PACS_S3_BUCKET: freshBucketName(),
      PACS_S3_REGION: s3.region,
      ...env,
    });
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

/** Every key in the archive's object storage. */
export async function storedKeys(archive: TestArchive): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of archive.blobStore.list('v1/')) keys.push(key);
  return keys.sort();
}
