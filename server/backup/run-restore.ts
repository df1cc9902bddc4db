import { chmod, mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import type { Config } from '../config';
import type { BlobStore } from '../storage/blob-store';
import { createBlobStore } from '../storage/create-blob-store';
import { parseManifest, type BackupFileName, type BackupManifest, type BackupObject } from './backup-manifest';
import type { BackupLocation } from './backup-location';
import { checksumFile, HashingStream } from './checksum';
import { eachConcurrently } from './each-concurrently';
import type { Progress } from './progress';

export interface RestoreResult {
  manifest: BackupManifest;
  /** Files and objects that did not verify (missing, wrong size or checksum), with why: none were installed. */
  failures: string[];
  /** Objects restored and verified, and their bytes. */
  objects: number;
  bytes: number;
}

const CONCURRENCY = { fs: 4, s3: 8 } as const;

/**
 * `pacs restore`: a backup into a fresh data dir and empty storage, every file and object checked
 * against the manifest as it arrives. Objects first and the SQLite files last, so a restore that
 * stops half-way leaves no index behind to start an archive on. A file or object that does not
 * verify is not installed and is reported.
 */
export async function runRestore(config: Config, location: BackupLocation, progress: Progress): Promise<RestoreResult> {
  const text = await location.readManifest();
  if (text === undefined) {
    throw new AppError(
      'BAD_REQUEST',
      `${location.description} has no manifest.json: it is not a backup, or the backup did not finish. Nothing was restored.`,
    );
  }
  const manifest = parseManifest(text, location.description);
  const targets: Record<BackupFileName, string> = {
    'index.sqlite': config.indexFile,
    'access.sqlite': config.accessFile,
    'audit.sqlite': config.auditFile,
    'secret.key': config.secretKeyFile,
  };
  for (const file of Object.values(targets)) {
    if (await exists(file)) {
      throw new AppError('CONFLICT', `${file} exists already: restore goes into a fresh data dir (PACS_DATA_DIR). Nothing was restored.`);
    }
  }
  const store = await createBlobStore(config.storage);
  const failures: string[] = [];
  let bytes = 0;
  let objects = 0;
  try {
    for await (const key of store.list('')) {
      throw new AppError(
        'CONFLICT',
        `The archive's storage (${store.description}) is not empty (it holds ${key}): restore goes into an empty folder or bucket. Nothing was restored.`,
      );
    }
    progress.start('objects', manifest.objects.length);
    try {
      await eachConcurrently(manifest.objects, CONCURRENCY[config.storage.kind], async (object) => {
        const problem = await restoreObject(location, store, object);
        if (problem !== undefined) failures.push(problem);
        else {
          objects++;
          bytes += object.size;
        }
        progress.advance(object.size);
      });
    } finally {
      progress.stop();
    }
  } finally {
    await store.close();
  }
  for (const file of manifest.files) {
    const target = targets[file.name];
    const staged = `${target}.restoring`;
    await mkdir(path.dirname(target), { recursive: true });
    if (!(await location.fetchFile(file.name, staged))) {
      failures.push(`${file.name}: missing from the backup`);
      continue;
    }
    const { sha256, size } = await checksumFile(staged);
    if (sha256 !== file.sha256 || size !== file.size) {
      await unlink(staged);
      failures.push(`${file.name}: ${describeMismatch(file, { sha256, size })}`);
      continue;
    }
    if (file.name === 'secret.key') await chmod(staged, 0o600);
    await rename(staged, target);
  }
  await location.close();
  return { manifest, failures, objects, bytes };
}

/** Puts one object in the archive's storage, checking it on the way; undefined when it verified, else why not (and it is removed). */
async function restoreObject(location: BackupLocation, store: BlobStore, object: BackupObject): Promise<string | undefined> {
  let hashing: HashingStream;
  try {
    hashing = HashingStream.of(await location.readObject(object.key));
  } catch (error) {
    if (error instanceof AppError && error.code === 'BLOB_NOT_FOUND') return `${object.key}: missing from the backup`;
    throw error;
  }
  try {
    await store.put(object.key, hashing);
  } catch (error) {
    throw new AppError('STORAGE_FAILURE', `${object.key} could not be restored: ${(error as Error).message}`, { cause: error });
  }
  const found = hashing.checksum();
  if (found.sha256 === object.sha256 && found.size === object.size) return undefined;
  await store.delete(object.key);
  return `${object.key}: ${describeMismatch(object, found)}`;
}

function describeMismatch(expected: { size: number }, found: { sha256: string; size: number }): string {
  return found.size === expected.size
    ? 'its SHA-256 differs from the manifest (the copy in the backup is damaged or was changed)'
    : `${found.size} bytes, the manifest says ${expected.size}`;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
