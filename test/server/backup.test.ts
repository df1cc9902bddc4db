import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupManifest } from '../../server/backup/backup-manifest';
import type { AuditAction, AuditRecord } from '../../shared/api/audit-events';
import { expectCheckFindsNothing, expectSameBytes, indexedInstances, runPacs, storeSeries, StowLoop } from '../helpers/backup-cli';
import { startTestArchive, testArchiveEnv, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

/**
 * `pacs backup` of a running archive on a local folder, under a concurrent STOW-RS load, and
 * `pacs restore` of it into a fresh data dir (issue 15 item 3).
 */
describe('backup and restore of an archive on a local folder', () => {
  let live: TestArchive;
  let backupDir: string;
  const temp: string[] = [];

  beforeAll(async () => {
    live = await startTestArchive();
    backupDir = path.join(await makeTempDir('backup'), 'backup');
    temp.push(path.dirname(backupDir));
  });

  afterAll(async () => {
    await live?.stop();
    for (const dir of temp) await removeTempDir(dir);
  });

  /** The one record of `action` in the archive's audit trail: its PS3.15 event, done on the command line, successfully. */
  async function expectAudited(archive: TestArchive, action: AuditAction, eventName: string, detail: string): Promise<void> {
    const res = await archive.fetch(`${archive.url}/api/audit?action=${action}&limit=100`);
    const { records } = (await res.json()) as { records: AuditRecord[] };
    expect(records).toEqual([
      expect.objectContaining({ eventName, principalKind: 'cli', outcome: 0, detail: expect.stringContaining(detail) }),
    ]);
  }

  async function freshDataDir(): Promise<string> {
    const dir = await makeTempDir('restored');
    temp.push(dir);
    return dir;
  }

  it('a backup taken during a concurrent STOW load restores every instance acknowledged before it started, byte for byte', async () => {
    await storeSeries(live, 20, 'before-1');
    await storeSeries(live, 12, 'before-2');
    const load = new StowLoop(live);
    await load.waitFor(8);
    // A put of the archive in flight: its temp file must outlive the backup.
    const inFlight = path.join(live.dataDir, 'objects', '.tmp', 'in-flight.tmp');
    await writeFile(inFlight, 'being written');
    const startedAt = performance.now();
    const before = indexedInstances(live);
    const backup = await runPacs(['backup', backupDir], testArchiveEnv(live.dataDir));
    const acknowledgedDuring = load.acknowledged.filter((a) => a.at > startedAt).length;
    await load.stop();
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/Took [\d.]+ s/);
    // The load went on while the backup ran.
    expect(acknowledgedDuring).toBeGreaterThan(0);
    expect(await readFile(inFlight, 'utf8')).toBe('being written');

    const manifest = JSON.parse(await readFile(path.join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.counts.instances).toBeGreaterThanOrEqual(before.size);
    expect(manifest.counts.objects).toBe(manifest.counts.instances);
    expect(manifest.files.map((f) => f.name).sort()).toEqual(['access.sqlite', 'audit.sqlite', 'index.sqlite', 'secret.key']);
    expect(((await import('node:fs')).statSync(backupDir).mode & 0o777).toString(8)).toBe('700');

    const dataDir = await freshDataDir();
    const restore = await runPacs(['restore', backupDir], testArchiveEnv(dataDir));
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`${manifest.counts.objects} of ${manifest.counts.objects} objects`);

    const restored = await startTestArchive({ PACS_DATA_DIR: dataDir });
    try {
      const studies = new Map<string, string[]>();
      for (const [sopUid, studyUid] of before) studies.set(studyUid, [...(studies.get(studyUid) ?? []), sopUid]);
      expect(await expectSameBytes(live, restored, studies)).toBe(before.size);
      expect(indexedInstances(restored).size).toBe(manifest.counts.instances);
      // Both ends in the audit trail, as done by the operating-system user.
      await expectAudited(live, 'backup', 'Export', `backup to folder ${backupDir}`);
      await expectAudited(restored, 'restore', 'Import', `restore from folder ${backupDir}`);
      await expectCheckFindsNothing(testArchiveEnv(dataDir));
    } finally {
      await restored.stop();
    }
  });

  it('a second backup into the same folder copies only the new objects', async () => {
    const first = JSON.parse(await readFile(path.join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
    await storeSeries(live, 6, 'after');
    // New since the first backup: these six and what the load stored after its snapshot.
    const added = indexedInstances(live).size - first.counts.instances;
    const backup = await runPacs(['backup', backupDir], testArchiveEnv(live.dataDir));
    expect(backup.code).toBe(0);
    const [, copied, linked, kept] = /(\d+) copied, (\d+) hard-linked, (\d+) kept/.exec(backup.stdout) ?? [];
    // Same file system: the new objects are hard-linked, not copied.
    expect({ copied: Number(copied), linked: Number(linked), kept: Number(kept) }).toEqual({
      copied: 0,
      linked: added,
      kept: first.counts.objects,
    });
  });

  it('refuses to restore into a data dir that holds an index', async () => {
    const result = await runPacs(['restore', backupDir], testArchiveEnv(live.dataDir));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path.join(live.dataDir, 'index.sqlite')} exists already: restore goes into a fresh data dir`);
  });

  it('refuses to back up a data dir without an archive', async () => {
    const empty = await freshDataDir();
    const result = await runPacs(['backup', path.join(empty, 'backup')], testArchiveEnv(empty));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No archive database at ${path.join(empty, 'index.sqlite')}: is PACS_DATA_DIR right?`);
  });

  it('refuses a folder without a manifest', async () => {
    const empty = await freshDataDir();
    const result = await runPacs(['restore', empty], testArchiveEnv(await freshDataDir()));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('has no manifest.json: it is not a backup, or the backup did not finish');
  });

  it('reports a tampered object and exits 1', async () => {
    const manifest = JSON.parse(await readFile(path.join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
    const victim = manifest.objects[3];
    if (victim === undefined) throw new Error('the backup has too few objects');
    const file = path.join(backupDir, 'objects', victim.key);
    // A new file renamed over the old name: the backup's object is a hard link to the archive's, which must stay intact.
    const bytes = await readFile(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    await writeFile(`${file}.new`, bytes);
    await rename(`${file}.new`, file);

    const dataDir = await freshDataDir();
    const result = await runPacs(['restore', backupDir], testArchiveEnv(dataDir));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${victim.key}: its SHA-256 differs from the manifest`);
    expect(result.stdout).toContain(`${manifest.counts.objects - 1} of ${manifest.counts.objects} objects`);
  });

  it('reports an object of the archive that differs from its ingest digest, and exits 1', async () => {
    const { key } = live.index.db.prepare(`SELECT blob_key AS key FROM instances LIMIT 1`).get() as { key: string };
    const file = path.join(live.dataDir, 'objects', key);
    const original = await readFile(file);
    const damaged = Buffer.from(original);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 0x01, damaged.length - 1);
    // A new inode: the earlier backups hold hard links to the original.
    await writeFile(`${file}.new`, damaged);
    await rename(`${file}.new`, file);
    try {
      const result = await runPacs(['backup', path.join(await freshDataDir(), 'backup')], testArchiveEnv(live.dataDir));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `1 objects differ from the digest recorded when they were stored (backed up as they are), e.g. ${key}`,
      );
      expect(result.stderr).toContain('Run `npm run pacs -- check --verify`');
    } finally {
      await writeFile(file, original);
    }
  });
});
