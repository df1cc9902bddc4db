import fs from 'node:fs';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../helpers/corpus';
import { runDcmtk } from '../helpers/dcmtk';
import { dataSetOf } from '../helpers/dimse-archive';
import { getJson, getMultipart, stowBody, stowFiles, withZeroPreamble } from '../helpers/dicomweb-http';
import { addRemoteAe } from '../helpers/remote-aes';
import { mountSmallFilesystem, type SmallFilesystem } from '../helpers/small-filesystem';
import { startTestArchive, type TestArchive } from '../helpers/start-app';
import { receivedByStorescp } from '../helpers/storescp-reference';

const SERIES_DIR = path.join(CORPUS_DIR, 'series/ct-abdomen-philips-tcia');
const FILES = fs
  .readdirSync(SERIES_DIR)
  .sort()
  .map((name) => path.join(SERIES_DIR, name));
const STUDY = '1.3.6.1.4.1.14519.5.2.1.21087345762211724523378497892240459677';
const MiB = 2 ** 20;

/**
 * The free-space floor (issue 15 item 5) on a real 64 MiB tmpfs holding the whole data dir: a
 * ballast file takes the disk under the floor (10 % = 6.4 MiB), STOW-RS answers 503 STORAGE_FULL
 * and C-STORE 0xA700 with the reason while every read goes on; deleting the ballast lets ingest
 * resume by itself, and every acknowledged instance is there byte for byte.
 */
describe('full disk: the free-space floor on a 64 MiB tmpfs', () => {
  let disk: SmallFilesystem;
  let archive: TestArchive;
  /** Every instance the archive acknowledged, by SOP Instance UID: the file sent. */
  const acknowledged = new Map<string, Buffer>();

  beforeAll(async () => {
    disk = await mountSmallFilesystem(64);
    archive = await startTestArchive({ PACS_DATA_DIR: disk.dataDir, PACS_MIN_FREE_PERCENT: '10' });
    await addRemoteAe(archive, { aeTitle: 'FULL_CT', mayStore: true });
    const files = FILES.slice(0, 4).map((file) => fs.readFileSync(file));
    const stored = await stowFiles(archive, files);
    expect(stored.status).toBe(200);
    for (const file of files) acknowledged.set(sopUidOf(file), file);
  });
  afterAll(async () => {
    try {
      await archive?.stop();
    } finally {
      await disk?.unmount();
    }
  });

  it('under the floor: health fails on disk, STOW-RS answers 503 with Retry-After and C-STORE 0xA700, with the reason', async () => {
    await disk.leaveFree(4 * MiB);
    const ready = await getJson(archive, `${archive.url}/health/ready`, 'application/json');
    expect(ready.status).toBe(503);
    const checks = (ready.json as { checks: Record<string, { status: string; error?: string }> }).checks;
    expect(checks.disk!.status).toBe('fail');
    expect(checks.disk!.error).toMatch(/under the free-space floor: 4 MiB free of 64 MiB, floor 6 MiB/);
    for (const name of ['index', 'access', 'audit', 'storage']) expect(checks[name]!.status, name).toBe('ok');

    const refused = await archive.fetch(`${archive.dicomWeb}/studies`, stowRequest([fs.readFileSync(FILES[4]!)]));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    const body = (await refused.json()) as { code: string; message: string };
    expect(body.code).toBe('STORAGE_FULL');
    expect(body.message).toBe(
      'Disk nearly full: new instances refused until space is freed (4 MiB free of 64 MiB, under the floor of 6 MiB).',
    );

    const store = await cStore(FILES[5]!, '-d');
    expect(store.output).toMatch(/Status\s+: 0xa700/i);
    expect(store.output).toMatch(/\(0000,0902\) LO \[Disk nearly full: new instances refused until space is freed \(4\]/);
    expect(await instanceCount()).toBe(4);
  });

  it('under the floor: QIDO-RS, metadata, WADO-RS instances and frames go on', async () => {
    const studies = await getJson(archive, `${archive.dicomWeb}/studies?StudyInstanceUID=${STUDY}`);
    expect(studies.status).toBe(200);
    expect((studies.json as unknown[]).length).toBe(1);
    const metadata = await getJson(archive, `${archive.dicomWeb}/studies/${STUDY}/metadata`);
    expect(metadata.status).toBe(200);
    expect((metadata.json as unknown[]).length).toBe(4);
    await expectAcknowledgedIntact();
    const [sopUid, file] = [...acknowledged][0]!;
    const series = seriesUidOf(file);
    const frame = await getMultipart(
      archive,
      `${archive.dicomWeb}/studies/${STUDY}/series/${series}/instances/${sopUid}/frames/1`,
      'multipart/related; type="application/octet-stream"',
    );
    expect(frame.status).toBe(200);
    expect(frame.parts[0]!.body.length).toBe(512 * 512 * 2);
    expect(file.includes(frame.parts[0]!.body)).toBe(true);
  });

  it('space back: ingest resumes by itself within seconds, health is ready, nothing acknowledged is lost', async () => {
    await disk.removeBallast();
    const freed = performance.now();
    const next = fs.readFileSync(FILES[4]!);
    let status = 0;
    while (status !== 200 && performance.now() - freed < 5_000) {
      status = (await stowFiles(archive, [next])).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    // The guard trusts a reading for a second, then the next request takes a fresh one.
    expect(performance.now() - freed).toBeLessThan(3_000);
    acknowledged.set(sopUidOf(next), next);

    const store = await cStore(FILES[5]!);
    expect(store.code, store.output).toBe(0);
    for (const [sopUid, received] of await receivedByStorescp([FILES[5]!], true)) acknowledged.set(sopUid, received);
    expect((await archive.fetch('/health/ready')).status).toBe(200);
    expect(await instanceCount()).toBe(6);
    await expectAcknowledgedIntact();
  });

  /** DCMTK's storescu as the modality FULL_CT, sending the file as it is (Implicit VR Little Endian). */
  function cStore(file: string, ...options: string[]) {
    return runDcmtk('storescu', [...options, '-xi', '-aet', 'FULL_CT', '-aec', 'PACS', '127.0.0.1', String(archive.dimse!.port), file]);
  }

  async function instanceCount(): Promise<number> {
    const instances = await getJson(archive, `${archive.dicomWeb}/studies/${STUDY}/instances`);
    return (instances.json as unknown[]).length;
  }

  /** Every acknowledged instance retrieved as stored: the file sent with its preamble zeroed (C-STORE: the data set sent). */
  async function expectAcknowledgedIntact(): Promise<void> {
    const { status, parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${STUDY}`);
    expect(status).toBe(200);
    expect(parts).toHaveLength(acknowledged.size);
    const retrieved = new Map(parts.map((part) => [sopUidOf(part.body), part.body]));
    for (const [sopUid, file] of acknowledged) {
      const got = retrieved.get(sopUid);
      expect(got, sopUid).toBeDefined();
      expect(withZeroPreamble(file).equals(got!) || dataSetOf(got!).equals(dataSetOf(file)), sopUid).toBe(true);
    }
  }
});

function stowRequest(files: Buffer[]): RequestInit {
  const { body, contentType } = stowBody(files);
  return { method: 'POST', headers: { 'content-type': contentType, accept: 'application/dicom+json' }, body };
}

const uidOf = (part10: Buffer, tag: string) => dicomParser.parseDicom(part10, { untilTag: tag }).string(tag)!;
const sopUidOf = (part10: Buffer) => uidOf(part10, 'x00080018');
const seriesUidOf = (part10: Buffer) => uidOf(part10, 'x0020000e');

/**
 * The index on a disk of its own (PACS_INDEX_FILE): the floor watches that disk too, and says
 * which one is full, by what it holds (the health answer needs no account, so no path).
 */
describe('full disk: the index on a 16 MiB tmpfs of its own', () => {
  let dataDisk: SmallFilesystem;
  let indexDisk: SmallFilesystem;
  let archive: TestArchive;

  beforeAll(async () => {
    dataDisk = await mountSmallFilesystem(64);
    indexDisk = await mountSmallFilesystem(16);
    archive = await startTestArchive({
      PACS_DATA_DIR: dataDisk.dataDir,
      PACS_INDEX_FILE: path.join(indexDisk.dataDir, 'index.sqlite'),
      PACS_MIN_FREE_PERCENT: '10',
    });
  });
  afterAll(async () => {
    try {
      await archive?.stop();
    } finally {
      await indexDisk?.unmount();
      await dataDisk?.unmount();
    }
  });

  it("the index's disk under the floor refuses ingest and fails health, naming it; space back, ingest resumes", async () => {
    await indexDisk.leaveFree(MiB);
    const ready = await getJson(archive, `${archive.url}/health/ready`, 'application/json');
    expect(ready.status).toBe(503);
    const disk = (ready.json as { checks: Record<string, { status: string; error?: string }> }).checks.disk!;
    expect(disk.error).toBe(
      'under the free-space floor: 1 MiB free of 16 MiB on the disk of the index, floor 2 MiB; new instances are refused',
    );
    const refused = await archive.fetch(`${archive.dicomWeb}/studies`, stowRequest([fs.readFileSync(FILES[0]!)]));
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { message: string }).message).toBe(
      'Disk nearly full: new instances refused until space is freed (1 MiB free of 16 MiB on the disk of the index, under the floor of 2 MiB).',
    );

    await indexDisk.removeBallast();
    expect((await archive.fetch('/health/ready')).status).toBe(200);
    expect((await stowFiles(archive, [fs.readFileSync(FILES[0]!)])).status).toBe(200);
  });
});
