import { copyFile, chmod, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { Config } from '../config';
import type { BlobStore } from '../storage/blob-store';
import { FsBlobStore } from '../storage/fs-blob-store';
import { MinioBlobStore } from '../storage/minio-blob-store';
import { archiveVersion } from './archive-version';
import {
  MANIFEST_FORMAT,
  parseManifest,
  type BackupFile,
  type BackupFileName,
  type BackupManifest,
  type BackupObject,
} from './backup-manifest';
import type { BackupLocation } from './backup-location';
import { checksumFile } from './checksum';
import { eachConcurrently } from './each-concurrently';
import { ObjectBackup, type ObjectRaces, type ObjectTally } from './object-backup';
import type { Progress } from './progress';
import { LiveIndex, SnapshotIndex, type SnapshotInstance } from './snapshot-index';
import { snapshotDatabase } from './sqlite-snapshot';

export interface BackupResult {
  manifest: BackupManifest;
  tally: ObjectTally;
  races: ObjectRaces;
  /** Objects of an earlier backup no instance of this one names, removed after the manifest was written. */
  removed: number;
  /** Instances whose object differs from the digest recorded at ingest (backed up as they are). */
  damaged: SnapshotInstance[];
}

/** Objects copied at once: a local disk gains little past a few, an S3 server wants more requests in flight. */
const CONCURRENCY = { fs: 4, s3: 8 } as const;

/**
 * `pacs backup`: a consistent snapshot of the running archive. The SQLite files through the
 * online backup API (index first), the secret key, then the objects the index snapshot names
 * (not a listing of storage, which races with ingest), the snapshot made to agree with what
 * was copied (object-backup.ts), and the manifest last.
 */
export async function runBackup(config: Config, location: BackupLocation, progress: Progress): Promise<BackupResult> {
  const started = performance.now();
  const takenAt = new Date().toISOString();
  for (const file of [config.indexFile, config.accessFile, config.auditFile]) {
    if (!(await exists(file))) throw new AppError('NOT_FOUND', `No archive database at ${file}: is PACS_DATA_DIR right?`);
  }
  await location.prepare();
  const previous = await previousObjects(location);
  // Staged beside the backup and committed together after the objects, just before the
  // manifest: an interrupted run leaves the last complete backup's files as they were.
  const staged = new Map<BackupFileName, string>();
  try {
    await stageFiles(config, location, staged);
    const snapshot = SnapshotIndex.open(staged.get('index.sqlite') as string);
    const source = await openSource(config);
    const live = LiveIndex.open(config.indexFile);
    try {
      const instances = snapshot.instances();
      const existing = await location.objectSizes();
      const objects = new ObjectBackup({
        source,
        sourceDir: config.storage.kind === 'fs' ? path.join(config.storage.dataDir, 'objects') : undefined,
        location,
        live,
        existing,
        previous,
      });
      progress.start('objects', instances.length);
      try {
        await eachConcurrently(instances, CONCURRENCY[config.storage.kind], async (instance) =>
          progress.advance(await objects.backUp(instance)),
        );
      } finally {
        progress.stop();
      }
      for (const instance of objects.races.dropped) snapshot.drop(instance);
      for (const instance of objects.races.replaced) snapshot.replaceObject(instance);
      const counts = snapshot.counts();
      snapshot.finish();
      const files: BackupFile[] = [];
      for (const [name, file] of staged) files.push(await commit(location, name, file));
      const manifest: BackupManifest = {
        format: MANIFEST_FORMAT,
        takenAt,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        archiveVersion: archiveVersion(),
        storage: config.storage.kind,
        counts: { ...counts, objects: objects.objects.length, bytes: objects.objects.reduce((sum, o) => sum + o.size, 0) },
        files,
        objects: objects.objects.sort((a, b) => (a.key < b.key ? -1 : 1)),
      };
      await location.writeManifest(JSON.stringify(manifest, null, 1));
      const removed = await removeUnnamed(location, existing.keys(), manifest.objects);
      return { manifest, tally: objects.tally, races: objects.races, removed, damaged: objects.damaged };
    } finally {
      snapshot.close();
      live.close();
      await source.close();
    }
  } catch (error) {
    for (const file of staged.values()) await unlink(file).catch(() => undefined);
    throw error;
  } finally {
    await location.close();
  }
}

/**
 * The running archive's storage, to read from. Not through createBlobStore: FsBlobStore.open
 * empties the temp folder, where the archive's puts in flight are being written.
 */
async function openSource(config: Config): Promise<BlobStore> {
  if (config.storage.kind === 's3') return MinioBlobStore.open(config.storage);
  return new FsBlobStore(path.join(config.storage.dataDir, 'objects'));
}

/** The SQLite files (the index first) and the secret key, into staging files. */
async function stageFiles(config: Config, location: BackupLocation, staged: Map<BackupFileName, string>): Promise<void> {
  const stage = (name: BackupFileName) => staged.set(name, location.stagingPath(name)).get(name) as string;
  await snapshotDatabase(config.indexFile, stage('index.sqlite'));
  await snapshotDatabase(config.accessFile, stage('access.sqlite'));
  await snapshotDatabase(config.auditFile, stage('audit.sqlite'));
  // Without it the peers' passwords sealed in the access database cannot be read.
  if (await exists(config.secretKeyFile)) {
    const key = stage('secret.key');
    await copyFile(config.secretKeyFile, key);
    await chmod(key, 0o600);
  }
}

/** Removes the objects of an earlier backup that the new manifest does not name (instances deleted since); how many. */
async function removeUnnamed(location: BackupLocation, held: Iterable<string>, named: readonly BackupObject[]): Promise<number> {
  const keep = new Set(named.map((o) => o.key));
  let removed = 0;
  for (const key of held) {
    if (keep.has(key)) continue;
    await location.removeObject(key);
    removed++;
  }
  return removed;
}

async function commit(location: BackupLocation, name: BackupFileName, staged: string): Promise<BackupFile> {
  const { sha256, size } = await checksumFile(staged);
  await location.commitFile(name, staged);
  return { name, size, sha256 };
}

/** The objects of the location's current manifest, if it has a readable one. */
async function previousObjects(location: BackupLocation): Promise<Map<string, BackupObject>> {
  const text = await location.readManifest();
  if (text === undefined) return new Map();
  try {
    return new Map(parseManifest(text, location.description).objects.map((o) => [o.key, o]));
  } catch {
    return new Map();
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
