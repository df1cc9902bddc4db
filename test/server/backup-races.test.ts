import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateCtSeries } from '../../fixtures/generate-ct-series';
import type { BackupManifest } from '../../server/backup/backup-manifest';
import { FolderBackup } from '../../server/backup/folder-backup';
import type { Progress } from '../../server/backup/progress';
import { runBackup } from '../../server/backup/run-backup';
import { loadConfig } from '../../server/config';
import { expectCheckFindsNothing, expectSameBytes, indexedInstances, runPacs } from '../helpers/backup-cli';
import { expectStored } from '../helpers/dicomweb-http';
import { startTestArchive, testArchiveEnv, type TestArchive } from '../helpers/start-app';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir';

const QUIET: Progress = { start: () => undefined, advance: () => undefined, stop: () => undefined };

let live: TestArchive;
let dir: string;

beforeAll(async () => {
  live = await startTestArchive();
  dir = await makeTempDir('backup-races');
});

afterAll(async () => {
  await live?.stop();
  await removeTempDir(dir);
});

/**
 * The archive changes between the index snapshot and the copy of the objects (here, exactly
 * then: in the hook that runs when the backup asks the folder what it holds, after the
 * snapshot): an instance and a whole study deleted, an instance deleted and stored again under
 * a new object. The backup drops the deleted ones from its snapshot and takes the new object and
 * row of the other, so the restored archive is consistent.
 */
it('instances deleted or stored again after the snapshot leave a consistent backup', async () => {
  const kept = generateCtSeries({ slices: 8, rows: 32, columns: 32, seed: 'kept' });
  const gone = generateCtSeries({ slices: 4, rows: 32, columns: 32, seed: 'gone' });
  await expectStored(
    live,
    kept.instances.map((i) => i.bytes),
  );
  await expectStored(
    live,
    gone.instances.map((i) => i.bytes),
  );
  const [deleted, again] = kept.instances;
  if (deleted === undefined || again === undefined) throw new Error('too few slices');
  const instanceUrl = (sopUid: string) => `${live.dicomWeb}/studies/${kept.studyUid}/series/${kept.seriesUid}/instances/${sopUid}`;
  const keyOf = (sopUid: string) => live.index.db.prepare(`SELECT blob_key FROM instances WHERE sop_uid = ?`).pluck().get(sopUid) as string;
  const oldKey = keyOf(again.sopUid);

  const folder = await FolderBackup.open(path.join(dir, 'backup'));
  const objectSizes = folder.objectSizes.bind(folder);
  folder.objectSizes = async () => {
    expect((await live.fetch(instanceUrl(deleted.sopUid), { method: 'DELETE' })).status).toBe(204);
    expect((await live.fetch(`${live.dicomWeb}/studies/${gone.studyUid}`, { method: 'DELETE' })).status).toBe(204);
    expect((await live.fetch(instanceUrl(again.sopUid), { method: 'DELETE' })).status).toBe(204);
    await expectStored(live, [again.bytes]);
    return objectSizes();
  };
  const { manifest, races } = await runBackup(loadConfig(testArchiveEnv(live.dataDir)), folder, QUIET);

  expect(keyOf(again.sopUid)).not.toBe(oldKey);
  expect(races.dropped.map((i) => i.sopUid).sort()).toEqual([deleted.sopUid, ...gone.instances.map((i) => i.sopUid)].sort());
  expect(races.replaced.map((i) => i.blobKey)).toEqual([keyOf(again.sopUid)]);
  expect(races.missing).toEqual([]);
  expect(manifest.counts).toMatchObject({ studies: 1, series: 1, instances: 7, objects: 7 });
  expect(manifest.objects.map((o) => o.key)).toContain(keyOf(again.sopUid));

  const dataDir = path.join(dir, 'restored');
  const restore = await runPacs(['restore', path.join(dir, 'backup')], testArchiveEnv(dataDir));
  expect(restore.code).toBe(0);
  const restored = await startTestArchive({ PACS_DATA_DIR: dataDir });
  try {
    expect([...indexedInstances(restored).keys()].sort()).toEqual([...indexedInstances(live).keys()].sort());
    expect(await expectSameBytes(live, restored, new Map([[kept.studyUid, kept.instances.slice(1).map((i) => i.sopUid)]]))).toBe(7);
    await expectCheckFindsNothing(testArchiveEnv(dataDir));
    const study = await restored.fetch(`${restored.dicomWeb}/studies?StudyInstanceUID=${kept.studyUid}`);
    const [attributes] = (await study.json()) as Array<Record<string, { Value?: unknown[] }>>;
    // NumberOfStudyRelatedInstances agrees with the instances kept.
    expect(attributes?.['00201208']?.Value).toEqual([7]);
  } finally {
    await restored.stop();
  }
});

it('a backup interrupted half-way leaves the last complete one as it was, restorable', async () => {
  const backupDir = path.join(dir, 'interrupted');
  const first = await runBackup(loadConfig(testArchiveEnv(live.dataDir)), await FolderBackup.open(backupDir), QUIET);
  const added = generateCtSeries({ slices: 3, rows: 32, columns: 32, seed: 'added' });
  await expectStored(
    live,
    added.instances.map((i) => i.bytes),
  );

  const folder = await FolderBackup.open(backupDir);
  const linkObject = folder.linkObject.bind(folder);
  let links = 0;
  folder.linkObject = async (key, file) => {
    if (++links > 1) throw new Error('the backup disk went away');
    return linkObject(key, file);
  };
  await expect(runBackup(loadConfig(testArchiveEnv(live.dataDir)), folder, QUIET)).rejects.toThrow('the backup disk went away');

  const manifest = JSON.parse(await readFile(path.join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
  expect(manifest.takenAt).toBe(first.manifest.takenAt);
  expect((await readdir(backupDir)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  const dataDir = path.join(dir, 'restored-interrupted');
  const restore = await runPacs(['restore', backupDir], testArchiveEnv(dataDir));
  expect(restore.stderr).toBe('');
  expect(restore.code).toBe(0);
  expect(restore.stdout).toContain(`${first.manifest.counts.objects} of ${first.manifest.counts.objects} objects`);
  await expectCheckFindsNothing(testArchiveEnv(dataDir));
});
