import { execFile } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { mkdir, open, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from './debian-tools';
import { makeTempDir, removeTempDir } from './temp-dir';

const run = promisify(execFile);

/** A tmpfs page: what tmpfs counts its size in. */
const PAGE = 4096;

/**
 * A real, small file system of its own for the full-disk tests (issue 15 item 5): a tmpfs with a
 * size limit, so ENOSPC and SQLITE_FULL come from the kernel, not from a mock. tmpfs rather than a
 * loop-mounted ext4 image: it needs no loop device (often missing in containers), it has no blocks
 * reserved for root (the archive runs as root here, and on ext4 root writes on into the reserved
 * 5 % while statfs's `bavail` already says 0), and it counts space exactly in pages, so a test
 * can leave precisely the room it wants. What tmpfs does not show, a failing fsync, the archive
 * treats like a failing write anyway.
 */
export interface SmallFilesystem {
  /** The mount point. */
  dir: string;
  /** A folder on it for PACS_DATA_DIR (index, access, audit and objects). */
  dataDir: string;
  sizeBytes: number;
  /** Free bytes now, as statfs reports them to an unprivileged writer (`bavail`). */
  freeBytes(): number;
  /** Grows or shrinks a ballast file beside the data dir until `bytes` (rounded to pages) are left free. */
  leaveFree(bytes: number): Promise<void>;
  /** Deletes the ballast: the space comes back. */
  removeBallast(): Promise<void>;
  unmount(): Promise<void>;
}

/**
 * Mounts a tmpfs of `mebibytes` on a fresh folder. We run as root; when mounting is impossible
 * (no privilege, no tmpfs) this throws naming why: the full-disk tests then fail, never skip.
 */
export async function mountSmallFilesystem(mebibytes: number): Promise<SmallFilesystem> {
  requireTool('mount');
  const dir = await makeTempDir('small-fs');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${mebibytes}m,mode=0700`, 'tmpfs', dir]);
  } catch (error) {
    await removeTempDir(dir);
    const why = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`Cannot mount a ${mebibytes} MiB tmpfs for the full-disk test (needs root or CAP_SYS_ADMIN): ${why}`, {
      cause: error,
    });
  }
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  const ballast = path.join(dir, 'ballast');
  const freeBytes = () => {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    dir,
    dataDir,
    sizeBytes: mebibytes * 2 ** 20,
    freeBytes,
    leaveFree: async (bytes) => {
      const now = await stat(ballast).then(
        (stats) => stats.size,
        () => 0,
      );
      const wanted = now + freeBytes() - Math.ceil(bytes / PAGE) * PAGE;
      if (wanted < 0) throw new Error(`Cannot leave ${bytes} bytes free: only ${freeBytes()} are free without ballast.`);
      if (wanted <= now) return truncate(ballast, wanted);
      // Written, not truncated up: tmpfs allocates a page only when it is written. The archive may
      // write meanwhile (an audit record): the disk is then full a little sooner, which is no error.
      const file = await open(ballast, 'a');
      try {
        const zeros = Buffer.alloc(2 ** 20);
        for (let size = now; size < wanted;) size += (await file.write(zeros, 0, Math.min(zeros.length, wanted - size))).bytesWritten;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'ENOSPC') throw error;
      } finally {
        await file.close();
      }
    },
    removeBallast: () => rm(ballast, { force: true }),
    unmount: async () => {
      // Lazily when busy: an archive that failed to close may still hold its files open.
      await run('umount', [dir]).catch(() => run('umount', ['--lazy', dir]));
      await removeTempDir(dir);
    },
  };
}
