import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../server/ops/consistency-check';
import { digestOf } from '../../server/storage/object-digest';
import { collect } from '../../server/stored/byte-streams';
import { corpusEntry, corpusFile } from '../helpers/corpus';
import { expectStored } from '../helpers/dicomweb-http';
import { runEntryPoint } from '../helpers/run-entry-point';
import { startTestArchive, testArchiveEnv, type TestArchive } from '../helpers/start-app';

const CT_DIR = 'series/ct-abdomen-philips-tcia';
const SLICES = ['1-036.dcm', '1-037.dcm', '1-038.dcm', '1-039.dcm', '1-040.dcm'].map((f) => `${CT_DIR}/${f}`);

describe('pacs check: index and storage compared both ways', () => {
  let archive: TestArchive;
  const pacs = (args: string[]) => runEntryPoint('server/cli/pacs.ts', ['check', ...args], testArchiveEnv(archive.dataDir));
  const check = async (args: string[] = []) => {
    const run = await pacs([...args, '--json']);
    return { code: run.code, report: JSON.parse(run.stdout) as CheckReport, stderr: run.stderr };
  };
  const objectPath = (key: string) => path.join(archive.dataDir, 'objects', key);
  const keyOf = (file: string) =>
    archive.index.db.prepare(`SELECT blob_key FROM instances WHERE sop_uid = ?`).pluck().get(corpusEntry(file).sopInstanceUID) as string;
  const listed = async (prefix: string) => {
    const keys: string[] = [];
    for await (const key of archive.blobStore.list(prefix)) keys.push(key);
    return keys.sort();
  };

  beforeAll(async () => {
    archive = await startTestArchive();
    await expectStored(
      archive,
      SLICES.map((f) => corpusFile(f)),
    );
  });
  afterAll(async () => {
    await archive?.stop();
  });

  it('finds nothing wrong in an archive just stored, while it runs, and every object carries an XXH3 digest verified by --verify', async () => {
    const digests = archive.index.db.prepare(`SELECT digest FROM instances`).pluck().all() as string[];
    expect(digests).toHaveLength(SLICES.length);
    for (const digest of digests) expect(digest).toMatch(/^xxh3:[0-9a-f]{16}$/);
    expect(archive.index.pending.count()).toBe(0);

    const { code, report } = await check(['--verify']);
    expect(code).toBe(0);
    expect(report).toMatchObject({ instances: 5, objects: 5, problems: 0, missing: { count: 0 }, orphans: { count: 0 } });
    expect(report.verify).toMatchObject({ verified: 5, unverifiable: 0, corrupt: { count: 0 } });
    const text = await pacs([]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Index: 5 instances.');
    expect(text.stdout).toContain('Result: consistent.');
  });

  it('reports a missing object, a wrong size and (with --verify) a changed byte, and never touches their rows', async () => {
    const [missing, truncated, corrupted] = [keyOf(SLICES[0]!), keyOf(SLICES[1]!), keyOf(SLICES[2]!)];
    const saved = await Promise.all([missing, truncated, corrupted].map((key) => fs.readFile(objectPath(key))));
    try {
      await fs.rm(objectPath(missing));
      await fs.truncate(objectPath(truncated), saved[1]!.length - 100);
      const bytes = Buffer.from(saved[2]!);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1); // a pixel, same size: only the digest can tell
      await fs.writeFile(objectPath(corrupted), bytes);

      const plain = await check();
      expect(plain.code).toBe(1);
      expect(plain.report.missing).toEqual({ count: 1, first: [{ key: missing, sopUid: corpusEntry(SLICES[0]!).sopInstanceUID }] });
      expect(plain.report.wrongSize).toEqual({
        count: 1,
        first: [
          { key: truncated, sopUid: corpusEntry(SLICES[1]!).sopInstanceUID, recorded: saved[1]!.length, stored: saved[1]!.length - 100 },
        ],
      });
      expect(plain.report.verify).toBeUndefined();
      expect(plain.report.problems).toBe(2);

      const verified = await check(['--verify', '--repair', '--grace', '0s']);
      expect(verified.code).toBe(1);
      expect(verified.report.verify!.corrupt.count).toBe(1);
      expect(verified.report.verify!.corrupt.first[0]).toMatchObject({ key: corrupted, sopUid: corpusEntry(SLICES[2]!).sopInstanceUID });
      expect(verified.report.verify!.verified).toBe(2);
      expect(verified.report.problems).toBe(3);
      // Reported, never deleted: --repair leaves rows alone.
      expect(archive.index.db.prepare(`SELECT count(*) FROM instances`).pluck().get()).toBe(5);

      const text = await pacs(['--verify']);
      expect(text.stdout).toContain(`Missing objects (rows kept): 1\n  ${missing}`);
      expect(text.stdout).toContain('Corrupt objects (digest differs): 1');
      expect(text.stdout).toContain('Result: 3 problems found.');
    } finally {
      await Promise.all([missing, truncated, corrupted].map((key, n) => fs.writeFile(objectPath(key), saved[n]!)));
    }
    expect((await check(['--verify'])).code).toBe(0);
  });

  it('rows stored before the digest are unverifiable, not wrong', async () => {
    const key = keyOf(SLICES[3]!);
    const digest = archive.index.db.prepare(`SELECT digest FROM instances WHERE blob_key = ?`).pluck().get(key) as string;
    archive.index.db.prepare(`UPDATE instances SET digest = NULL WHERE blob_key = ?`).run(key);
    try {
      const { code, report } = await check(['--verify']);
      expect(code).toBe(0);
      expect(report.verify).toMatchObject({ verified: 4, unverifiable: 1, corrupt: { count: 0 } });
    } finally {
      archive.index.db.prepare(`UPDATE instances SET digest = ? WHERE blob_key = ?`).run(digest, key);
    }
  });

  it('lists orphans; --repair moves only those older than the grace to the quarantine, and a later run deletes them', async () => {
    const old = 'v1/instances/ab/ab0123456789abcdef0123456789abcd.dcm';
    const young = 'v1/instances/cd/cd0123456789abcdef0123456789abcd.dcm';
    for (const key of [old, young]) {
      await fs.mkdir(path.dirname(objectPath(key)), { recursive: true });
      await fs.writeFile(objectPath(key), Buffer.alloc(1000, 7));
    }
    const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
    await fs.utimes(objectPath(old), twoDaysAgo, twoDaysAgo);

    const found = await check();
    expect(found.code).toBe(1);
    expect(found.report.orphans.count).toBe(2);
    expect(found.report.orphans.first.map((o) => o.key)).toEqual([old, young]);
    expect(await listed('v1/instances/')).toContain(old); // listing is not repairing

    const repaired = await check(['--repair']); // the default grace, 24 h
    expect(repaired.code).toBe(1);
    expect(repaired.report).toMatchObject({ quarantined: 1, inGrace: 1 });
    expect(await listed('v1/quarantine/')).toEqual(['v1/quarantine/ab/ab0123456789abcdef0123456789abcd.dcm']);
    expect(await fs.readFile(objectPath('v1/quarantine/ab/ab0123456789abcdef0123456789abcd.dcm'))).toEqual(Buffer.alloc(1000, 7));

    const now = await check(['--repair', '--grace', '0s']);
    expect(now.report).toMatchObject({ quarantined: 1, inGrace: 0, quarantine: { deleted: 1, kept: 0 } });
    const later = await check(['--repair', '--grace', '0s']);
    expect(later.code).toBe(0);
    expect(later.report).toMatchObject({ orphans: { count: 0 }, quarantine: { deleted: 1, kept: 0 }, problems: 0 });
    expect(await listed('v1/quarantine/')).toEqual([]);
    expect(await listed('v1/instances/')).toEqual(SLICES.map(keyOf).sort());
  });

  it('answers usage errors with exit 2', async () => {
    const bad = await pacs(['--grace', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--grace takes a duration');
    expect((await pacs(['--fix'])).code).toBe(2);
  });
});

describe('pacs check with PACS_STORE_COMPRESSED', () => {
  it('records the digest of the re-stored object; the replaced one is recorded until deleted, so check counts it as the archive’s own', async () => {
    const archive = await startTestArchive({ PACS_STORE_COMPRESSED: '1.2.840.10008.1.2.4.80' });
    try {
      const slice = SLICES[0]!;
      await expectStored(archive, [corpusFile(slice)]);
      const before = archive.index.db.prepare(`SELECT blob_key AS key, digest FROM instances`).get() as { key: string; digest: string };
      await archive.compressionAtRest!.idle();
      const after = archive.index.db.prepare(`SELECT blob_key AS key, digest, transfer_syntax AS ts FROM instances`).get() as {
        key: string;
        digest: string;
        ts: string;
      };
      expect(after.ts).toBe('1.2.840.10008.1.2.4.80');
      expect(after.key).not.toBe(before.key);
      expect(after.digest).toBe(digestOf(await collect(await archive.blobStore.get(after.key))));
      expect(after.digest).not.toBe(before.digest);
      // The replaced object stays for readers (REPLACED_GRACE_MS), recorded as pending.
      expect(archive.compressionAtRest!.replacedKeys).toEqual([before.key]);
      expect(archive.index.pending.unreferenced()).toEqual([before.key]);

      const env = testArchiveEnv(archive.dataDir);
      const run = await runEntryPoint('server/cli/pacs.ts', ['check', '--verify', '--json'], env);
      const report = JSON.parse(run.stdout) as CheckReport;
      expect(report).toMatchObject({ orphans: { count: 1 }, recordedOrphans: 1, problems: 0, verify: { verified: 1 } });
      expect(run.code).toBe(0);

      await archive.compressionAtRest!.deleteReplaced();
      expect(archive.index.pending.count()).toBe(0);
    } finally {
      await archive.stop();
    }
  }, 60_000);
});

describe('without PACS_INGEST_DIGEST, and after a DELETE', () => {
  it('stores no digest (check --verify counts the rows unverifiable) and a deleted instance leaves no object and no record', async () => {
    const archive = await startTestArchive({ PACS_INGEST_DIGEST: 'false' });
    try {
      await expectStored(archive, [corpusFile(SLICES[0]!), corpusFile(SLICES[1]!)]);
      expect(archive.index.db.prepare(`SELECT digest FROM instances`).pluck().all()).toEqual([null, null]);
      const entry = corpusEntry(SLICES[0]!);
      const res = await archive.fetch(
        `${archive.dicomWeb}/studies/${entry.studyInstanceUID}/series/${entry.seriesInstanceUID}/instances/${entry.sopInstanceUID}`,
        { method: 'DELETE' },
      );
      expect(res.status).toBe(204);
      expect(archive.index.pending.count()).toBe(0);
      const keys: string[] = [];
      for await (const key of archive.blobStore.list('v1/instances/')) keys.push(key);
      expect(keys).toHaveLength(1);

      const run = await runEntryPoint('server/cli/pacs.ts', ['check', '--verify', '--json'], testArchiveEnv(archive.dataDir));
      expect(JSON.parse(run.stdout)).toMatchObject({ instances: 1, objects: 1, problems: 0, verify: { verified: 0, unverifiable: 1 } });
      expect(run.code).toBe(0);
    } finally {
      await archive.stop();
    }
  }, 60_000);
});
