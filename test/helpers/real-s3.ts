import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from 'minio';
import type { S3StorageConfig } from '../../server/storage/minio-blob-store';
import { requireTool } from './debian-tools';
import { freshBucketName } from './s3-server';

const run = promisify(execFile);

/** The team's starter of a real S3 server: OpenStack Swift with its s3api, from Debian (../shared/s3/README.md). */
const START_REAL_S3 = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/s3/start-real-s3.sh');

export interface RealS3 {
  endPoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  region: string;
  useSSL: false;
  /** The instance's folder (S3_DIR): `undefined` for the one all tests share. */
  dir: string | undefined;
}

/**
 * A real S3 server on loopback. Without `dir`, the one instance every test file shares (the
 * script is idempotent and serialises concurrent starts); tests keep out of each other's way
 * with a fresh bucket each. With `dir`, an instance of its own that the test may stop and start
 * again (an outage) without disturbing the others.
 */
export async function startRealS3(dir?: string): Promise<RealS3> {
  requireTool('swift-proxy-server');
  const env = dir === undefined ? process.env : { ...process.env, S3_DIR: dir, S3_PORT: '' };
  const { stdout } = await run(START_REAL_S3, [], { env, timeout: 120_000 });
  const line = stdout.trim().split('\n').pop() ?? '';
  const vars = Object.fromEntries(line.split(' ').map((pair) => pair.split('=', 2) as [string, string]));
  const port = Number(vars.S3_PORT);
  if (!vars.S3_ENDPOINT || !Number.isInteger(port) || !vars.S3_ACCESS_KEY || !vars.S3_SECRET_KEY) {
    throw new Error(`start-real-s3.sh printed no endpoint line: ${JSON.stringify(line)}`);
  }
  return {
    endPoint: vars.S3_ENDPOINT,
    port,
    accessKey: vars.S3_ACCESS_KEY,
    secretKey: vars.S3_SECRET_KEY,
    region: vars.S3_REGION ?? 'us-east-1',
    useSSL: false,
    dir,
  };
}

/** Stops an instance of its own (started with a `dir`); its data stay for a restart. */
export async function stopRealS3(s3: RealS3): Promise<void> {
  if (s3.dir === undefined) throw new Error('the shared real S3 server is never stopped by a test');
  await run(START_REAL_S3, ['stop'], { env: { ...process.env, S3_DIR: s3.dir }, timeout: 60_000 });
}

/** Where an S3 server on loopback answers: this one, or s3rver (s3-server.ts). */
export type S3Endpoint = Pick<RealS3, 'endPoint' | 'port' | 'accessKey' | 'secretKey' | 'region'>;

/** The archive's PACS_* variables for this server (or s3rver) and a fresh bucket (created by the archive at start). */
export function realS3Env(s3: S3Endpoint, bucket: string = freshBucketName()): Record<string, string> {
  return {
    PACS_STORAGE: 's3',
    PACS_S3_ENDPOINT: s3.endPoint,
    PACS_S3_PORT: String(s3.port),
    PACS_S3_USE_SSL: 'false',
    PACS_S3_ACCESS_KEY: s3.accessKey,
    PACS_S3_SECRET_KEY: s3.secretKey,
    PACS_S3_BUCKET: bucket,
    PACS_S3_REGION: s3.region,
  };
}

/** The archive's storage settings for an S3 server on loopback (this one or s3rver) and a bucket. */
export function s3StorageConfig(s3: S3Endpoint, bucket: string): S3StorageConfig {
  const { endPoint, port, accessKey, secretKey, region } = s3;
  return { kind: 's3', endPoint, port, useSSL: false, accessKey, secretKey, region, bucket };
}

/** A minio client of this server, path-style as Swift's s3api wants. */
export function realS3Client(s3: RealS3): Client {
  return new Client({
    endPoint: s3.endPoint,
    port: s3.port,
    useSSL: false,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    region: s3.region,
    pathStyle: true,
  });
}

/** Empties a test's bucket and removes it (the shared server outlives the tests); a missing bucket is fine. */
export async function removeBucket(s3: RealS3, bucket: string): Promise<void> {
  const client = realS3Client(s3);
  if (!(await client.bucketExists(bucket))) return;
  const keys = (await client.listObjectsV2(bucket, '', true).toArray()).map((item: { name: string }) => item.name);
  await client.removeObjects(bucket, keys);
  await client.removeBucket(bucket);
}

/**
 * The keys of the multipart uploads in progress in a bucket, read from the raw
 * ListMultipartUploads answer (minio's listIncompleteUploads finds none on Swift: it sends an
 * empty delimiter, which s3api takes for one).
 */
export async function incompleteUploads(s3: RealS3, bucket: string): Promise<string[]> {
  const response = await realS3Client(s3).makeRequestAsync({ method: 'GET', bucketName: bucket, query: 'uploads' });
  const xml = Buffer.concat(await response.toArray()).toString();
  if (/<IsTruncated>true</.test(xml)) throw new Error('more than one page of uploads');
  return [...xml.matchAll(/<Upload><Key>([^<]*)<\/Key>/g)].map((match) => match[1]!).sort();
}
