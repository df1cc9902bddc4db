import type { Readable } from 'node:stream';
import type { StorageConfig } from '../config';
import { UsageError } from '../cli/usage-error';
import type { BackupFileName } from './backup-manifest';

/**
 * Where a backup lives: a folder (`DIR`) or a bucket with an optional prefix
 * (`s3://bucket/prefix`, reached with the archive's own S3 credentials). `pacs backup` writes
 * one, `pacs restore` reads one. Objects keep the archive's keys below `objects/`; the SQLite
 * files, the secret key and manifest.json sit at the top.
 */
export interface BackupLocation {
  readonly description: string;
  /** Creates the folder (mode 0700: it holds patient data) or the bucket if missing. */
  prepare(): Promise<void>;
  /** Size of every object the location holds already, by key: what an incremental backup keeps. */
  objectSizes(): Promise<Map<string, number>>;
  /** Stores one object under a temp name and renames it into place (a bucket's PUT is atomic). */
  writeObject(key: string, body: Readable, size: number): Promise<void>;
  /** Hard-links a local file in as the object `key`; false when it cannot (another file system). */
  linkObject?(key: string, file: string): Promise<boolean>;
  readObject(key: string): Promise<Readable>;
  removeObject(key: string): Promise<void>;
  /** A local path to write a file to before `commitFile` puts it in the backup under `name`. */
  stagingPath(name: BackupFileName): string;
  commitFile(name: BackupFileName, staged: string): Promise<void>;
  /** Copies the backup's file `name` to the local path `to`; false when the backup has no such file. */
  fetchFile(name: BackupFileName, to: string): Promise<boolean>;
  readManifest(): Promise<string | undefined>;
  /** Last: a backup without a manifest is incomplete. */
  writeManifest(text: string): Promise<void>;
  close(): Promise<void>;
}

export type LocationSpec = { kind: 'folder'; dir: string } | { kind: 'bucket'; bucket: string; prefix: string };

/** `DIR` or `s3://bucket[/prefix]`, as given on the command line. */
export function parseLocation(arg: string | undefined, command: string): LocationSpec {
  if (arg === undefined || arg === '') throw new UsageError(`${command}: where? Give a folder or s3://bucket/prefix.`);
  if (!arg.startsWith('s3://')) return { kind: 'folder', dir: arg };
  const [bucket = '', ...rest] = arg.slice('s3://'.length).split('/');
  // S3 bucket naming rules (lower case, digits, dots, hyphens; 3 to 63 characters).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new UsageError(`${command}: "${bucket}" is not a valid bucket name.`);
  const prefix = rest.filter((s) => s !== '').join('/');
  if (prefix.split('/').some((s) => s === '.' || s === '..')) throw new UsageError(`${command}: the prefix may not hold . or .. segments.`);
  return { kind: 'bucket', bucket, prefix: prefix === '' ? '' : `${prefix}/` };
}

/** Opens the location: a bucket takes the archive's S3 server and credentials. */
export async function openLocation(spec: LocationSpec, storage: StorageConfig): Promise<BackupLocation> {
  if (spec.kind === 'folder') {
    const { FolderBackup } = await import('./folder-backup');
    return FolderBackup.open(spec.dir);
  }
  if (storage.kind !== 's3') {
    throw new UsageError(
      'A backup in a bucket uses the S3 server and credentials of the archive: set PACS_STORAGE=s3 and its PACS_S3_* variables.',
    );
  }
  const { BucketBackup } = await import('./bucket-backup');
  return BucketBackup.open(storage, spec.bucket, spec.prefix);
}
