import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomJson } from '../../shared/dicom/dicom-json';
import { Tag } from '../../shared/dicom/tags';
import { MinioBlobStore } from '../../server/storage/minio-blob-store';
import { storedKeys } from '../helpers/backends';
import { corpusEntry, corpusFile, corpusInstanceUrl } from '../helpers/corpus';
import { expectStored, firstValue, getJson, getMultipart, stowFiles, withZeroPreamble } from '../helpers/dicomweb-http';
import { realS3Env, s3StorageConfig, startRealS3, stopRealS3, type RealS3 } from '../helpers/real-s3';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

const CT = Array.from({ length: 5 }, (_, n) => `series/ct-abdomen-philips-tcia/1-0${36 + n}.dcm`);
const BEFORE = CT.slice(0, 3);
const DURING = CT.slice(3);

interface Readiness {
  status: string;
  checks: Record<string, { status: 'ok' | 'fail'; error?: string }>;
}

/**
 * The archive on an S3 server of its own that goes away and comes back (issue 15 item 6): while
 * it is down, ingest fails per instance and leaves nothing, reads of objects answer 503, the index
 * still answers and /health/ready says which dependency failed; afterwards everything works again
 * and nothing acknowledged before has changed.
 */
describe('an S3 outage', () => {
  let dir: string;
  let s3: RealS3;
  let s3Env: Record<string, string>;
  let archive: TestArchive;
  const retrieved = new Map<string, Buffer>();
  let keysBefore: string[];

  beforeAll(async () => {
    dir = await makeTempDir('s3-outage');
    s3 = await startRealS3(dir);
    s3Env = realS3Env(s3);
    archive = await startTestArchive(s3Env);
  });
  afterAll(async () => {
    await archive?.stop();
    if (s3) await stopRealS3(s3);
    await removeTempDir(dir);
  });

  const readiness = async (): Promise<{ status: number; body: Readiness }> => {
    const res = await fetch(`${archive.url}/health/ready`);
    return { status: res.status, body: (await res.json()) as Readiness };
  };
  const instanceUrl = (file: string) => corpusInstanceUrl(archive.dicomWeb, corpusEntry(file));
  const retrieve = async (file: string) => {
    const { status, parts } = await getMultipart(archive, instanceUrl(file));
    expect(status).toBe(200);
    expect(parts).toHaveLength(1);
    return parts[0]!.body;
  };
  const studyInstances = async (): Promise<DicomJson[]> => {
    const { status, json } = await getJson(archive, `${archive.dicomWeb}/studies/${corpusEntry(CT[0]!).studyInstanceUID}/instances`);
    expect(status).toBe(200);
    return json as DicomJson[];
  };

  it('stores and reads while the server is up, and is ready', async () => {
    await expectStored(archive, BEFORE.map(corpusFile));
    for (const file of BEFORE) retrieved.set(file, await retrieve(file));
    keysBefore = await storedKeys(archive);
    expect(keysBefore).toHaveLength(BEFORE.length);
    expect((await readiness()).status).toBe(200);
  });

  it('while the server is down: ingest fails per instance and leaves nothing indexed, reads of objects 503, QIDO answers, not ready', async () => {
    await stopRealS3(s3);

    const stow = await stowFiles(archive, DURING.map(corpusFile));
    expect(stow.status).toBe(409);
    expect(stow.referenced).toEqual([]);
    expect(stow.failed.map((item) => firstValue(item, Tag.ReferencedSOPInstanceUID)).sort()).toEqual(
      DURING.map((file) => corpusEntry(file).sopInstanceUID).sort(),
    );
    for (const item of stow.failed) {
      expect(firstValue(item, Tag.FailureReason)).toBe(0xa700);
      expect(firstValue(item, Tag.ErrorComment)).toBe('Object storage could not store the instance.');
    }

    const wado = await archive.fetch(instanceUrl(BEFORE[0]!), {
      headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
    });
    expect(wado.status).toBe(503);
    expect(await wado.json()).toMatchObject({ code: 'STORAGE_FAILURE', message: 'Object storage is unavailable: ECONNREFUSED.' });

    const found = await studyInstances();
    expect(found.map((item) => firstValue(item, Tag.SOPInstanceUID)).sort()).toEqual(
      BEFORE.map((file) => corpusEntry(file).sopInstanceUID).sort(),
    );

    const ready = await readiness();
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not-ready');
    const { storage, ...others } = ready.body.checks;
    expect(storage).toMatchObject({ status: 'fail', error: expect.stringContaining('ECONNREFUSED') });
    expect(Object.keys(others)).toEqual(expect.arrayContaining(['index', 'access', 'audit', 'disk']));
    for (const [name, check] of Object.entries(others)) expect(check.status, name).toBe('ok');
    const live = await fetch(`${archive.url}/health/live`);
    expect(live.status).toBe(200);
  });

  it('once the server is back: ready again, ingest works, everything acknowledged before is byte-identical, nothing left of the failures', async () => {
    await startRealS3(dir);
    const started = Date.now();
    while ((await readiness()).status !== 200) {
      expect(Date.now() - started, 'ready again within 10 s').toBeLessThan(10_000);
      await sleep(200);
    }
    expect(await storedKeys(archive)).toEqual(keysBefore);

    await expectStored(archive, DURING.map(corpusFile));
    for (const [file, bytes] of retrieved) expect((await retrieve(file)).equals(bytes), file).toBe(true);
    for (const file of DURING) expect((await retrieve(file)).equals(withZeroPreamble(corpusFile(file))), file).toBe(true);
    expect(await studyInstances()).toHaveLength(CT.length);
    expect(await storedKeys(archive)).toHaveLength(CT.length);
  });

  it('a frozen server (SIGSTOP) fails requests after the request timeout instead of holding them, and /health/ready says so within its limit', async () => {
    const proxy = Number(await readFile(path.join(dir, 'run', 'proxy.pid'), 'utf8'));
    const store = await MinioBlobStore.open(s3StorageConfig(s3, s3Env.PACS_S3_BUCKET!), { requestTimeoutMs: 1000 });
    const [key] = await storedKeys(archive);
    try {
      process.kill(proxy, 'SIGSTOP');
      const timedOut = { code: 'STORAGE_FAILURE', message: 'Object storage is unavailable: ETIMEDOUT (no answer within 1 s).' };
      const started = Date.now();
      await expect(store.head(key!)).rejects.toMatchObject(timedOut);
      await expect(store.put('v1/other/frozen.bin', Readable.from([Buffer.from('x')]))).rejects.toMatchObject(timedOut);
      expect(Date.now() - started).toBeLessThan(5000);

      const ready = await readiness();
      expect(ready.status).toBe(503);
      expect(ready.body.checks.storage).toMatchObject({ status: 'fail', error: 'no answer within 2000 ms' });
    } finally {
      process.kill(proxy, 'SIGCONT');
    }
    expect((await store.head(key!)).size).toBeGreaterThan(0);
    await store.close();
    const started = Date.now();
    while ((await readiness()).status !== 200) {
      expect(Date.now() - started, 'ready again within 10 s').toBeLessThan(10_000);
      await sleep(200);
    }
  });
});
