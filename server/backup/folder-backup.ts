import { randomUUID } from 'node:crypto';
import { chmod, copyFile, link, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';
import { FsBlobStore } from '../storage/fs-blob-store';
import { assertSafeKey } from '../storage/object-keys';
import { MANIFEST_NAME, type BackupFileName } from './backup-manifest';
import type { BackupLocation } from './backup-location';

/**
 * A backup in a local folder: `DIR/objects/<key>` through the archive's own FsBlobStore (temp
 * file, flush, rename), the SQLite files and secret key beside it, manifest.json last. Objects
 * of a local archive are hard-linked when DIR is on the same file system: objects are
 * immutable (a put renames a new file into place, never writes into one), so a link is a copy
 * that costs no space and survives the archive deleting its own name.
 */
export class FolderBackup implements BackupLocation {
  readonly description: string;
  private readonly objects: FsBlobStore;
  /** Object folders known to exist, so a link costs no mkdir. */
  private readonly knownDirs = new Set<string>();

  private constructor(private readonly dir: string) {
    this.description = `folder ${dir}`;
    this.objects = new FsBlobStore(path.join(dir, 'objects'));
  }

  static async open(dir: string): Promise<FolderBackup> {
    return new FolderBackup(path.resolve(dir));
  }

  async prepare(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    // Removes what an interrupted run left in objects/.tmp.
    await FsBlobStore.open(path.join(this.dir, 'objects'));
  }

  async objectSizes(): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    for await (const entry of this.objects.entries('v1/')) sizes.set(entry.key, entry.size);
    return sizes;
  }

  async writeObject(key: string, body: Readable, size: number): Promise<void> {
    await this.objects.put(key, body, { size });
  }

  async linkObject(key: string, file: string): Promise<boolean> {
    assertSafeKey(key);
    const target = path.join(this.dir, 'objects', key);
    const tmp = path.join(this.dir, 'objects', '.tmp', `${randomUUID()}.link`);
    try {
      await link(file, tmp);
    } catch (error) {
      if (hasCode(error, 'EXDEV') || hasCode(error, 'EPERM') || hasCode(error, 'EMLINK')) return false;
      if (hasCode(error, 'ENOENT')) throw new AppError('BLOB_NOT_FOUND', `The stored object ${key} does not exist.`, { cause: error });
      throw error;
    }
    if (!this.knownDirs.has(path.dirname(target))) {
      await mkdir(path.dirname(target), { recursive: true });
      this.knownDirs.add(path.dirname(target));
    }
    await rename(tmp, target);
    return true;
  }

  readObject(key: string): Promise<Readable> {
    return this.objects.get(key);
  }

  removeObject(key: string): Promise<void> {
    return this.objects.delete(key);
  }

  stagingPath(name: BackupFileName): string {
    return path.join(this.dir, `.${name}.partial`);
  }

  async commitFile(name: BackupFileName, staged: string): Promise<void> {
    await syncFile(staged);
    await rename(staged, path.join(this.dir, name));
  }

  async fetchFile(name: BackupFileName, to: string): Promise<boolean> {
    try {
      await copyFile(path.join(this.dir, name), to);
      return true;
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return false;
      throw error;
    }
  }

  async readManifest(): Promise<string | undefined> {
    try {
      return await readFile(path.join(this.dir, MANIFEST_NAME), 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  async writeManifest(text: string): Promise<void> {
    const tmp = path.join(this.dir, `.${MANIFEST_NAME}.partial`);
    await writeFile(tmp, text, { mode: 0o600 });
    await syncFile(tmp);
    await rename(tmp, path.join(this.dir, MANIFEST_NAME));
    await syncFile(this.dir);
  }

  async close(): Promise<void> {
    await this.objects.close();
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
