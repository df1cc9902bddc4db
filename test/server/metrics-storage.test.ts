import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../server/storage/fs-blob-store';
import { meteredBlobStore, type StorageFailure, type StorageOperation } from '../../server/ops/metered-blob-store';
import { corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text';
import { realS3Env } from '../helpers/real-s3';
import { startS3Server, type S3Server } from '../helpers/s3-server';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

type Metered = { operation: StorageOperation; seconds: number; failure: StorageFailure | undefined };

describe('meteredBlobStore around the fs store', () => {
  let dir: string;
  let inner: FsBlobStore;
  const seen: Metered[] = [];
  const store = () => meteredBlobStore(inner, (operation, seconds, failure) => seen.push({ operation, seconds, failure }));
  beforeAll(async () => {
    dir = await makeTempDir('metered');
    inner = await FsBlobStore.open(dir);
  });
  afterAll(() => removeTempDir(dir));

  it('keeps the optional methods the inner store has, and only those', () => {
    const metered = store();
    expect(typeof metered.openCopy).toBe('function');
    expect('removeIncompleteUploads' in metered).toBe('removeIncompleteUploads' in inner);
    expect(metered.description).toBe(inner.description);
  });

  it('times each operation, and tells a missing key and an abandoned body from a storage failure', async () => {
    const metered = store();
    seen.length = 0;
    await metered.put('v1/test/a', Readable.from([Buffer.alloc(1000, 7)]));
    const stream = await metered.get('v1/test/a', { start: 10, end: 20 });
    // `get` is timed until the stream is open, before a byte is read.
    expect(seen.map((s) => s.operation)).toEqual(['put', 'get']);
    expect(Buffer.concat(await stream.toArray())).toEqual(Buffer.alloc(10, 7));
    expect((await metered.head('v1/test/a')).size).toBe(1000);
    await expect(metered.get('v1/test/missing')).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    const body = new Readable({ read() {} });
    body.on('error', () => undefined); // seen through put, as the ingest does
    body.push(Buffer.alloc(100));
    setImmediate(() => body.destroy(new Error('the sender went away')));
    await expect(metered.put('v1/test/b', body)).rejects.toThrow('the sender went away');
    const keys: string[] = [];
    for await (const key of metered.list('v1/test/')) keys.push(key);
    expect(keys).toEqual(['v1/test/a']);
    await metered.delete('v1/test/a');

    expect(seen.map((s) => [s.operation, s.failure])).toEqual([
      ['put', undefined],
      ['get', undefined],
      ['head', undefined],
      ['get', 'not_found'],
      ['put', 'aborted'],
      ['list', undefined],
      ['delete', undefined],
    ]);
    for (const { seconds } of seen) expect(seconds).toBeGreaterThanOrEqual(0);
  });
});

describe('storage metrics of an archive on S3 whose server stops', () => {
  let s3: S3Server;
  let archive: TestArchive;
  beforeAll(async () => {
    s3 = await startS3Server();
    archive = await startTestArchive(realS3Env(s3));
  });
  afterAll(async () => {
    await archive.stop();
    await s3.stop().catch(() => undefined);
  });

  it('has no openCopy on S3, and counts the failed reads as failures once the server is gone', async () => {
    expect(archive.blobStore.openCopy).toBeUndefined();
    const file = corpusFile('series/ct-abdomen-philips-tcia/1-036.dcm');
    const stored = await expectStored(archive, [file]);
    const url = (stored.referenced[0]?.['00081190']?.Value as string[])[0]!;
    const accept = { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' };
    expect((await archive.fetch(url, { headers: accept })).status).toBe(200);

    await s3.stop();
    const failed = await archive.fetch(url, { headers: accept });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await failed.arrayBuffer().catch(() => undefined);

    const metrics = parsePrometheusText(await (await fetch(`${archive.url}/metrics`)).text());
    expect(sampleValue(metrics, 'pacs_storage_errors_total', { operation: 'get', kind: 'failure' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(metrics, 'pacs_storage_errors_total', { operation: 'get', kind: 'not_found' })).toBe(0);
    expect(sampleValue(metrics, 'pacs_storage_errors_total', { operation: 'put', kind: 'failure' })).toBe(0);
    expect(sampleValue(metrics, 'pacs_storage_operation_duration_seconds_count', { operation: 'put' })).toBeGreaterThanOrEqual(1);
  });
});
