import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { makeTempDir, removeTempDir } from './temp-dir';

export interface S3Server {
  endPoint: '127.0.0.1';
  port: number;
  accessKey: 'S3RVER';
  secretKey: 'S3RVER';
  useSSL: false;
  region: 'us-east-1';
  stop(): Promise<void>;
}

/** The parts of s3rver 3.x we use; it ships no type declarations. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  store: FilesystemStore;
}
interface FilesystemStore {
  getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<StoredObject | null>;
  getResourcePath(bucket: string, key: string, resource: string): string;
}
interface StoredObject {
  content: Readable | null;
  range?: { start: number; end: number };
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

/**
 * s3rver, a fake S3 server in Node, on 127.0.0.1, a free port and a fresh folder: about twice as
 * fast as the real one (real-s3.ts), for tests whose many S3 round trips that matters to. It checks
 * no signature, cannot abort or list multipart uploads and answers sporadic 500s (minio retries).
 * Its default credentials are S3RVER/S3RVER.
 */
export async function startS3Server(): Promise<S3Server> {
  const directory = await makeTempDir('s3rver');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
  fixFirstByteRange(server.store);
  const { port } = await server.run();
  return {
    endPoint: '127.0.0.1',
    port,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    useSSL: false,
    region: 'us-east-1',
    async stop() {
      await server.close();
      await removeTempDir(directory);
    },
  };
}

/** A bucket name no other test uses (S3 rules: 3-63 lower-case letters, digits and hyphens). */
export function freshBucketName(): string {
  return `test-${randomBytes(8).toString('hex')}`;
}

/**
 * s3rver 3.7.1 reads `Range: bytes=0-0` as "from 0 to the end" (`options.end || Infinity`) and
 * answers 206 with the whole object, where S3 sends the first byte. Serve that range right so
 * the contract suite can hold every store to S3's behaviour.
 */
function fixFirstByteRange(store: FilesystemStore): void {
  const getObject = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    const object = await getObject(bucket, key, options);
    if (options?.end !== 0 || object?.content == null || options.start !== 0) return object;
    object.content.destroy();
    object.content = createReadStream(store.getResourcePath(bucket, key, 'object'), { start: 0, end: 0 });
    object.range = { start: 0, end: 0 };
    return object;
  };
}
