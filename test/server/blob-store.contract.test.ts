import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'minio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppError } from '../../shared/errors';
import type { BlobStore } from '../../server/storage/blob-store';
import { FsBlobStore } from '../../server/storage/fs-blob-store';
import { MinioBlobStore, type S3StorageConfig } from '../../server/storage/minio-blob-store';
import { INSTANCE_KEY_PREFIX, newInstanceKey } from '../../server/storage/object-keys';
import {
  incompleteUploads,
  realS3Client,
  removeBucket,
  s3StorageConfig,
  startRealS3,
  type RealS3,
  type S3Endpoint,
} from '../helpers/real-s3';
import { freshBucketName, startS3Server } from '../helpers/s3-server';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/** The smallest part S3 allows; the S3 store uses it here so 12 MB is a three-part upload. */
const PART_SIZE = 5 * 1024 * 1024;
const LARGE_SIZE = 12 * 1000 * 1000;

interface StoreFixture {
  store: BlobStore;
  /** Parts sent by multipart uploads so far (S3 only): proves large bodies take that path. */
  partsUploaded?: () => number;
  /** Files left in the store's temp folder (fs only). */
  tempFiles?: () => Promise<string[]>;
  cleanup?: () => Promise<void>;
}

/** The behaviour every BlobStore must have, run against a fresh, empty store per test. */
function describeBlobStoreContract(name: string, factory: () => Promise<StoreFixture>): void {
  describe(`${name} (BlobStore contract)`, () => {
    let fx: StoreFixture;
    let store: BlobStore;
    beforeEach(async () => {
      fx = await factory();
      store = fx.store;
    });
    afterEach(async () => {
      await store.close();
      await fx.cleanup?.();
    });

    const expectNothingAt = async (key: string): Promise<void> => {
      await expectAppError(store.head(key), 'BLOB_NOT_FOUND');
      await expectAppError(store.get(key), 'BLOB_NOT_FOUND');
      expect(await listAll(store, INSTANCE_KEY_PREFIX)).not.toContain(key);
      if (fx.tempFiles) expect(await fx.tempFiles()).toEqual([]);
    };

    it('stores a small body and gives back the same bytes', async () => {
      const key = newInstanceKey();
      const body = randomBytes(1000);
      expect(await store.put(key, streamOf(body))).toEqual({ key, size: 1000 });
      expectSameBytes(await readAll(await store.get(key)), body);
      expect(await store.head(key)).toEqual({ key, size: 1000 });
    });

    it('stores an empty body', async () => {
      const key = newInstanceKey();
      expect(await store.put(key, streamOf(Buffer.alloc(0)))).toEqual({ key, size: 0 });
      expect((await readAll(await store.get(key))).length).toBe(0);
      expect((await store.head(key)).size).toBe(0);
    });

    it('stores a 12 MB body of unknown size (a multipart upload on S3) intact', async () => {
      const key = newInstanceKey();
      const body = randomBytes(LARGE_SIZE);
      const partsBefore = fx.partsUploaded?.() ?? 0;
      expect(await store.put(key, streamOf(body))).toEqual({ key, size: LARGE_SIZE });
      if (fx.partsUploaded) expect(fx.partsUploaded() - partsBefore).toBe(3);
      expectSameBytes(await readAll(await store.get(key)), body);
      expect((await store.head(key)).size).toBe(LARGE_SIZE);
    });

    it('reads byte ranges (start inclusive, end exclusive), also across a part boundary', async () => {
      const key = newInstanceKey();
      const body = randomBytes(LARGE_SIZE);
      await store.put(key, streamOf(body), { size: LARGE_SIZE });
      const expectRange = async (start: number, end: number) =>
        expectSameBytes(await readAll(await store.get(key, { start, end })), body.subarray(start, end));
      await expectRange(0, 1);
      await expectRange(1000, 5000);
      await expectRange(LARGE_SIZE - 7, LARGE_SIZE);
      await expectRange(PART_SIZE - 100, PART_SIZE + 100);
      await expectRange(10, 10);
      // Past the end: the range is cut at the end, never waits for bytes that will not come.
      await expectRange(LARGE_SIZE - 5, LARGE_SIZE + 100);
      await expectRange(LARGE_SIZE + 10, LARGE_SIZE + 20);
    });

    it('reports a missing key as BLOB_NOT_FOUND', async () => {
      const key = newInstanceKey();
      await expectAppError(store.head(key), 'BLOB_NOT_FOUND');
      await expectAppError(store.get(key), 'BLOB_NOT_FOUND');
      await expectAppError(store.get(key, { start: 0, end: 10 }), 'BLOB_NOT_FOUND');
      await expectAppError(store.get(key, { start: 5, end: 5 }), 'BLOB_NOT_FOUND');
    });

    it('deletes, and deleting a missing key is fine', async () => {
      const key = newInstanceKey();
      await store.put(key, streamOf(randomBytes(100)));
      await store.delete(key);
      await expectNothingAt(key);
      await Promise.all([store.delete(key), store.delete(newInstanceKey())]);
    });

    it('overwrites an existing object', async () => {
      const key = newInstanceKey();
      await store.put(key, streamOf(randomBytes(5000)));
      const second = randomBytes(300);
      await store.put(key, streamOf(second));
      expectSameBytes(await readAll(await store.get(key)), second);
      expect((await store.head(key)).size).toBe(300);
    });

    it('lists exactly the keys under a prefix', async () => {
      const instances = Array.from({ length: 6 }, () => newInstanceKey());
      for (const key of [...instances, 'v1/other/a.bin']) await store.put(key, streamOf(randomBytes(10)));
      expect((await listAll(store, INSTANCE_KEY_PREFIX)).sort()).toEqual([...instances].sort());
      expect((await listAll(store, 'v1/')).sort()).toEqual([...instances, 'v1/other/a.bin'].sort());
      const one = instances[0]!;
      const folder = one.slice(0, one.lastIndexOf('/') + 1);
      expect(await listAll(store, folder)).toEqual(instances.filter((k) => k.startsWith(folder)).sort());
      expect(await listAll(store, 'v1/nothing-here/')).toEqual([]);
    });

    it('gives each entry under a prefix with its size and modification time', async () => {
      const before = Date.now();
      const sizes = new Map([
        [newInstanceKey(), 0],
        [newInstanceKey(), 1234],
        ['v1/other/b.bin', 70_000],
      ]);
      for (const [key, size] of sizes) await store.put(key, streamOf(randomBytes(size)));
      const after = Date.now();
      const entries = [];
      for await (const entry of store.entries('v1/')) entries.push(entry);
      expect(entries.map(({ key, size }) => [key, size]).sort()).toEqual([...sizes].sort());
      for (const { modifiedAt } of entries) {
        // Swift's s3api gives whole seconds rounded up, a file system sub-millisecond times.
        expect(modifiedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
        expect(modifiedAt.getTime()).toBeLessThanOrEqual(Math.ceil(after / 1000) * 1000);
      }
    });

    it.each([
      ['a single-part body', 300 * 1024],
      ['a multipart body', PART_SIZE + 2_000_000],
    ])('rejects with the input error when the stream fails half-way through %s, leaving nothing', async (_, bytes) => {
      const key = newInstanceKey();
      const failure = new Error('client went away');
      await expect(store.put(key, failingStream(bytes, failure))).rejects.toBe(failure);
      await expectNothingAt(key);
    });

    it('rejects when the input is destroyed without an error, leaving nothing', async () => {
      const key = newInstanceKey();
      const input = new PassThrough();
      const put = store.put(key, input);
      input.write(randomBytes(64 * 1024));
      setTimeout(() => input.destroy(), 20);
      await expect(put).rejects.toThrow();
      await expectNothingAt(key);
    });

    it('never shows a put in progress, and keeps the previous object until the new one is complete', async () => {
      const key = newInstanceKey();
      const input = new PassThrough();
      const put = store.put(key, input);
      input.write(randomBytes(100 * 1024));
      await sleep(50);
      await expectAppError(store.head(key), 'BLOB_NOT_FOUND');
      input.end(randomBytes(100));
      await put;

      const next = new PassThrough();
      const overwrite = store.put(key, next);
      next.write(randomBytes(100 * 1024));
      await sleep(50);
      expect((await store.head(key)).size).toBe(100 * 1024 + 100);
      next.destroy(new Error('aborted'));
      await expect(overwrite).rejects.toThrow('aborted');
      expect((await store.head(key)).size).toBe(100 * 1024 + 100);
    });

    it('rejects a body whose length differs from the announced size, leaving nothing', async () => {
      const key = newInstanceKey();
      await expectAppError(store.put(key, streamOf(randomBytes(100)), { size: 101 }), 'BAD_REQUEST');
      await expectNothingAt(key);
    });

    it('stores concurrent puts of different keys independently', async () => {
      const bodies = new Map(Array.from({ length: 24 }, () => [newInstanceKey(), randomBytes(200 * 1024)] as const));
      await Promise.all([...bodies].map(([key, body]) => store.put(key, streamOf(body))));
      for (const [key, body] of bodies) expectSameBytes(await readAll(await store.get(key)), body);
      expect((await listAll(store, INSTANCE_KEY_PREFIX)).sort()).toEqual([...bodies.keys()].sort());
    });

    it('removeIncompleteUploads, where the store has it, finds nothing to remove after complete puts', async () => {
      await store.put(newInstanceKey(), streamOf(randomBytes(PART_SIZE + 1000)));
      if (store.removeIncompleteUploads) expect(await store.removeIncompleteUploads()).toBe(0);
    });

    it('refuses keys that are not from object-keys.ts', async () => {
      for (const key of ['../escape', 'v1/../../escape', '/v1/x', 'v1/A.dcm']) {
        await expectAppError(store.put(key, streamOf(randomBytes(1))), 'INTERNAL');
        await expectAppError(store.get(key), 'INTERNAL');
      }
    });
  });
}

describeBlobStoreContract('FsBlobStore', async () => {
  const dir = await makeTempDir('fs-blobs');
  return {
    store: await FsBlobStore.open(dir),
    tempFiles: () => readdir(path.join(dir, '.tmp')),
    cleanup: () => removeTempDir(dir),
  };
});

/** Where an S3 store of the contract connects: s3rver or the real server. */
interface ContractS3 extends S3Endpoint {
  stop?: () => Promise<void>;
  /** Removes a test's bucket (the real server outlives the tests; s3rver's folder goes with it). */
  removeBucket?: (bucket: string) => Promise<void>;
}

const uploadPart = vi.spyOn(Client.prototype, 'uploadPart');
afterAll(() => uploadPart.mockRestore());

function describeS3Contract(name: string, start: () => Promise<ContractS3>): void {
  describe(`MinioBlobStore on ${name}`, () => {
    let s3: ContractS3;
    beforeAll(async () => {
      s3 = await start();
    });
    afterAll(async () => {
      await s3?.stop?.();
    });

    describeBlobStoreContract('MinioBlobStore', async () => {
      const bucket = freshBucketName();
      return {
        store: await MinioBlobStore.open(s3StorageConfig(s3, bucket), { partSize: PART_SIZE }),
        partsUploaded: () => uploadPart.mock.calls.filter(([config]) => config.bucketName === bucket).length,
        cleanup: () => s3.removeBucket?.(bucket) ?? Promise.resolve(),
      };
    });
  });
}

describeS3Contract('s3rver', startS3Server);
describeS3Contract('a real S3 server (Swift s3api)', async () => {
  const s3 = await startRealS3();
  return { ...s3, removeBucket: (bucket) => removeBucket(s3, bucket) };
});

describe('MinioBlobStore on a real S3 server: what s3rver cannot show', () => {
  let s3: RealS3;
  let bucket: string;
  let store: MinioBlobStore;
  const openStore = (overrides: Partial<S3StorageConfig> = {}) =>
    MinioBlobStore.open({ ...s3StorageConfig(s3, bucket), ...overrides }, { partSize: PART_SIZE });
  beforeAll(async () => {
    s3 = await startRealS3();
  });
  beforeEach(async () => {
    bucket = freshBucketName();
    store = await openStore();
  });
  afterEach(async () => {
    await store.close();
    await removeBucket(s3, bucket);
  });

  const uploadsLeft = () => incompleteUploads(s3, bucket);

  it('aborts the multipart upload of a failed put: no parts left behind', async () => {
    const key = newInstanceKey();
    await expect(store.put(key, failingStream(PART_SIZE + 2_000_000, new Error('client went away')))).rejects.toThrow('client went away');
    expect(await uploadsLeft()).toEqual([]);
  });

  it('removeIncompleteUploads aborts the uploads a crash left under v1/, and only those', async () => {
    const client = realS3Client(s3);
    const left = [newInstanceKey(), newInstanceKey(), 'v1/other/c.bin'];
    for (const key of left) {
      const uploadId = await client.initiateNewMultipartUpload(bucket, key, {});
      const config = { bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: 1, headers: {} };
      await client.uploadPart(config, randomBytes(PART_SIZE));
    }
    const outside = await client.initiateNewMultipartUpload(bucket, 'outside/d.bin', {});
    const complete = newInstanceKey();
    await store.put(complete, streamOf(randomBytes(100)));
    expect(await uploadsLeft()).toEqual([...left, 'outside/d.bin'].sort());

    expect(await store.removeIncompleteUploads()).toBe(3);
    expect(await uploadsLeft()).toEqual(['outside/d.bin']);
    expect(await store.removeIncompleteUploads()).toBe(0);
    expect(await listAll(store, 'v1/')).toEqual([complete]);
    await client.abortMultipartUpload(bucket, 'outside/d.bin', outside);
  });

  it('reports a bucket removed behind its back as STORAGE_FAILURE, never as a missing object', async () => {
    const key = newInstanceKey();
    await store.put(key, streamOf(randomBytes(10)));
    const client = realS3Client(s3);
    await client.removeObject(bucket, key);
    await client.removeBucket(bucket);
    const failure = { code: 'STORAGE_FAILURE', message: `Object storage is unavailable: the bucket ${bucket} does not exist.` };
    await expect(store.head(key)).rejects.toMatchObject(failure);
    await expect(store.get(key, { start: 3, end: 3 })).rejects.toMatchObject(failure);
    const noSuchBucket = { code: 'STORAGE_FAILURE', message: expect.stringContaining('NoSuchBucket') };
    await expect(store.get(key)).rejects.toMatchObject(noSuchBucket);
    await expect(store.put(key, streamOf(randomBytes(10)))).rejects.toMatchObject(noSuchBucket);
    await expect(listAll(store, 'v1/')).rejects.toMatchObject(noSuchBucket);
  });

  it('refuses wrong credentials at open with a readable STORAGE_FAILURE', async () => {
    const refused = { code: 'STORAGE_FAILURE', message: expect.stringMatching(/^Object storage is unavailable: AccessDenied \(.+\)\.$/) };
    await expect(openStore({ secretKey: 'not-the-secret' })).rejects.toMatchObject(refused);
    await expect(openStore({ accessKey: 'nobody:here' })).rejects.toMatchObject(refused);
  });
});

it('MinioBlobStore reports an unreachable server as STORAGE_FAILURE, keeping the connection error', async () => {
  const gone = await startS3Server();
  await gone.stop();
  const cfg = { ...gone, kind: 's3', bucket: freshBucketName() } as const;
  const failure = {
    name: 'AppError',
    code: 'STORAGE_FAILURE',
    message: 'Object storage is unavailable: ECONNREFUSED.',
    cause: expect.objectContaining({ code: 'ECONNREFUSED' }),
  };
  await expect(MinioBlobStore.open(cfg)).rejects.toMatchObject(failure);
});

it('FsBlobStore.open removes temp files left by a crash', async () => {
  const dir = await makeTempDir('fs-crash');
  try {
    await mkdir(path.join(dir, '.tmp'), { recursive: true });
    await writeFile(path.join(dir, '.tmp', 'half-written.tmp'), randomBytes(10));
    const store = await FsBlobStore.open(dir);
    expect(await readdir(path.join(dir, '.tmp'))).toEqual([]);
    expect(await listAll(store, '')).toEqual([]);
  } finally {
    await removeTempDir(dir);
  }
});

function streamOf(body: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < body.length; at += 64 * 1024) chunks.push(body.subarray(at, at + 64 * 1024));
  return Readable.from(chunks);
}

/** Sends `bytes` random bytes, then fails with `error`, like a client that disconnects. */
function failingStream(bytes: number, error: Error): Readable {
  async function* sendThenFail() {
    yield* streamOf(randomBytes(bytes));
    throw error;
  }
  return Readable.from(sendThenFail());
}

async function readAll(stream: Readable): Promise<Buffer> {
  return Buffer.concat((await stream.toArray()) as Buffer[]);
}

async function listAll(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

function expectAppError(promise: Promise<unknown>, code: AppError['code']): Promise<void> {
  return expect(promise).rejects.toMatchObject({ name: 'AppError', code });
}

/** Compares length and SHA-256: a failure prints two short lines, not a diff of megabytes. */
function expectSameBytes(actual: Buffer, expected: Buffer): void {
  const digest = (data: Buffer) => ({ length: data.length, sha256: createHash('sha256').update(data).digest('hex') });
  expect(digest(actual)).toEqual(digest(expected));
}
