import { isAppError } from '../../shared/errors';

/** The Error Comment of an instance refused because the disk filled (a C-STORE keeps 64 characters of it). */
export const DISK_FULL_COMMENT = "The archive's disk is full: the instance was not stored.";

/**
 * Whether a storage or index failure is a full disk: the file system's ENOSPC or EDQUOT (which
 * the fs blob store turns into STORAGE_FULL) or SQLite's SQLITE_FULL. Such an instance is
 * refused as out of resources (0xA700), which the sender may try again later, not as a
 * processing failure.
 */
export function isDiskFull(error: unknown): boolean {
  if (isAppError(error) && error.code === 'STORAGE_FULL') return true;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}
