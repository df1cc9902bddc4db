import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCtSeriesSource, type CtSeriesSource } from '../../fixtures/generate-ct-series';
import type { Logger } from '../../server/logger';
import { DISK_FULL_COMMENT } from '../../server/ops/disk-full';
import { collect } from '../../server/stored/byte-streams';
import { runDcmtk } from '../helpers/dcmtk';
import { dataSetOf } from '../helpers/dimse-archive';
import { getJson, getMultipart, stowFiles, withZeroPreamble } from '../helpers/dicomweb-http';
import { addRemoteAe } from '../helpers/remote-aes';
import { mountSmallFilesystem, type SmallFilesystem } from '../helpers/small-filesystem';
import { startTestArchive, TEST_ADMIN, type TestArchive } from '../helpers/start-app';
import { receivedByStorescp } from '../helpers/storescp-reference';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

const OUT_OF_RESOURCES = 0xa700;
const FAILURE_REASON = '00081197';
const REFERENCED_SOP_INSTANCE_UID = '00081155';
const ERROR_COMMENT = '00000902';
const PAGE = 4096;
const MiB = 2 ** 20;

/**
 * The disk fills in the middle of a write (issue 15 item 5), the floor at 0 so the free-space
 * guard does not stop anything first: on a real 64 MiB tmpfs holding the whole data dir, 2 MiB
 * CT slices are stored until ENOSPC (object write) and SQLITE_FULL (index row, audit record).
 * Whatever did not fit fails with 0xA700 and a reason, never a 500 or a crash; no temp file, no
 * object without a row and no row without an object is left; every acknowledged instance is
 * intact; reads go on while even the audit trail cannot be written, and its records reach the
 * file once space is back.
 */
describe('full disk during writes: ENOSPC and SQLITE_FULL on a 64 MiB tmpfs, the floor at 0', () => {
  let disk: SmallFilesystem;
  let archive: TestArchive;
  let env: Record<string, string>;
  let series: CtSeriesSource;
  let next = 0;
  /** Every instance the archive acknowledged, by SOP Instance UID: the file sent (C-STORE: as DCMTK's storescp received it). */
  const acknowledged = new Map<string, { file: Buffer; via: 'stow' | 'c-store' }>();
  const logged: string[] = [];
  const logger: Logger = {
    info: (message) => logged.push(message),
    error: (message, error) =>
      logged.push(error === undefined ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`),
  };

  beforeAll(async () => {
    disk = await mountSmallFilesystem(64);
    env = { PACS_DATA_DIR: disk.dataDir, PACS_MIN_FREE_PERCENT: '0' };
    archive = await startTestArchive(env, logger);
    await addRemoteAe(archive, { aeTitle: 'FILL_CT', mayStore: true });
    series = createCtSeriesSource({ slices: 200, rows: 1024, columns: 1024 });
    expect((await stow(1)).status).toBe(200);
  });
  afterAll(async () => {
    try {
      await archive?.stop();
    } finally {
      await disk?.unmount();
    }
  });

  it('the index full (SQLITE_FULL) with the object written: 0xA700, the object removed', async () => {
    // Room for the object and a few pages more, one more each time: the write fails at the
    // pending record, then at the object, then at the index row, until it all fits.
    const objectPages = Math.ceil(series.instanceBytes / PAGE);
    let status = 0;
    for (let extra = -1; status !== 200 && extra < 100; extra++) {
      await disk.leaveFree((objectPages + extra) * PAGE);
      ({ status } = await stow(1));
      expect([200, 409]).toContain(status);
      await expectConsistent();
    }
    expect(status).toBe(200);
    expect(logged.filter((line) => /^index transaction failed .*: database or disk is full$/.test(line)).length).toBeGreaterThan(0);
    await disk.removeBallast();
  });

  it('the audit trail full too: reads go on, a sign-in is a 503, the audit records wait in memory and reach the file once space is back', async () => {
    const audited = () => archive.access.audit.query({ action: 'query', limit: 1, offset: 0 }).total;
    const before = audited();
    await disk.leaveFree(0);
    for (let n = 1; n <= 3; n++) {
      const studies = await getJson(archive, `${archive.dicomWeb}/studies?limit=${n}`);
      expect(studies.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 20)); // each record its own turn, its own failed commit
    }
    const [sopUid, { file }] = [...acknowledged][0]!;
    const studyUid = series.studyUid;
    const instanceUrl = `${archive.dicomWeb}/studies/${studyUid}/series/${series.seriesUid}/instances/${sopUid}`;
    const metadata = await getJson(archive, `${instanceUrl}/metadata`);
    expect(metadata.status).toBe(200);
    const instance = await getMultipart(archive, instanceUrl);
    expect(instance.parts[0]!.body.equals(withZeroPreamble(file))).toBe(true);
    const frame = await getMultipart(archive, `${instanceUrl}/frames/1`, 'multipart/related; type="application/octet-stream"');
    expect(frame.status).toBe(200);
    expect(file.subarray(file.length - 1024 * 1024 * 2).equals(frame.parts[0]!.body)).toBe(true);

    // A sign-in must write its session: refused with the reason, not a 500.
    const signIn = await fetch(`${archive.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_ADMIN),
    });
    expect(signIn.status).toBe(503);
    expect(signIn.headers.get('retry-after')).toBe('60');
    expect(((await signIn.json()) as { code: string }).code).toBe('STORAGE_FULL');

    const ready = await getJson(archive, `${archive.url}/health/ready`, 'application/json');
    expect(ready.status).toBe(503);
    const audit = (ready.json as { checks: Record<string, { status: string; error?: string }> }).checks.audit!;
    expect(audit.status).toBe('fail');
    expect(audit.error).toMatch(/^\d+ audit records wait in memory, the file cannot be written: database or disk is full$/);
    expect(audited()).toBe(before);
    expect(logged).toContain(
      'the audit trail cannot be written: its records wait in memory and are written once it can be: database or disk is full',
    );

    await disk.removeBallast();
    const freed = performance.now();
    while (audited() < before + 3 && performance.now() - freed < 3_000) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(audited()).toBe(before + 3);
    expect(logged.some((line) => /^the audit trail is written again \(\d+ records written late\)$/.test(line))).toBe(true);
    expect((await archive.fetch('/health/ready')).status).toBe(200);
  });

  it('C-STORE while the disk fills: the data sets that do not fit are answered 0xA700', async () => {
    const dir = await makeTempDir('full-disk-cstore');
    try {
      const files = Array.from({ length: 12 }, (_, n) => {
        const instance = series.instance(next++);
        const file = path.join(dir, `${String(n).padStart(2, '0')}.dcm`);
        fs.writeFileSync(file, instance.bytes);
        return { file, ...instance };
      });
      await disk.leaveFree(12 * MiB);
      // --no-halt: DCMTK's storescu stops at the first refusal otherwise.
      const store = await runDcmtk('storescu', [
        '-v',
        '--no-halt',
        '-aet',
        'FILL_CT',
        '-aec',
        'PACS',
        '127.0.0.1',
        String(archive.dimse!.port),
        ...files.map(({ file }) => file),
      ]);
      const answers = [...store.output.matchAll(/Sending file: (\S+)[\s\S]*?Received Store Response \(([^)]*)\)/g)].map((match) => ({
        sent: files.find(({ file }) => file === match[1])!,
        status: match[2]!,
      }));
      expect(answers, store.output).toHaveLength(12);
      const stored = answers.filter(({ status }) => status === 'Success');
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.length).toBeLessThan(12);
      for (const { status } of answers) expect(['Success', 'Refused: OutOfResources']).toContain(status);
      const received = await receivedByStorescp(stored.map(({ sent }) => sent.file));
      for (const { sent } of stored) acknowledged.set(sent.sopUid, { file: received.get(sent.sopUid)!, via: 'c-store' });
      await expectConsistent();
    } finally {
      await removeTempDir(dir);
      await disk.removeBallast();
    }
  });

  it('STOW-RS until the disk is full: the instances that do not fit fail with 0xA700, nothing half-written is left', async () => {
    const statuses: number[] = [];
    for (let request = 0; request < 20 && statuses.at(-1) !== 409; request++) statuses.push((await stow(4)).status);
    expect(statuses.at(-1)).toBe(409);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(3);
    expect(
      statuses.every((status) => [200, 202, 409].includes(status)),
      String(statuses),
    ).toBe(true);
    await expectConsistent();
  });

  it('a restart on the full disk says why it cannot; with a little space back it starts, and everything acknowledged is there', async () => {
    await archive.close();
    await disk.leaveFree(0);
    await expect(startTestArchive(env, logger)).rejects.toThrow(
      /^The disk holding the index \(.*\) is full \(\d+ bytes free\): free space on it, then start again\.$/,
    );
    await disk.removeBallast();
    archive = await startTestArchive(env, logger);
    await expectConsistent();
    const { parts } = await getMultipart(archive, `${archive.dicomWeb}/studies/${series.studyUid}`);
    expect(parts).toHaveLength(acknowledged.size);
  });

  /** STOWs the next `count` slices; notes what was acknowledged; every failure is 0xA700 because the disk is full. */
  async function stow(count: number): Promise<{ status: number }> {
    const files = Array.from({ length: count }, () => series.instance(next++));
    const result = await stowFiles(
      archive,
      files.map((file) => file.bytes),
    );
    for (const referenced of result.referenced) {
      const sopUid = referenced[REFERENCED_SOP_INSTANCE_UID]!.Value![0] as string;
      acknowledged.set(sopUid, { file: files.find((file) => file.sopUid === sopUid)!.bytes, via: 'stow' });
    }
    for (const failed of result.failed) {
      expect(failed[FAILURE_REASON]!.Value![0]).toBe(OUT_OF_RESOURCES);
      expect(failed[ERROR_COMMENT]!.Value![0]).toBe(DISK_FULL_COMMENT);
    }
    return { status: result.status };
  }

  /** No temp file; the index's objects are exactly the stored ones; every acknowledged instance is its file, preamble zeroed. */
  async function expectConsistent(): Promise<void> {
    expect(fs.readdirSync(path.join(disk.dataDir, 'objects', '.tmp'))).toEqual([]);
    const rows = archive.index.db.prepare('SELECT sop_uid AS sopUid, blob_key AS key, size FROM instances').all() as Array<{
      sopUid: string;
      key: string;
      size: number;
    }>;
    const stored = new Map<string, number>();
    for await (const entry of archive.blobStore.entries('v1/')) stored.set(entry.key, entry.size);
    expect(stored).toEqual(new Map(rows.map((row) => [row.key, row.size])));
    expect(rows.map((row) => row.sopUid).sort()).toEqual([...acknowledged.keys()].sort());
    for (const row of rows) {
      const { file, via } = acknowledged.get(row.sopUid)!;
      const object = await collect(await archive.blobStore.get(row.key));
      if (via === 'stow') expect(object.equals(withZeroPreamble(file)), row.sopUid).toBe(true);
      else expect(dataSetOf(object).equals(dataSetOf(file)), row.sopUid).toBe(true);
    }
  }
});
