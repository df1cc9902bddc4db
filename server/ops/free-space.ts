import { stat, statfs } from 'node:fs/promises';
import path from 'node:path';

/** One reading of a disk the archive writes to: the one closest to its floor when there are several. */
export interface FreeSpace {
  freeBytes: number;
  totalBytes: number;
  /** Below this many free bytes, new instances are refused. */
  floorBytes: number;
  /** What the disk holds ("the data dir", "the index"…), for messages: never a path, which health shows without an account. */
  holds: string;
}

/** A folder the archive writes to, and what it holds there. */
export interface WatchedFolder {
  dir: string;
  holds: string;
}

/** The folders of the data dir (with `fs` storage, the objects) and of the three SQLite files, which may each be elsewhere. */
export function archiveFolders(config: { dataDir: string; indexFile: string; accessFile: string; auditFile: string }): WatchedFolder[] {
  return [
    { dir: config.dataDir, holds: 'the data dir' },
    { dir: path.dirname(config.indexFile), holds: 'the index' },
    { dir: path.dirname(config.accessFile), holds: 'the access database' },
    { dir: path.dirname(config.auditFile), holds: 'the audit trail' },
  ];
}

/** How old a reading may be when ingest asks; a fresh one is then taken in the background. */
const STALE_MS = 1_000;
/** Readings are also taken on this period, so health and metrics see the disk without ingest. */
const POLL_MS = 10_000;

/**
 * The free-space floor (issue 15): while a disk holding the data dir or one of the SQLite files
 * has less free space than the smaller of `minFreePercent` of that disk and `minFreeBytes`,
 * ingest (STOW-RS, C-STORE, fetches, the archive's own SRs) is refused and reading goes on. The
 * check on the ingest path is synchronous, against a reading at most a second old; a new reading
 * is taken as the old one ages, so ingest resumes by itself once space comes back.
 */
export class FreeSpaceGuard {
  private reading: FreeSpace | undefined;
  private readAt = 0;
  private refreshing: Promise<FreeSpace> | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    /** One folder per disk, with everything it holds. */
    private readonly disks: readonly WatchedFolder[],
    private readonly floor: { minFreePercent: number; minFreeBytes: number },
    private readonly log: (message: string) => void,
  ) {
    this.timer = setInterval(() => void this.read().catch(() => undefined), POLL_MS).unref();
  }

  /**
   * Starts watching the disks of these folders (a folder, or folders on one disk: `archiveFolders`);
   * their first reading is taken here, so a full disk is refused from the first request.
   */
  static async start(
    folders: string | readonly WatchedFolder[],
    floor: { minFreePercent: number; minFreeBytes: number },
    log: (message: string) => void,
  ): Promise<FreeSpaceGuard> {
    const guard = new FreeSpaceGuard(
      await byDisk(typeof folders === 'string' ? [{ dir: folders, holds: 'the data dir' }] : folders),
      floor,
      log,
    );
    try {
      await guard.read();
    } catch (error) {
      guard.stop();
      throw error;
    }
    return guard;
  }

  /** Why new instances are refused now, in words for the sender; undefined when there is room. */
  refusal(): string | undefined {
    if (Date.now() - this.readAt > STALE_MS) void this.read().catch(() => undefined);
    const reading = this.reading;
    if (reading === undefined || reading.freeBytes >= reading.floorBytes) return undefined;
    // What matters first: a C-STORE's Error Comment keeps only 64 characters.
    return (
      `Disk nearly full: new instances refused until space is freed (${megabytes(reading.freeBytes)} free of ` +
      `${megabytes(reading.totalBytes)}${this.onDisk(reading)}, under the floor of ${megabytes(reading.floorBytes)}).`
    );
  }

  /** A fresh reading (health, metrics): of the disk closest to its floor. */
  read(): Promise<FreeSpace> {
    this.refreshing ??= Promise.all(this.disks.map((disk) => this.readDisk(disk)))
      .then((readings) => {
        const reading = readings.reduce((a, b) => (b.freeBytes - b.floorBytes < a.freeBytes - a.floorBytes ? b : a));
        const wasRefusing = this.reading !== undefined && this.reading.freeBytes < this.reading.floorBytes;
        this.reading = reading;
        this.readAt = Date.now();
        const { freeBytes, floorBytes } = reading;
        const refusing = freeBytes < floorBytes;
        if (refusing !== wasRefusing) {
          const dir = this.disks.find((disk) => disk.holds === reading.holds)!.dir;
          this.log(
            refusing
              ? `free space ${megabytes(freeBytes)} is under the floor of ${megabytes(floorBytes)} on ${dir} (${reading.holds}): ingest refused`
              : `free space ${megabytes(freeBytes)} is back over the floor on ${dir} (${reading.holds}): ingest resumes`,
          );
        }
        return reading;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** The last reading, if any. */
  last(): FreeSpace | undefined {
    return this.reading;
  }

  /** " on the disk of the index" when several disks are watched; nothing when there is one. */
  onDisk(reading: FreeSpace): string {
    return this.disks.length > 1 ? ` on the disk of ${reading.holds}` : '';
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async readDisk({ dir, holds }: WatchedFolder): Promise<FreeSpace> {
    const stats = await statfs(dir);
    const totalBytes = stats.blocks * stats.bsize;
    const freeBytes = stats.bavail * stats.bsize;
    return { freeBytes, totalBytes, floorBytes: Math.min((totalBytes * this.floor.minFreePercent) / 100, this.floor.minFreeBytes), holds };
  }
}

/** One folder per disk (by device number), holding the names of everything on it. */
async function byDisk(folders: readonly WatchedFolder[]): Promise<WatchedFolder[]> {
  const disks = new Map<number, WatchedFolder>();
  for (const folder of folders) {
    const { dev } = await stat(folder.dir);
    const disk = disks.get(dev);
    if (disk === undefined) disks.set(dev, { ...folder });
    else if (!disk.holds.includes(folder.holds)) disk.holds += `, ${folder.holds}`;
  }
  return [...disks.values()];
}

function megabytes(bytes: number): string {
  return bytes >= 10 * 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(0)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
