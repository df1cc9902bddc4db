import { AppError } from '../../shared/errors';

/**
 * What `pacs backup` writes last into a backup (manifest.json) and `pacs restore` checks
 * everything against: a backup without one is incomplete. Object keys are the archive's own
 * (object-keys.ts), so a restored index points at the same keys.
 */
export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  /** ISO 8601: when the index snapshot was taken. */
  takenAt: string;
  /** Seconds the backup took. */
  seconds: number;
  archiveVersion: string;
  storage: 'fs' | 's3';
  counts: { studies: number; series: number; instances: number; objects: number; bytes: number };
  /** The SQLite files (index, access, audit) and the secret key, by file name in the backup. */
  files: BackupFile[];
  objects: BackupObject[];
}

export interface BackupFile {
  /** index.sqlite, access.sqlite, audit.sqlite or secret.key. */
  name: BackupFileName;
  size: number;
  sha256: string;
}

export interface BackupObject {
  key: string;
  size: number;
  sha256: string;
}

export const MANIFEST_FORMAT = 'pacs-backup/1';
export const MANIFEST_NAME = 'manifest.json';
export const BACKUP_FILE_NAMES = ['index.sqlite', 'access.sqlite', 'audit.sqlite', 'secret.key'] as const;
export type BackupFileName = (typeof BACKUP_FILE_NAMES)[number];

const SHA256 = /^[0-9a-f]{64}$/;
const KEY = /^v1\/[a-z0-9/._-]+$/;

/** Parses a manifest read from a backup, refusing anything that is not one this version wrote. */
export function parseManifest(text: string, where: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(where, 'it is not JSON');
  }
  const m = value as Partial<BackupManifest> | null;
  if (typeof m !== 'object' || m === null) throw invalid(where, 'it is not a JSON object');
  if (m.format !== MANIFEST_FORMAT) throw invalid(where, `its format is ${JSON.stringify(m.format)}, not ${MANIFEST_FORMAT}`);
  if (m.storage !== 'fs' && m.storage !== 's3') throw invalid(where, 'storage is neither fs nor s3');
  if (!Array.isArray(m.files) || !m.files.every(isFile)) throw invalid(where, 'its file list is malformed');
  if (!m.files.some((f) => f.name === 'index.sqlite')) throw invalid(where, 'it lists no index.sqlite');
  if (!Array.isArray(m.objects) || !m.objects.every(isObject)) throw invalid(where, 'its object list is malformed');
  if (typeof m.counts !== 'object' || m.counts === null) throw invalid(where, 'it has no counts');
  return m as BackupManifest;
}

function isFile(f: unknown): f is BackupFile {
  const file = f as BackupFile;
  return (
    typeof f === 'object' &&
    f !== null &&
    (BACKUP_FILE_NAMES as readonly string[]).includes(file.name) &&
    Number.isSafeInteger(file.size) &&
    SHA256.test(file.sha256)
  );
}

function isObject(o: unknown): o is BackupObject {
  const object = o as BackupObject;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof object.key === 'string' &&
    KEY.test(object.key) &&
    !object.key.split('/').includes('..') &&
    Number.isSafeInteger(object.size) &&
    object.size >= 0 &&
    SHA256.test(object.sha256)
  );
}

function invalid(where: string, why: string): AppError {
  return new AppError('BAD_REQUEST', `${where} is not a backup manifest: ${why}.`);
}
